import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { INFRA, RUN_DIR, serviceSpec, signToken } from "@concert/devstack";
import autocannon from "autocannon";
import { createConnection } from "mysql2/promise";

/**
 * A sale opening on the local stack, measured through the gateway: many admitted users read the
 * seat map, make a burst of reservations for distinct seats (and measure how late each one's
 * ReservationCreated, through Dapr's transactional outbox, reaches my page), then all try to
 * hold overlapping seats at once. Bounded in time and count; loopback only. Prints throughput
 * and latency, and checks that no seat went to two reservations.
 * Usage: make bench (the stack and services must be running: make run, or make infra-up services-up).
 */
const GATEWAY = `http://127.0.0.1:${serviceSpec("gateway").appPort}`;
// At most the queue's active capacity (100 in local runs): everyone must get in.
const USERS = Number(process.env.BENCH_USERS ?? 80);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const ROWS = 20;
const PER_ROW = 50; // 1000 seats

async function call(method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(GATEWAY + path, {
    method,
    headers: { ...(body ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function setUp() {
  const admin = await signToken(randomUUID(), "admin");
  const concert = (await call("POST", "/api/admin/concerts", admin, { title: `Bench ${new Date().toISOString()}`, venue: "Bench Arena" })).body;
  const schedule = (
    await call("POST", `/api/admin/concerts/${concert.id}/schedules`, admin, {
      startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      bookingOpensAt: new Date(Date.now() - 1_000).toISOString(),
      sections: [{ name: "A", rows: ROWS, seatsPerRow: PER_ROW, price: 10_000 }],
    })
  ).body;
  const users = await Promise.all(
    Array.from({ length: USERS }, async () => {
      const token = await signToken(randomUUID(), "user");
      const joined = await call("POST", "/api/queue/tokens", token, { concertId: concert.id });
      return { token, queueToken: joined.body.token as string };
    }),
  );
  // Wait (bounded) for admission (FIFO, at the queue's rate) and for the seats to exist.
  const deadline = Date.now() + 60_000;
  for (const u of users) {
    for (;;) {
      const s = await call("GET", `/api/queue/tokens/current?concertId=${concert.id}`, u.token);
      if (s.body.status === "ACTIVE") break;
      if (Date.now() > deadline) throw new Error("users were not admitted within 60 s (more users than the queue's capacity?)");
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  for (;;) {
    const m = await call("GET", `/api/schedules/${schedule.id}/seats`, users[0]!.token, undefined, { "x-queue-token": users[0]!.queueToken });
    if (m.status === 200) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { concert, schedule, users };
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const summary = (r: autocannon.Result) => ({
  requests: r.requests.total,
  rps: Math.round(r.requests.average),
  p50ms: r.latency.p50,
  p99ms: r.latency.p99,
  maxMs: r.latency.max,
  statuses: { "2xx": r["2xx"], "4xx": r["4xx"], "5xx": r["5xx"], errors: r.errors, timeouts: r.timeouts },
});

const HOLDS = Number(process.env.BENCH_HOLDS ?? 300);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

/**
 * A burst of reservations for distinct seats (rows 5 and up, two adjacent seats each), CONNECTIONS
 * at a time, then the lag of each one's ReservationCreated — which leaves through Dapr's
 * transactional outbox — until my page shows it (its PENDING_PAYMENT step), polled every 100 ms
 * for at most 180 s.
 */
async function distinctHolds(scheduleId: string, users: Array<{ token: string; queueToken: string }>) {
  const pairs = Math.min(HOLDS, ((ROWS - 4) * PER_ROW) / 2);
  const created = new Map<string, number>();
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (let i = next++; i < pairs; i = next++) {
        const u = users[i % users.length]!;
        const row = 5 + Math.floor((2 * i) / PER_ROW);
        const seat = 1 + ((2 * i) % PER_ROW);
        const t0 = Date.now();
        const r = await call("POST", "/api/reservations", u.token, { scheduleId, seatNumbers: [`A-${row}-${seat}`, `A-${row}-${seat + 1}`] }, { "x-queue-token": u.queueToken });
        latencies.push(Date.now() - t0);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status === 201) created.set(r.body.reservationId as string, Date.now());
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((x, y) => x - y);

  const db = await createConnection({ host: "127.0.0.1", port: INFRA.mariadbPort, user: INFRA.dbUser, password: INFRA.dbPassword, database: "mypage" });
  const lags: number[] = [];
  const waiting = new Set(created.keys());
  const deadline = Date.now() + 180_000;
  try {
    while (waiting.size > 0 && Date.now() < deadline) {
      const [rows] = (await db.query("SELECT reservation_id AS id FROM reservation_timeline WHERE step = 'PENDING_PAYMENT' AND reservation_id IN (?)", [[...waiting]])) as unknown as [Array<{ id: string }>];
      const now = Date.now();
      for (const { id } of rows) {
        lags.push(now - created.get(id)!);
        waiting.delete(id);
      }
      if (waiting.size > 0) await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await db.end();
  }
  lags.sort((x, y) => x - y);
  return {
    holds: {
      requests: pairs,
      rps: Math.round(pairs / seconds),
      p50ms: pct(latencies, 50),
      p99ms: pct(latencies, 99),
      maxMs: latencies.at(-1) ?? 0,
      statuses,
    },
    reservationEvents: {
      expected: created.size,
      delivered: lags.length,
      lagP50ms: pct(lags, 50),
      lagP99ms: pct(lags, 99),
      lagMaxMs: lags.at(-1) ?? 0,
      // Events per second from the first reservation until the last event was visible.
      drainedPerSecond: Math.round((lags.length / ((Date.now() - started) / 1000)) * 10) / 10,
    },
  };
}

async function main() {
  const { schedule, users } = await setUp();
  let i = 0;
  const next = () => users[i++ % users.length]!;

  const reads = await run({
    url: GATEWAY,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: "GET",
        path: `/api/schedules/${schedule.id}/seats`,
        setupRequest: (req) => {
          const u = next();
          return { ...req, headers: { authorization: `Bearer ${u.token}`, "x-queue-token": u.queueToken } };
        },
      },
    ],
  });

  const distinct = await distinctHolds(schedule.id, users);

  // Everyone goes for the front rows: two adjacent seats among the first 200.
  const holds = await run({
    url: GATEWAY,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: "POST",
        path: "/api/reservations",
        setupRequest: (req) => {
          const u = next();
          const row = 1 + Math.floor(Math.random() * 4);
          const seat = 1 + Math.floor(Math.random() * (PER_ROW - 1));
          return {
            ...req,
            headers: { "content-type": "application/json", authorization: `Bearer ${u.token}`, "x-queue-token": u.queueToken },
            body: JSON.stringify({ scheduleId: schedule.id, seatNumbers: [`A-${row}-${seat}`, `A-${row}-${seat + 1}`] }),
          };
        },
      },
    ],
  });

  const map = (await call("GET", `/api/schedules/${schedule.id}/seats`, users[0]!.token, undefined, { "x-queue-token": users[0]!.queueToken })).body;
  const result = {
    at: new Date().toISOString(),
    setup: { users: USERS, seats: ROWS * PER_ROW, connections: CONNECTIONS, seconds: SECONDS, distinctHolds: HOLDS },
    seatMapReads: summary(reads),
    distinctHolds: distinct.holds,
    reservationEvents: distinct.reservationEvents,
    holdStorm: summary(holds),
    inventory: { total: map.total, available: map.available, held: map.held, reserved: map.reserved },
    // Every seat counted once, every hold of two seats, and every created reservation's event arrived.
    consistent:
      map.available + map.held + map.reserved === map.total && map.held % 2 === 0 &&
      distinct.reservationEvents.delivered === distinct.reservationEvents.expected,
  };
  writeFileSync(join(RUN_DIR, "bench.json"), JSON.stringify(result, null, 2));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (!result.consistent) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
