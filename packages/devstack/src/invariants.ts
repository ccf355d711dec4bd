import { createConnection, type RowDataPacket } from "mysql2/promise";
import { INFRA } from "./services";

/**
 * The system-wide invariants of a booking (SPEC 4, 5, 9), read from the three owners of the
 * data — the reservation aggregates (Dapr state store), the seats and the wallets — and checked
 * against each other. Used after the integration tests, at the end of `make bench` and of a
 * fault run. It returns what it found instead of asserting, so every caller decides how to fail.
 */
export interface Violation {
  rule: string;
  detail: string;
}

export interface InvariantReport {
  /** How much was read: a check that read nothing proves nothing, and says so. */
  read: { reservations: number; seats: number; payments: number; wallets: number };
  violations: Violation[];
}

export interface InvariantScope {
  /** Only these schedules' seats and reservations (default: all). */
  scheduleIds?: string[];
  /** A PENDING_PAYMENT reservation this long past its hold counts as stuck (default 60 s). */
  pendingGraceMs?: number;
  /** A HELD seat this long past its expiry counts as leaked (default 60 s). */
  heldGraceMs?: number;
  now?: Date;
}

interface StoredReservation {
  id: string;
  userId: string;
  scheduleId: string;
  status: "PENDING_PAYMENT" | "CONFIRMED" | "CANCELLED" | "FAILED";
  amount: number;
  refundedAmount?: number;
  seatNumbers: string[];
  holdExpiresAt: string;
}

interface SeatRow {
  schedule_id: string;
  seat_number: string;
  status: "AVAILABLE" | "HELD" | "RESERVED";
  reservation_id: string | null;
  price: number;
  hold_expires_at: Date | null;
}

interface PaymentRow {
  payment_id: string;
  user_id: string;
  reservation_id: string;
  amount: number;
  status: "APPROVED" | "DECLINED";
  refunded_at: Date | null;
}

interface OfferRow {
  id: string;
  user_id: string;
  schedule_id: string;
  seat_numbers: string[] | string;
  status: "OFFERED" | "CLAIMED";
  expires_at: Date;
  reservation_id: string | null;
}

/** Open and claimed waiting-list offers; none before the waitlist service first migrated its database. */
async function waitlistOffers(scheduleIds?: string[]): Promise<OfferRow[]> {
  try {
    return await query<OfferRow>(
      "waitlist",
      `SELECT id, user_id, schedule_id, seat_numbers, status, expires_at, reservation_id FROM offers
       WHERE status IN ('OFFERED', 'CLAIMED')${scheduleIds ? " AND schedule_id IN (?)" : ""}`,
      scheduleIds ? [scheduleIds] : [],
    );
  } catch (err) {
    if ((err as { errno?: number }).errno === 1146 || (err as { errno?: number }).errno === 1049) return [];
    throw err;
  }
}

async function query<T>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const db = await createConnection({
    host: "127.0.0.1",
    port: INFRA.mariadbPort,
    user: INFRA.dbUser,
    password: INFRA.dbPassword,
    database,
    supportBigNumbers: true,
    bigNumberStrings: false,
  });
  try {
    const [rows] = await db.query<RowDataPacket[]>(sql, params);
    return rows as T[];
  } finally {
    await db.end();
  }
}

