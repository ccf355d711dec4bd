import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import type { Slots, TokenRecord, TokenStatus } from "../domain/token";

/**
 * The waiting room in Redis. Per concert: a WAITING sorted set scored by arrival sequence
 * (FIFO), an ACTIVE sorted set scored by expiry, and a heartbeat set for waiting tokens. Every
 * transition is one Lua script, so concurrent joins and admissions on any number of replicas
 * never double-admit or lose a place.
 */
const k = {
  token: (t: string) => `queue:token:${t}`,
  user: (concertId: string, userId: string) => `queue:${concertId}:user:${userId}`,
  seq: (c: string) => `queue:${c}:seq`,
  waiting: (c: string) => `queue:${c}:waiting`,
  active: (c: string) => `queue:${c}:active`,
  seen: (c: string) => `queue:${c}:seen`,
  admittedUntil: (c: string) => `queue:${c}:admitted-until`,
  /** Admissions in one wall-clock minute (the operator console's admission rate). */
  admittedIn: (c: string, minute: number) => `queue:${c}:admitted:${minute}`,
  concerts: "queue:concerts",
};

const TOKEN_TTL_SECONDS = 24 * 3600;

// KEYS: user, seq, waiting, seen, concerts   ARGV: userId, concertId, newToken, now, tokenTtl
const JOIN = `
local existing = redis.call('GET', KEYS[1])
if existing then
  local t = redis.call('HMGET', 'queue:token:' .. existing, 'status', 'expiresAt')
  if t[1] == 'WAITING' then
    redis.call('ZADD', KEYS[4], 'XX', ARGV[4], existing)
    return existing
  end
  if t[1] == 'ACTIVE' and tonumber(t[2]) > tonumber(ARGV[4]) then return existing end
end
local seq = redis.call('INCR', KEYS[2])
local key = 'queue:token:' .. ARGV[3]
redis.call('HSET', key, 'userId', ARGV[1], 'concertId', ARGV[2], 'status', 'WAITING', 'issuedAt', ARGV[4])
redis.call('EXPIRE', key, ARGV[5])
redis.call('ZADD', KEYS[3], seq, ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[3])
redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[5])
redis.call('SADD', KEYS[5], ARGV[2])
return ARGV[3]
`;

// KEYS: waiting, active, seen, admittedUntil, concerts, admittedIn(this minute)
// ARGV: now, capacity, ratePerSecond, ttlMs, idleCutoff, concertId
// A concert whose line and active set are both empty leaves the set of concerts the admitter
// visits (a join puts it back): the tick's cost follows the live queues, not every concert ever.
// The admission rate is a token bucket kept in Redis (admittedUntil), so it holds for the
// concert as a whole however many queue replicas run this script.
const ADMIT = `
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[3])
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, t in ipairs(expired) do
  redis.call('HSET', 'queue:token:' .. t, 'status', 'EXPIRED')
  redis.call('ZREM', KEYS[2], t)
end
local idle = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[5])
for _, t in ipairs(idle) do
  redis.call('HSET', 'queue:token:' .. t, 'status', 'EXPIRED')
  redis.call('ZREM', KEYS[1], t)
  redis.call('ZREM', KEYS[3], t)
end
local free = tonumber(ARGV[2]) - redis.call('ZCARD', KEYS[2])
local granted = tonumber(redis.call('GET', KEYS[4]) or 0)
local burst = math.max(1, rate)
if granted < now - burst * 1000 / rate then granted = now - burst * 1000 / rate end
local n = math.min(free, math.floor((now - granted) * rate / 1000))
local admitted = 0
if n > 0 then
  local popped = redis.call('ZPOPMIN', KEYS[1], n)
  local until_ = now + tonumber(ARGV[4])
  for i = 1, #popped, 2 do
    local t = popped[i]
    redis.call('ZREM', KEYS[3], t)
    redis.call('ZADD', KEYS[2], until_, t)
    redis.call('HSET', 'queue:token:' .. t, 'status', 'ACTIVE', 'activatedAt', now, 'expiresAt', until_)
    admitted = admitted + 1
  end
  redis.call('SET', KEYS[4], granted + admitted * 1000 / rate)
  redis.call('INCRBY', KEYS[6], admitted)
  redis.call('EXPIRE', KEYS[6], 180)
end
local waiting = redis.call('ZCARD', KEYS[1])
if waiting == 0 and redis.call('ZCARD', KEYS[2]) == 0 then redis.call('SREM', KEYS[5], ARGV[6]) end
return {admitted, #expired, #idle, waiting}
`;

