import { INFRA, startService, stopService } from "@concert/devstack";
import Redis from "ioredis";
import { randomUUID } from "node:crypto";
import {
  adminToken,
  api,
  closePools,
  createConcertWithSchedule,
  eventually,
  internal,
  joinQueue,
  queueStatus,
  type Shopper,
  userToken,
  withQueue,
} from "../support/stack";

/** Restarts the queue service with other limits (they are per-deployment settings). */
async function restartQueue(env: Record<string, string> = {}) {
  await stopService("queue");
  await startService("queue", env);
  // Ready is not yet reachable: wait until the gateway's sidecar reaches the new instance.
  const token = await userToken();
  await eventually(async () => {
    const r = await api("GET", `/api/queue/tokens/current?concertId=${randomUUID()}`, { token });
    return r.status < 500 ? true : undefined;
  }, 30_000, "gateway reaching the restarted queue");
}

const redis = new Redis(INFRA.redisUrl);

afterAll(async () => {
  await restartQueue();
  redis.disconnect();
  await closePools();
});

const newConcert = async () => {
  const r = await api("POST", "/api/admin/concerts", { token: await adminToken(), body: { title: "Queue", venue: "Hall" } });
  return r.body.id as string;
};

describe("waiting room", () => {
  it("gives one place in line per user however often they join", async () => {
    const concertId = await newConcert();
    const first = await joinQueue(concertId);
    const again = await api("POST", "/api/queue/tokens", { token: first.token, body: { concertId } });
    expect(again.status).toBe(200);
    expect(again.body.token).toBe(first.queueToken);
  });

  it("a late booking event settles the token the booking came through, never the fan's newer one", async () => {
    const concertId = await newConcert();
    const fan = await joinQueue(concertId);
    await eventually(async () => ((await queueStatus(concertId, fan)).status === "ACTIVE" ? true : undefined), 30_000, "admission");
    const settle = (path: string, queueToken: string) =>
      internal("queue", "POST", `/internal/tokens/${path}`, { body: { userId: fan.userId, concertId, queueToken } });
    // The fan's first booking completes: that token is spent.
    expect((await settle("expire", fan.queueToken)).body.status).toBe("EXPIRED");
    const next = await api("POST", "/api/queue/tokens", { token: fan.token, body: { concertId } });
    expect(next.body.token).not.toBe(fan.queueToken);
    await eventually(async () => ((await queueStatus(concertId, fan)).status === "ACTIVE" ? true : undefined), 30_000, "admission again");
    // The first booking's events arrive again, late: the new token stays as it is.
    await settle("expire", fan.queueToken);
    await settle("restore", fan.queueToken);
    expect(await queueStatus(concertId, fan)).toMatchObject({ token: next.body.token, status: "ACTIVE" });
    expect(await redis.hget(`queue:token:${fan.queueToken}`, "status")).toBe("EXPIRED");
  });

  it("admits FIFO, never more than the active capacity, and frees a slot when a token expires", async () => {
    await restartQueue({ QUEUE_ACTIVE_CAPACITY: "3", QUEUE_ADMISSION_PER_SECOND: "100" });
    const { concert, schedule } = await createConcertWithSchedule([{ name: "Q", rows: 1, seatsPerRow: 2, price: 1 }]);
    const line: Shopper[] = [];
    for (let i = 0; i < 6; i++) line.push(await joinQueue(concert.id));

    const statusOf = async () => Promise.all(line.map((s) => queueStatus(concert.id, s)));
    const settled = await eventually(async () => {
      const st = await statusOf();
      return st.filter((s) => s.status === "ACTIVE").length === 3 ? st : undefined;
    }, 30_000, "three admitted");
    expect(settled.map((s) => s.status)).toEqual(["ACTIVE", "ACTIVE", "ACTIVE", "WAITING", "WAITING", "WAITING"]);
    expect(settled.slice(3).map((s) => s.position)).toEqual([1, 2, 3]);
    expect(settled[3].etaSeconds).toBeGreaterThanOrEqual(1);

    // A waiting user is turned away from the seat map with their place in line.
    const early = await api("GET", `/api/schedules/${schedule.id}/seats`, withQueue(line[3]!));
    expect(early.status).toBe(403);
    expect(early.body).toMatchObject({ queueStatus: "WAITING", position: 1 });

    // The first user's reservation completes: their token expires and the fourth is admitted.
    const expired = await internal("queue", "POST", "/internal/tokens/expire", { body: { userId: line[0]!.userId, concertId: concert.id } });
    expect(expired.body.status).toBe("EXPIRED");
    const next = await eventually(async () => {
      const st = await statusOf();
      return st[3].status === "ACTIVE" ? st : undefined;
    }, 30_000, "fourth admitted");
    expect(next.map((s) => s.status)).toEqual(["EXPIRED", "ACTIVE", "ACTIVE", "ACTIVE", "WAITING", "WAITING"]);
    expect(next[4].position).toBe(1);

    // A failed reservation restores nothing once a completed booking used the token up...
    const used = await internal("queue", "POST", "/internal/tokens/restore", { body: { userId: line[0]!.userId, concertId: concert.id } });
    expect(used.body.status).toBe("EXPIRED");
    // ...and leaves a live token as it is.
    const live = await internal("queue", "POST", "/internal/tokens/restore", { body: { userId: line[1]!.userId, concertId: concert.id } });
    expect(live.body.status).toBe("ACTIVE");
    expect((await statusOf()).filter((s) => s.status === "ACTIVE")).toHaveLength(3);
  });

  it("drops a waiting token that stops polling, and refuses an ACTIVE token once its time is up", async () => {
    // Idle drop (2 s) well before the active token's expiry (8 s): the silent token cannot have
    // been admitted and then expired, so its end can only be the idle drop.
    await restartQueue({ QUEUE_ACTIVE_CAPACITY: "1", QUEUE_ACTIVE_TTL_SECONDS: "8", QUEUE_IDLE_TIMEOUT_SECONDS: "2" });
    const { concert, schedule } = await createConcertWithSchedule([{ name: "T", rows: 1, seatsPerRow: 2, price: 1 }]);
    // The seat map is built (ScheduleCreated through Kafka) before anyone's 8 s start running.
    await eventually(async () => ((await internal("seat", "GET", `/schedules/${schedule.id}/seats`)).status === 200 ? true : undefined), 60_000, "the seat map built");
    const active = await joinQueue(concert.id);
    await eventually(async () => ((await queueStatus(concert.id, active)).status === "ACTIVE" ? true : undefined));
    const silent = await joinQueue(concert.id);
    const seats = await api("GET", `/api/schedules/${schedule.id}/seats`, withQueue(active));
    expect(seats.status).toBe(200);
    expect(seats.body.total).toBe(2);

    // Watched in Redis, not through the API, so that looking does not count as polling.
    await eventually(async () => ((await redis.hget(`queue:token:${silent.queueToken}`, "status")) === "EXPIRED" ? true : undefined), 30_000, "idle token dropped");
    expect(await redis.hget(`queue:token:${active.queueToken}`, "status")).toBe("ACTIVE");
    expect(await redis.hget(`queue:token:${silent.queueToken}`, "activatedAt")).toBeNull();
    expect(await redis.zscore(`queue:${concert.id}:waiting`, silent.queueToken)).toBeNull();
    // Joining again gets a new place at the end of the line.
    const back = await api("POST", "/api/queue/tokens", { token: silent.token, body: { concertId: concert.id } });
    expect(back.status).toBe(201);
    expect(back.body.token).not.toBe(silent.queueToken);

    const refused = await eventually(async () => {
      const r = await api("GET", `/api/schedules/${schedule.id}/seats`, withQueue(active));
      return r.status === 403 ? r : undefined;
    }, 30_000, "expiry of the active token");
    expect(refused.body).toMatchObject({ queueStatus: "EXPIRED" });
  });

  it("refuses another user's token, a token for another concert, and unknown concerts", async () => {
    const a = await createConcertWithSchedule([{ name: "U", rows: 1, seatsPerRow: 1, price: 1 }]);
    const otherConcert = await newConcert();
    const alice = await joinQueue(a.concert.id);
    const bob = await joinQueue(a.concert.id);
    const bobElsewhere = await joinQueue(otherConcert, bob.userId);

    const stolen = await api("GET", `/api/schedules/${a.schedule.id}/seats`, { token: bob.token, headers: { "x-queue-token": alice.queueToken } });
    expect(stolen.status).toBe(403);
    const wrongConcert = await api("GET", `/api/schedules/${a.schedule.id}/seats`, withQueue(bobElsewhere));
    expect(wrongConcert.status).toBe(403);
    expect((await api("POST", "/api/queue/tokens", { token: alice.token, body: { concertId: randomUUID() } })).status).toBe(404);
    expect((await api("POST", "/api/queue/tokens", { token: alice.token, body: { concertId: "nope" } })).status).toBe(400);
    expect((await api("POST", "/api/queue/tokens", { body: { concertId: a.concert.id } })).status).toBe(401);
  });
});
