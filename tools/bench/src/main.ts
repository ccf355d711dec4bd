import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { INFRA, RUN_DIR, serviceSpec, signToken } from "@concert/devstack";
import autocannon from "autocannon";
import { createConnection } from "mysql2/promise";

/**
 * A sale opening on the local stack, measured through the gateway: many admitted users read the
 * seat map, then all try to hold overlapping seats at once. Then it waits (bounded) until every
 * won hold's ReservationCreated, which leaves through Dapr's transactional outbox, has reached
 * my page: how fast reservation events drain after a burst. Bounded in time and count; loopback
 * only. Prints throughput and latency, and checks that no seat went to two reservations.
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

/**
 * Waits until my page has the PENDING_PAYMENT step (from ReservationCreated, published by Dapr's
 * outbox) of `expected` reservations of the schedule, or 180 s pass.
 */
async function drain(scheduleId: string, expected: number, burstStarted: number) {
  const db = await createConnection({ host: "127.0.0.1", port: INFRA.mariadbPort, user: INFRA.dbUser, password: INFRA.dbPassword, database: "mypage" });
  const deadline = Date.now() + 180_000;
  let delivered = 0;
  try {
    for (;;) {
      const [rows] = (await db.query(
        "SELECT COUNT(*) AS n FROM reservation_timeline t JOIN my_reservations r USING (reservation_id) WHERE r.schedule_id = ? AND t.step = 'PENDING_PAYMENT'",
        [scheduleId],
      )) as unknown as [Array<{ n: number }>];
      delivered = Number(rows[0]!.n);
      if (delivered >= expected || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await db.end();
  }
  const allVisible = Date.now();
  return {
    expected,
    delivered,
    // From the end of the burst until the last event was visible.
    lastVisibleAfterBurstMs: Math.max(0, allVisible - burstStarted - SECONDS * 1000),
    eventsPerSecondOverall: Math.round((delivered / ((allVisible - burstStarted) / 1000)) * 10) / 10,
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

  // Everyone goes for the front rows: two adjacent seats among the first 200.
  const stormStarted = Date.now();
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

  const events = await drain(schedule.id, holds["2xx"], stormStarted);

  const map = (await call("GET", `/api/schedules/${schedule.id}/seats`, users[0]!.token, undefined, { "x-queue-token": users[0]!.queueToken })).body;
  const result = {
    at: new Date().toISOString(),
    setup: { users: USERS, seats: ROWS * PER_ROW, connections: CONNECTIONS, seconds: SECONDS },
    seatMapReads: summary(reads),
    holdStorm: summary(holds),
    reservationEvents: events,
    inventory: { total: map.total, available: map.available, held: map.held, reserved: map.reserved },
    consistent: map.available + map.held + map.reserved === map.total && map.held <= 2 * holds["2xx"] && events.delivered === events.expected,
  };
  writeFileSync(join(RUN_DIR, "bench.json"), JSON.stringify(result, null, 2));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (!result.consistent) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
