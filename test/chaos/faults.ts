import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { checkInvariants, crash, MOCK_DATAPLATFORM_URL, ROOT, RUN_DIR, SERVICES, type Violation } from "@concert/devstack";
import { admittedShopper, api, createConcertWithSchedule, type Reply, seatMap, type Shopper, sql, withQueue } from "../support/stack";

/**
 * One fault of the chaos suite: what is killed (SIGKILL, as a crash or an OOM kill would) and
 * how it comes back. Apps and sidecars are restarted by the local stack's supervisor, as the
 * kubelet restarts a pod's container; the infrastructure is started again by `infra.sh up`
 * after `downMs`, as an operator or its own supervisor would.
 */
export interface Fault {
  name: string;
  kill: () => void;
  /** Brings it back (nothing for supervised processes). */
  restart?: () => Promise<void>;
  downMs?: number;
}

const infraPid = (name: string) => Number(readFileSync(join(RUN_DIR, "pids", `${name}.pid`), "utf8"));
const infraUp = () => promisify(execFile)(join(ROOT, "scripts", "infra.sh"), ["up"], { cwd: ROOT }).then(() => undefined);

const supervised = (proc: string): Fault => ({
  name: proc.endsWith("-daprd") ? `sidecar ${proc.slice(0, -6)}` : `app ${proc.slice(0, -4)}`,
  kill: () => {
    if (crash(proc) === undefined) throw new Error(`${proc} is not running`);
  },
});

const infra = (name: string, downMs = 3_000): Fault => ({
  name,
  kill: () => process.kill(infraPid(name), "SIGKILL"),
  restart: infraUp,
  downMs,
});

/** Every fault `make chaos` runs, one at a time. */
export const FAULTS: Fault[] = [
  ...["reservation", "seat", "wallet", "gateway", "queue", "mypage", "notification", "dataplatform"].map((s) => supervised(`${s}-app`)),
  ...["reservation", "seat", "wallet", "gateway", "queue", "mypage", "notification", "dataplatform"].map((s) => supervised(`${s}-daprd`)),
  infra("kafka"),
  infra("mariadb"),
  infra("redis"),
];

/** The short subset `make test` runs: the saga's owner mid-transaction, the money service, the broker. */
export const SUBSET = ["sidecar reservation", "app wallet", "kafka"];

interface Fan {
  shopper: Shopper;
  seat: string;
  charged: boolean;
  reservationId?: string;
  status?: string;
  error?: string;
}

const PRICE = 10_000;
const FAN_DEADLINE_MS = 120_000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Calls the gateway as a patient client does: the same request (and Idempotency-Key) again after
 * a network error, a 5xx or a 429, until it gets an answer it can act on or its deadline passes.
 */
async function patiently(deadline: number, call: () => Promise<Reply>, done: (status: number) => boolean): Promise<Reply> {
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const r = await call();
      // A 409 for a request still in progress (ours, cut off by the fault) means "again shortly".
      if (done(r.status) && r.body?.type !== "/problems/request-in-progress") return r;
      last = `${r.status} ${JSON.stringify(r.body).slice(0, 200)}`;
      const retryAfter = Number(r.headers.get("retry-after"));
      await pause(retryAfter > 0 ? retryAfter * 1_000 : 300);
    } catch (err) {
      last = String(err);
      await pause(300);
    }
  }
  throw new Error(`gave up: ${last}`);
}