// KEYS: user, active   ARGV: now, mode ('spend' | 'expire' | 'restore'), token ('' = the user's
// current), userId, concertId, reservationId ('' = none)
// spend: a reservation now holds seats through the token: it leaves ACTIVE and its slot frees,
//   unless that reservation already ended (its events may arrive out of order).
// expire: the reservation completed: the token is spent for good.
// restore: the reservation that spent it failed and the token's time has not run out: ACTIVE
//   again, back in its slot.
const SETTLE = `
local t = ARGV[3]
if t == '' then t = redis.call('GET', KEYS[1]) end
if not t then return nil end
local key = 'queue:token:' .. t
local owner = redis.call('HMGET', key, 'userId', 'concertId')
if owner[1] ~= ARGV[4] or owner[2] ~= ARGV[5] then return nil end
local h = redis.call('HMGET', key, 'status', 'expiresAt', 'completed', 'spentBy', 'endedBy')
local now = tonumber(ARGV[1])
local r = ARGV[6]
if ARGV[2] == 'spend' then
  if h[1] == 'ACTIVE' and h[3] ~= '1' and h[5] ~= r then
    redis.call('HSET', key, 'status', 'EXPIRED', 'spentBy', r)
    redis.call('ZREM', KEYS[2], t)
  end
elseif ARGV[2] == 'expire' then
  redis.call('HSET', key, 'completed', '1')
  if r ~= '' then redis.call('HSET', key, 'endedBy', r) end
  if h[1] == 'ACTIVE' then
    redis.call('HSET', key, 'status', 'EXPIRED')
    redis.call('ZREM', KEYS[2], t)
  end
else
  if r ~= '' then redis.call('HSET', key, 'endedBy', r) end
  if h[1] == 'EXPIRED' and h[3] ~= '1' and r ~= '' and h[4] == r and h[2] and tonumber(h[2]) > now then
    redis.call('HSET', key, 'status', 'ACTIVE')
    redis.call('HDEL', key, 'spentBy')
    redis.call('ZADD', KEYS[2], h[2], t)
  end
end
return redis.call('HGET', key, 'status')
`;

export interface AdmissionResult {
  admitted: number;
  expired: number;
  dropped: number;
  waiting: number;
}

export interface QueueStats {
  waiting: number;
  active: number;
  admittedThisMinute: number;
  admittedLastMinute: number;
}

export class RedisQueue {
  constructor(readonly redis: Redis) {}

  static connect(url: string): RedisQueue {
    return new RedisQueue(new Redis(url, { maxRetriesPerRequest: 2, enableAutoPipelining: true, lazyConnect: false }));
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }

  async ping(): Promise<boolean> {
    return (await this.redis.ping()) === "PONG";
  }

  /** Joins the line, or returns the user's live token for this concert (one place per user). */
  async join(userId: string, concertId: string, now: number): Promise<string> {
    const token = (await this.redis.eval(
      JOIN,
      5,
      k.user(concertId, userId),
      k.seq(concertId),
      k.waiting(concertId),
      k.seen(concertId),
      k.concerts,
      userId,
      concertId,
      randomUUID(),
      now,
      TOKEN_TTL_SECONDS,
    )) as string;
    return token;
  }

  async tokenOfUser(userId: string, concertId: string): Promise<string | null> {
    return this.redis.get(k.user(concertId, userId));
  }

  async get(token: string): Promise<TokenRecord | undefined> {
    const h = await this.redis.hgetall(k.token(token));
    if (!h.userId) return undefined;
    return {
      token,
      userId: h.userId,
      concertId: h.concertId!,
      status: h.status as TokenStatus,
      issuedAt: Number(h.issuedAt),
      ...(h.activatedAt ? { activatedAt: Number(h.activatedAt) } : {}),
      ...(h.expiresAt ? { expiresAt: Number(h.expiresAt) } : {}),
      ...(h.spentBy && h.completed !== "1" ? { spentBy: h.spentBy } : {}),
    };
  }

