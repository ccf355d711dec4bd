import { INFRA, localSecrets, serviceSpec, signToken } from "@concert/devstack";
import { randomUUID } from "node:crypto";
import { createPool, type Pool, type RowDataPacket } from "mysql2/promise";

/** Helpers for tests against the running local stack (scripts/test.sh starts it). */
export const GATEWAY = `http://127.0.0.1:${serviceSpec("gateway").appPort}`;

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function api<T = any>(
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
  const res = await fetch(GATEWAY + path, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export const adminToken = () => signToken(randomUUID(), "admin");
export const userToken = () => signToken(randomUUID(), "user");

/** Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
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

export const appToken = () => localSecrets().appApiToken;

export const layout = [
  { name: "VIP", rows: 2, seatsPerRow: 5, price: 150_000 },
  { name: "R", rows: 3, seatsPerRow: 10, price: 99_000 },
];

/** Creates a concert and one schedule through the gateway, as an admin would. */
export async function createConcertWithSchedule(sections = layout) {
  const token = await adminToken();
  const concert = await api("POST", "/api/admin/concerts", { token, body: { title: `Test ${randomUUID().slice(0, 8)}`, venue: "Olympic Hall" } });
  if (concert.status !== 201) throw new Error(`concert: ${concert.status} ${JSON.stringify(concert.body)}`);
  const schedule = await api("POST", `/api/admin/concerts/${concert.body.id}/schedules`, {
    token,
    body: { startsAt: "2031-05-01T19:00:00+09:00", bookingOpensAt: "2031-04-01T20:00:00+09:00", sections },
  });
  if (schedule.status !== 201) throw new Error(`schedule: ${schedule.status} ${JSON.stringify(schedule.body)}`);
  return { concert: concert.body, schedule: schedule.body, scheduleReply: schedule, token };
}