/** A fan's whole booking: top up, hold one seat, pay, and wait for the outcome. */
async function book(fan: Fan, scheduleId: string): Promise<void> {
  const deadline = Date.now() + FAN_DEADLINE_MS;
  const { token } = fan.shopper;
  const chargeKey = randomUUID();
  await patiently(deadline, () => api("POST", "/api/me/wallet/charges", { token, body: { amount: PRICE }, headers: { "idempotency-key": chargeKey } }), (s) => s === 201);
  fan.charged = true;
  const holdKey = randomUUID();
  const hold = await patiently(
    deadline,
    () => api("POST", "/api/reservations", { ...withQueue(fan.shopper), body: { scheduleId, seatNumbers: [fan.seat] }, headers: { ...withQueue(fan.shopper).headers, "idempotency-key": holdKey } }),
    (s) => s === 201 || s === 409,
  );
  fan.reservationId = hold.body.reservationId ?? hold.body.heldReservationId;
  if (!fan.reservationId) throw new Error(`hold refused: ${hold.status} ${JSON.stringify(hold.body)}`);
  const payKey = randomUUID();
  await patiently(deadline, () => api("POST", `/api/reservations/${fan.reservationId}/payment`, { token, body: {}, headers: { "idempotency-key": payKey } }), (s) => s < 500 && s !== 429);
  // 200 CONFIRMED, 202 still settling, 402 declined, 409 settled meanwhile: the reservation says.
  for (;;) {
    const r = await patiently(deadline, () => api("GET", `/api/reservations/${fan.reservationId}`, { token }), (s) => s === 200);
    if (r.body.status !== "PENDING_PAYMENT") {
      fan.status = r.body.status;
      return;
    }
    if (Date.now() > deadline) throw new Error(`${fan.reservationId} still PENDING_PAYMENT after its payment answered`);
    await pause(300);
  }
}

export interface FaultResult {
  fault: string;
  bookings: number;
  confirmed: number;
  failed: number;
  unfinished: number;
  violations: Violation[];
  recoverySeconds: number | null;
}

/**
 * Whether the whole stack serves again: every process answers ready, and every app's event
 * watchdog has seen, since `since`, one of its own heartbeats come back and a producer's beat on
 * each topic that carries them (events flow again).
 */
async function recovered(since: number): Promise<boolean> {
  const checks = await Promise.all(
    SERVICES.map(async (s) => {
      try {
        const ready = await fetch(`http://127.0.0.1:${s.appPort}/readyz`, { signal: AbortSignal.timeout(2_000) });
        if (!ready.ok) return false;
        if (s.sidecar === false) return true;
        const events = (await (await fetch(`http://127.0.0.1:${s.appPort}/health/events`, { signal: AbortSignal.timeout(2_000) })).json()) as {
          state: string;
          silenceMs: number;
          topics?: Array<{ silenceMs: number }>;
        };
        // Its own beats, and its producers' beats on the topics it consumes, arrived since the fault.
        const fresh = (ms: number) => ms < Date.now() - since;
        return events.state === "none" || (events.state === "ok" && fresh(events.silenceMs) && (events.topics ?? []).every((t) => fresh(t.silenceMs)));
      } catch {
        return false;
      }
    }),
  );
  return checks.every(Boolean);
}

async function untilRecovered(since: number, timeoutMs = 180_000): Promise<number | null> {
  const deadline = since + timeoutMs;
  while (Date.now() < deadline) {
    if (await recovered(since)) return (Date.now() - since) / 1000;
    await pause(250);
  }
  return null;
}

/**
 * What the fans and the write side say must show downstream, exactly once: my page has each
 * reservation in its write-side status, each confirmation has one notice and one data-platform
 * record, a reservation that was not confirmed has neither; each fan's balance (read through
 * the API) is what it topped up minus what it paid.
 */