  /**
   * A waiting token's 1-based place in line, refreshing its heartbeat, and what stands between it
   * and admission (the window's free slots, and when the admitted token that must leave first
   * expires: `etaSeconds`). Null when the token is not waiting. One round trip, two when the
   * window is too full for this place.
   */
  async placeInLine(t: TokenRecord, now: number, capacity: number): Promise<{ position: number; slots: Slots } | null> {
    if (t.status !== "WAITING") return null;
    const [[, rank], , [, admitted]] = (await this.redis
      .multi()
      .zrank(k.waiting(t.concertId), t.token)
      .zadd(k.seen(t.concertId), "XX", now, t.token)
      .zcard(k.active(t.concertId))
      .exec()) as [[Error | null, number | null], unknown, [Error | null, number]];
    if (rank === null) return null;
    const position = rank + 1;
    const active = Number(admitted);
    const free = Math.max(0, capacity - active);
    const leaving = Math.min(position - free, active);
    if (leaving <= 0) return { position, slots: { free, freedAt: null } };
    const [, score] = await this.redis.zrange(k.active(t.concertId), leaving - 1, leaving - 1, "WITHSCORES");
    return { position, slots: { free, freedAt: score === undefined ? null : Number(score) } };
  }

  /** A concert's line as an operator sees it: who waits, who is in, admissions per minute. */
  async stats(concertId: string, now: number): Promise<QueueStats> {
    const minute = Math.floor(now / 60_000);
    const [[, waiting], [, active], [, thisMinute], [, lastMinute]] = (await this.redis
      .multi()
      .zcard(k.waiting(concertId))
      .zcard(k.active(concertId))
      .get(k.admittedIn(concertId, minute))
      .get(k.admittedIn(concertId, minute - 1))
      .exec()) as Array<[Error | null, unknown]>;
    return {
      waiting: Number(waiting),
      active: Number(active),
      admittedThisMinute: Number(thisMinute ?? 0),
      admittedLastMinute: Number(lastMinute ?? 0),
    };
  }

  async concertsWithQueues(): Promise<string[]> {
    return this.redis.smembers(k.concerts);
  }

  async admit(concertId: string, now: number, capacity: number, ratePerSecond: number, ttlMs: number, idleCutoff: number): Promise<AdmissionResult> {
    const [admitted, expired, dropped, waiting] = (await this.redis.eval(
      ADMIT,
      6,
      k.waiting(concertId),
      k.active(concertId),
      k.seen(concertId),
      k.admittedUntil(concertId),
      k.concerts,
      k.admittedIn(concertId, Math.floor(now / 60_000)),
      now,
      capacity,
      ratePerSecond,
      ttlMs,
      idleCutoff,
      concertId,
    )) as number[];
    return { admitted: admitted!, expired: expired!, dropped: dropped!, waiting: waiting! };
  }

  /** Reservation created: the token that admitted it leaves ACTIVE and its slot frees. */
  async spend(userId: string, concertId: string, now: number, token?: string, reservationId?: string): Promise<TokenStatus | null> {
    return this.settle("spend", userId, concertId, now, token, reservationId);
  }

  /** Reservation completed: the token is spent for good. */
  async expire(userId: string, concertId: string, now: number, token?: string, reservationId?: string): Promise<TokenStatus | null> {
    return this.settle("expire", userId, concertId, now, token, reservationId);
  }

  /** Reservation failed: the token it spent is ACTIVE again, unless the token's time ran out. */
  async restore(userId: string, concertId: string, now: number, token?: string, reservationId?: string): Promise<TokenStatus | null> {
    return this.settle("restore", userId, concertId, now, token, reservationId);
  }

  /**
   * Settles `token` — the one the booking came through — or, for events that do not name one,
   * the user's current token. A late event about an older token never touches a newer one.
   */
  private async settle(mode: "spend" | "expire" | "restore", userId: string, concertId: string, now: number, token = "", reservationId = ""): Promise<TokenStatus | null> {
    const keys = [k.user(concertId, userId), k.active(concertId)];
    return (await this.redis.eval(SETTLE, 2, ...keys, now, mode, token, userId, concertId, reservationId)) as TokenStatus | null;
  }
}