export async function checkInvariants(scope: InvariantScope = {}): Promise<InvariantReport> {
  const now = (scope.now ?? new Date()).getTime();
  const pendingGrace = scope.pendingGraceMs ?? 60_000;
  const heldGrace = scope.heldGraceMs ?? 60_000;
  const inScope = (scheduleId: string) => !scope.scheduleIds || scope.scheduleIds.includes(scheduleId);
  const violations: Violation[] = [];
  const fail = (rule: string, detail: string) => violations.push({ rule, detail });

  const reservations = (
    await query<{ value: string | StoredReservation }>("dapr_state", "SELECT value FROM reservations WHERE id LIKE 'reservation||reservation-%'")
  )
    .map((r) => (typeof r.value === "string" ? JSON.parse(r.value) : r.value) as StoredReservation)
    .filter((r) => inScope(r.scheduleId));
  const byId = new Map(reservations.map((r) => [r.id, r]));

  const seats = await query<SeatRow>(
    "seat",
    `SELECT schedule_id, seat_number, status, reservation_id, price, hold_expires_at FROM seats
     WHERE ${scope.scheduleIds ? "schedule_id IN (?)" : "status <> 'AVAILABLE'"}`,
    scope.scheduleIds ? [scope.scheduleIds] : [],
  );
  const seatsOf = new Map<string, SeatRow[]>();
  for (const s of seats) {
    if (!s.reservation_id) continue;
    seatsOf.set(s.reservation_id, [...(seatsOf.get(s.reservation_id) ?? []), s]);
  }

  const ids = [...byId.keys()];
  const payments = ids.length
    ? await query<PaymentRow>("wallet", "SELECT payment_id, user_id, reservation_id, amount, status, refunded_at FROM payments WHERE reservation_id IN (?)", [ids])
    : [];
  const paymentsOf = new Map<string, PaymentRow[]>();
  for (const p of payments) paymentsOf.set(p.reservation_id, [...(paymentsOf.get(p.reservation_id) ?? []), p]);

  // Seats: taken only by a live reservation of the same schedule, for seats it asked for.
  for (const s of seats) {
    if (s.status === "AVAILABLE") {
      if (s.reservation_id) fail("available seat is free", `${s.seat_number} AVAILABLE but names ${s.reservation_id}`);
      continue;
    }
    const r = s.reservation_id ? byId.get(s.reservation_id) : undefined;
    // Every hold ends: its saga, the waiting list or the seat sweeper releases it after expiry.
    if (s.status === "HELD" && s.hold_expires_at && s.hold_expires_at.getTime() + heldGrace < now) {
      fail("hold released after expiry", `${s.seat_number} HELD by ${s.reservation_id} since before ${s.hold_expires_at.toISOString()}`);
    }
    if (!r) {
      // Holds taken directly on the seat service (its own tests, the benchmark's baseline) have
      // no aggregate; within the schedules of a scope, every taken seat must have one.
      if (s.status === "RESERVED" && scope.scheduleIds) fail("reserved seat has a reservation", `${s.schedule_id}/${s.seat_number} RESERVED by unknown ${s.reservation_id}`);
      continue;
    }
    if (r.scheduleId !== s.schedule_id || !r.seatNumbers.includes(s.seat_number)) {
      fail("seat belongs to its reservation", `${s.seat_number} taken by ${r.id}, which asked for ${r.seatNumbers.join(",")} on ${r.scheduleId}`);
    }
    if (s.status === "RESERVED" && r.status !== "CONFIRMED") fail("reserved seat is sold", `${s.seat_number} RESERVED by ${r.id} in ${r.status}`);
    if (s.status === "HELD" && r.status !== "PENDING_PAYMENT") fail("held seat is pending", `${s.seat_number} HELD by ${r.id} in ${r.status}`);
  }

  // The waiting list (docs/waiting-list.md): an open offer holds its seats (so no one else, and
  // not the public, has them) and ends with its claim window; a claimed offer is its fan's
  // reservation of the same seats.
  const offers = await waitlistOffers(scope.scheduleIds);
  const seatAt = new Map(seats.map((s) => [`${s.schedule_id}/${s.seat_number}`, s]));
  for (const o of offers) {
    const offered: string[] = typeof o.seat_numbers === "string" ? JSON.parse(o.seat_numbers) : o.seat_numbers;
    if (o.status === "OFFERED") {
      for (const n of offered) {
        const s = seatAt.get(`${o.schedule_id}/${n}`);
        if (s?.status !== "HELD" || s.reservation_id !== o.id) fail("open offer holds its seats", `${n} of offer ${o.id} is ${s ? `${s.status} by ${s.reservation_id}` : "AVAILABLE"}`);
      }
      if (o.expires_at.getTime() + pendingGrace < now) fail("offer ends with its window", `offer ${o.id} OFFERED since before ${o.expires_at.toISOString()}`);
    } else {
      const r = o.reservation_id ? byId.get(o.reservation_id) : undefined;
      if (!r || r.userId !== o.user_id || [...r.seatNumbers].sort().join() !== [...offered].sort().join()) {
        fail("claimed offer is its fan's reservation", `offer ${o.id} claimed as ${o.reservation_id}: ${r ? `${r.userId} ${r.seatNumbers.join(",")}` : "no such reservation"}`);
      }
    }
  }

  for (const r of reservations) {
    const mine = seatsOf.get(r.id) ?? [];
    const pays = paymentsOf.get(r.id) ?? [];
    const approved = pays.filter((p) => p.status === "APPROVED");
    const live = approved.filter((p) => p.refunded_at === null);
    if (approved.length > 1) fail("one payment per reservation", `${r.id} has ${approved.length} approved payments`);
    for (const p of pays) if (p.user_id !== r.userId) fail("payer is the owner", `${p.payment_id} paid by ${p.user_id} for ${r.id} of ${r.userId}`);
    if (r.status === "CONFIRMED") {
      const reserved = mine.filter((s) => s.status === "RESERVED").map((s) => s.seat_number).sort();
      if (reserved.join() !== [...r.seatNumbers].sort().join()) fail("confirmed reservation owns its seats", `${r.id} has ${reserved.join(",") || "none"} of ${r.seatNumbers.join(",")}`);
      const price = mine.reduce((sum, s) => sum + Number(s.price), 0);
      if (mine.length && price !== r.amount) fail("amount is the seats' price", `${r.id} amount ${r.amount}, seats cost ${price}`);
      if (live.length !== 1 || Number(live[0]!.amount) !== r.amount) {
        fail("confirmed reservation is paid once", `${r.id} live payments ${live.map((p) => p.amount).join(",") || "none"} for ${r.amount}`);
      }
    } else if (r.status === "FAILED" || r.status === "CANCELLED") {
      if (mine.length) fail("settled reservation holds nothing", `${r.id} ${r.status} still takes ${mine.map((s) => `${s.seat_number}:${s.status}`).join(",")}`);
      if (live.length) fail("settled reservation is not charged", `${r.id} ${r.status} has an unrefunded payment of ${live[0]!.amount}`);
    } else if (new Date(r.holdExpiresAt).getTime() + pendingGrace < now) {
      fail("pending ends with its hold", `${r.id} PENDING_PAYMENT since before ${r.holdExpiresAt}`);
    }
  }

  // Wallets: never negative, each balance its ledger, and money conserved overall.
  const wallets = await query<{ user_id: string; balance: number; ledger: number | null }>(
    "wallet",
    `SELECT w.user_id, w.balance,
       (SELECT SUM(CASE kind WHEN 'PAYMENT' THEN -amount ELSE amount END) FROM ledger l WHERE l.user_id = w.user_id) AS ledger
     FROM wallets w`,
  );
  for (const w of wallets) {
    if (Number(w.balance) < 0) fail("balance never negative", `${w.user_id} has ${w.balance}`);
    if (Number(w.balance) !== Number(w.ledger ?? 0)) fail("balance is its ledger", `${w.user_id} balance ${w.balance}, ledger ${w.ledger ?? 0}`);
  }
  const [totals] = await query<{ charges: number; approved: number; refunds: number; balances: number }>(
    "wallet",
    `SELECT (SELECT COALESCE(SUM(amount), 0) FROM ledger WHERE kind = 'CHARGE') AS charges,
            (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE status = 'APPROVED') AS approved,
            (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE status = 'APPROVED' AND refunded_at IS NOT NULL) AS refunds,
            (SELECT COALESCE(SUM(balance), 0) FROM wallets) AS balances`,
  );
  const expected = Number(totals!.charges) - Number(totals!.approved) + Number(totals!.refunds);
  if (Number(totals!.balances) !== expected) fail("money conserved", `balances ${totals!.balances}, charges − payments + refunds ${expected}`);

  const read = { reservations: reservations.length, seats: seats.length, payments: payments.length, wallets: wallets.length };
  // Vacuity guard: aggregates stored under a key the checker no longer matches would make every
  // reservation rule pass on nothing. Whatever the store holds for the reservation app must parse.
  if (!scope.scheduleIds) {
    const [stored] = await query<{ n: number }>("dapr_state", "SELECT COUNT(*) AS n FROM reservations WHERE id LIKE 'reservation||%' AND JSON_VALID(value) AND JSON_EXISTS(value, '$.history') AND JSON_EXISTS(value, '$.paymentId')");
    if (Number(stored!.n) !== read.reservations) fail("the check reads every reservation", `the store holds ${stored!.n} reservation aggregates, the check read ${read.reservations}`);
  }
  if (scope.scheduleIds && (read.reservations === 0 || read.seats === 0)) {
    fail("the check read something", `scope ${scope.scheduleIds.join(",")} gave ${read.reservations} reservations and ${read.seats} seats`);
  }
  return { read, violations };
}
