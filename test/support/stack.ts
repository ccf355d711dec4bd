import { appEnv, INFRA, ROOT, serviceSpec, signToken, tokensOf } from "@concert/devstack";
import { CommunicationProtocolEnum, DaprClient } from "@dapr/dapr";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { createPool, type Pool, type RowDataPacket } from "mysql2/promise";

/** Helpers for tests against the running local stack (scripts/test.sh starts it). */
export const GATEWAY = `http://127.0.0.1:${serviceSpec("gateway").appPort}`;

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export type ApiOptions = { body?: unknown; rawBody?: string; token?: string; headers?: Record<string, string> };

/** A client of the public API at `base` (the local gateway, or a cluster's). */
export function apiAt(base: string) {
  return async function api<T = any>(method: string, path: string, options: ApiOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
    const res = await fetch(base + path, {
      method,
      headers,
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
}

export const api = apiAt(GATEWAY);

/** A Dapr client of `app`'s real sidecar, as that app (to publish what only a service would). */
export const sidecarOf = (app: string) =>
  new DaprClient({
    daprHost: "127.0.0.1",
    daprPort: String(serviceSpec(app).daprHttpPort),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    daprApiToken: tokensOf(app).daprApiToken,
  });

export const adminToken = () => signToken(randomUUID(), "admin");
export const userToken = () => signToken(randomUUID(), "user");

/**
 * Calls an internal service's own API directly on its port, as its sidecar delivers a call: with
 * the app token its sidecar sends and, optionally, a caller identity. (Through a sidecar the
 * caller would need a grant of Dapr's access control; tests reach routes no app may invoke.)
 */
export async function internal<T = any>(
  app: string,
  method: string,
  path: string,
  options: { body?: unknown; userId?: string; role?: "user" | "admin" } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { "dapr-api-token": tokensOf(app).appApiToken };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.userId) {
    headers["x-user-id"] = options.userId;
    headers["x-user-role"] = options.role ?? "user";
  }
  const res = await fetch(`http://127.0.0.1:${serviceSpec(app).appPort}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export interface Shopper {
  userId: string;
  token: string;
  queueToken: string;
}

/** A signed-in user who joined the concert's queue (not yet necessarily admitted). */
export async function joinQueue(concertId: string, userId: string = randomUUID()): Promise<Shopper & { status: string }> {
  const token = await signToken(userId, "user");
  const r = await api("POST", "/api/queue/tokens", { token, body: { concertId } });
  if (r.status !== 201 && r.status !== 200) throw new Error(`join: ${r.status} ${JSON.stringify(r.body)}`);
  return { userId, token, queueToken: r.body.token, status: r.body.status };
}

export async function queueStatus(concertId: string, shopper: Shopper) {
  return (await api("GET", `/api/queue/tokens/current?concertId=${concertId}`, { token: shopper.token })).body;
}

/** A user whose queue token for the concert is ACTIVE. */
export async function admittedShopper(concertId: string): Promise<Shopper> {
  const s = await joinQueue(concertId);
  await eventually(async () => ((await queueStatus(concertId, s)).status === "ACTIVE" ? true : undefined), 30_000, "admission");
  return s;
}

/**
 * The shopper with an admission pass instead of the token id: the gateway then lets them through
 * by itself for 30 s (docs/waiting-room.md), as the queue's answer stood when the pass was made.
 */
export async function withAdmissionPass(concertId: string, s: Shopper): Promise<Shopper> {
  const pass = (await queueStatus(concertId, s)).pass as string | undefined;
  if (!pass) throw new Error(`no admission pass for ${s.userId}: the token is not ACTIVE`);
  return { ...s, queueToken: pass };
}

export const withQueue = (s: Shopper) => ({ token: s.token, headers: { "x-queue-token": s.queueToken } });

/** The seat map, once the seat service has built it, read by an admitted user. */
export async function seatMap(concertId: string, scheduleId: string, shopper?: Shopper) {
  const s = shopper ?? (await admittedShopper(concertId));
  return eventually(async () => {
    const r = await api("GET", `/api/schedules/${scheduleId}/seats`, withQueue(s));
    return r.status === 200 ? r.body : undefined;
  }, 30_000, "seat map");
}

/**
 * One deadline for all the waits of a test: each `left()` is what remains of it, so waits in a
 * row cannot add up past the test's own timeout (a bare jest timeout names nothing; a wait that
 * runs out says what it was waiting for).
 */
export function budget(ms: number): { left: () => number } {
  const end = Date.now() + ms;
  return { left: () => Math.max(1, end - Date.now()) };
}

/**
 * What is left of the running test's own timeout, less a few seconds to report in: jest-circus
 * keeps the running test (its start and its timeout, or the configured one) in its state. Outside
 * a test (hooks), undefined.
 */
function testTimeLeft(): number | undefined {
  const sym = Object.getOwnPropertySymbols(globalThis).find((s) => s.description === "JEST_STATE_SYMBOL");
  const state = sym ? ((globalThis as Record<symbol, unknown>)[sym] as { testTimeout?: number; currentlyRunningTest?: { startedAt?: number | null; timeout?: number } }) : undefined;
  const test = state?.currentlyRunningTest;
  if (!test?.startedAt) return undefined;
  return test.startedAt + (test.timeout ?? state?.testTimeout ?? 90_000) - 3_000 - Date.now();
}

/**
 * Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs`,
 * naming `what`. Inside a test it never waits past the test's own timeout: waits in a row cannot
 * add up to a bare jest timeout that names nothing.
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000, what = "condition"): Promise<T> {
  const left = testTimeLeft();
  const limit = left === undefined ? timeoutMs : Math.max(1_000, Math.min(timeoutMs, left));
  const deadline = Date.now() + limit;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const why = limit < timeoutMs ? ` (all that was left of the test's time)` : "";
      throw new Error(`${what} not reached within ${limit} ms${why}${last ? `: ${String(last)}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

const pools = new Map<string, Pool>();
/** Reads a service's own database, to check what a request did (or did not) write. */
export async function sql<T = RowDataPacket>(database: string, query: string, params: unknown[] = []): Promise<T[]> {
  let pool = pools.get(database);
  if (!pool) {
    pool = createPool({ host: "127.0.0.1", port: INFRA.mariadbPort, user: INFRA.dbUser, password: INFRA.dbPassword, database, connectionLimit: 4 });
    pools.set(database, pool);
  }
  const [rows] = await pool.query(query, params);
  return rows as T[];
}

export async function closePools(): Promise<void> {
  await Promise.all([...pools.values()].map((p) => p.end()));
  pools.clear();
}

/** The token `app`'s sidecar sends to it: what its port accepts. */
export const appToken = (app: string) => tokensOf(app).appApiToken;

export const layout = [
  { name: "VIP", rows: 2, seatsPerRow: 5, price: 150_000 },
  { name: "R", rows: 3, seatsPerRow: 10, price: 99_000 },
];

/** Creates a concert and one schedule through the gateway, as an admin would; booking opened a minute ago. */
export async function createConcertWithSchedule(
  sections = layout,
  bookingOpensAt = new Date(Date.now() - 60_000).toISOString(),
  startsAt = "2031-05-01T19:00:00+09:00",
  /** More of the schedule's settings (maxSeatsPerFan). */
  settings: Record<string, unknown> = {},
) {
  const token = await adminToken();
  const concert = await api("POST", "/api/admin/concerts", { token, body: { title: `Test ${randomUUID().slice(0, 8)}`, venue: "Olympic Hall" } });
  if (concert.status !== 201) throw new Error(`concert: ${concert.status} ${JSON.stringify(concert.body)}`);
  const schedule = await api("POST", `/api/admin/concerts/${concert.body.id}/schedules`, {
    token,
    body: { startsAt, bookingOpensAt, sections, ...settings },
  });
  if (schedule.status !== 201) throw new Error(`schedule: ${schedule.status} ${JSON.stringify(schedule.body)}`);
  return { concert: concert.body, schedule: schedule.body, scheduleReply: schedule, token };
}

/** A second gateway process on `port`, sharing the first one's sidecar and Redis: another replica. */
export async function startGatewayReplica(port: number, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [join(ROOT, "services", "gateway", "dist", "main.js")], {
    env: appEnv(serviceSpec("gateway"), { PORT: String(port), ...env }),
    stdio: "ignore",
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await eventually(async () => ((await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok ? true : undefined), 30_000, "second gateway ready");
  return {
    api: apiAt(`http://127.0.0.1:${port}`),
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