async function downstream(fans: Fan[]): Promise<Violation[]> {
  const violations: Violation[] = [];
  const ids = fans.flatMap((f) => (f.reservationId ? [f.reservationId] : []));
  if (!ids.length) return [{ rule: "fans booked something", detail: "no reservation was made" }];
  const myPage = new Map((await sql<{ id: string; status: string }>("mypage", "SELECT reservation_id AS id, status FROM my_reservations WHERE reservation_id IN (?)", [ids])).map((r) => [r.id, r.status]));
  const notices = new Map((await sql<{ id: string; n: number }>("notification", "SELECT reservation_id AS id, COUNT(*) AS n FROM notices WHERE kind = 'confirmed' AND reservation_id IN (?) GROUP BY reservation_id", [ids])).map((r) => [r.id, Number(r.n)]));
  const received = new Set(((await (await fetch(`${MOCK_DATAPLATFORM_URL}/admin/received`)).json()) as { keys: string[] }).keys);
  for (const f of fans) {
    const id = f.reservationId;
    if (id) {
      const confirmed = f.status === "CONFIRMED";
      if (myPage.get(id) !== f.status) violations.push({ rule: "my page equals the write side", detail: `${id} is ${f.status}, my page says ${myPage.get(id) ?? "nothing"}` });
      if ((notices.get(id) ?? 0) !== (confirmed ? 1 : 0)) violations.push({ rule: "one notice per confirmation", detail: `${id} ${f.status} has ${notices.get(id) ?? 0} confirmation notices` });
      if (received.has(`${id}:completed`) !== confirmed) violations.push({ rule: "one delivery per confirmation", detail: `${id} ${f.status}, data platform ${received.has(`${id}:completed`) ? "has" : "lacks"} it` });
    }
    if (f.charged) {
      const wallet = await api("GET", "/api/me/wallet", { token: f.shopper.token });
      const expected = PRICE - (f.status === "CONFIRMED" ? PRICE : 0);
      if (wallet.body?.balance !== expected) violations.push({ rule: "balance is top-ups minus payments", detail: `${f.shopper.userId} has ${wallet.body?.balance}, expected ${expected}` });
    }
  }
  return violations;
}

/** Waits until `check` finds nothing (events still arriving) or the deadline; returns the last findings. */
async function settled(check: () => Promise<Violation[]>, timeoutMs = 60_000): Promise<Violation[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await check().catch((err: unknown) => [{ rule: "the check ran", detail: String(err) }]);
    if (!found.length || Date.now() > deadline) return found;
    await pause(500);
  }
}

/**
 * Runs `fans` bookings on a fresh schedule, kills the fault's target while the first of them
 * are in their sagas, brings it back, and checks the result through the API and the databases.
 */
export async function runFault(fault: Fault, fans = 16): Promise<FaultResult> {
  const { concert, schedule } = await createConcertWithSchedule([{ name: "C", rows: 1, seatsPerRow: fans, price: PRICE }]);
  const shoppers = await Promise.all(Array.from({ length: fans }, () => admittedShopper(concert.id)));
  await seatMap(concert.id, schedule.id, shoppers[0]);
  const crowd: Fan[] = shoppers.map((shopper, i) => ({ shopper, seat: `C-1-${i + 1}`, charged: false }));
  const bookings = crowd.map(async (fan, i) => {
    await pause(i * 150);
    await book(fan, schedule.id).catch((err: unknown) => void (fan.error = String(err)));
  });
  // The first fans are holding and paying by now: the sagas are in flight.
  await pause(1_200);
  const killedAt = Date.now();
  fault.kill();
  if (fault.restart) {
    await pause(fault.downMs ?? 0);
    await fault.restart();
  }
  const recovery = untilRecovered(killedAt);
  await Promise.all(bookings);
  const recoverySeconds = await recovery;
  const violations = await settled(async () => [
    ...(await checkInvariants({ scheduleIds: [schedule.id] })).violations,
    ...(await downstream(crowd)),
  ]);
  for (const f of crowd) if (f.error) violations.push({ rule: "every booking ends", detail: `${f.shopper.userId}: ${f.error}` });
  return {
    fault: fault.name,
    bookings: fans,
    confirmed: crowd.filter((f) => f.status === "CONFIRMED").length,
    failed: crowd.filter((f) => f.status && f.status !== "CONFIRMED").length,
    unfinished: crowd.filter((f) => !f.status).length,
    violations,
    recoverySeconds,
  };
}

export function table(results: FaultResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.fault} | ${r.bookings} | ${r.confirmed} | ${r.failed} | ${r.unfinished} | ${r.violations.length} | ${r.recoverySeconds === null ? "not recovered" : r.recoverySeconds.toFixed(1)} |`,
  );
  return ["| fault (SIGKILL) | bookings | confirmed | failed | unfinished | violations | time to recover (s) |", "|---|---|---|---|---|---|---|", ...rows].join("\n");
}
