import { randomUUID } from "node:crypto";
import { admittedShopper, api, createConcertWithSchedule, eventually, internal, seatMap, type Shopper, sql, withQueue } from "./stack";

/** A schedule with seats built, and a user admitted from its queue with `balance` points. */
export async function readyToBook(balance: number, seats = 6, price = 10_000) {
  const { concert, schedule } = await createConcertWithSchedule([{ name: "S", rows: 1, seatsPerRow: seats, price }]);
  const shopper = await admittedShopper(concert.id);
  await seatMap(concert.id, schedule.id, shopper);
  if (balance > 0) await charge(shopper, balance);
  return { concert, schedule, shopper };
}

/**
 * Tops up points as a client should: with an Idempotency-Key, and again with the same key after
 * a 503's Retry-After (the gateway's wallet breaker may still be open after a test that stopped
 * the wallet), at most 30 s; the key makes a retry one charge.
 */
export async function charge(s: Shopper, amount: number, key: string = randomUUID()) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await api("POST", "/api/me/wallet/charges", { token: s.token, body: { amount }, headers: { "idempotency-key": key } });
    if (r.status === 201) return r;
    if (r.status !== 503 || Date.now() > deadline) throw new Error(`charge: ${r.status} ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 1_000 * Number(r.headers.get("retry-after") ?? r.body?.retryAfter ?? 1)));
  }
}

export const reserve = (s: Shopper, scheduleId: string, seatNumbers: string[]) =>
  api("POST", "/api/reservations", { ...withQueue(s), body: { scheduleId, seatNumbers } });

export const pay = (s: Shopper, reservationId: string, key?: string) =>
  api("POST", `/api/reservations/${reservationId}/payment`, { token: s.token, body: {}, headers: key ? { "idempotency-key": key } : {} });

export const reservationOf = async (s: Shopper, id: string) => (await api("GET", `/api/reservations/${id}`, { token: s.token })).body;

export const balanceOf = async (s: Shopper) => (await api("GET", "/api/me/wallet", { token: s.token })).body.balance as number;

export async function untilStatus(s: Shopper, id: string, status: string, timeoutMs = 30_000) {
  return eventually(async () => {
    const r = await reservationOf(s, id);
    return r.status === status ? r : undefined;
  }, timeoutMs, `reservation ${id} ${status}`);
}

export async function seatStatuses(scheduleId: string): Promise<Record<string, string>> {
  const map = (await internal("seat", "GET", `/schedules/${scheduleId}/seats`)).body as { seats: Array<{ seatNumber: string; status: string }> };
  return Object.fromEntries(map.seats.map((x) => [x.seatNumber, x.status]));
}

interface StoredReservation {
  id: string;
  status: string;
  amount: number;
  paymentId: string;
  seatNumbers: string[];
  scheduleId: string;
}

/**
 * The system-wide invariants (SPEC 9), checked across the three owners of the data:
 * no seat RESERVED but by a CONFIRMED reservation, money conserved in every wallet, and each
 * CONFIRMED reservation backed by exactly one approved, unrefunded payment.
 */
export async function checkInvariants(): Promise<void> {
  const reservations = (await sql<{ value: string | StoredReservation }>(
    "dapr_state",
    "SELECT value FROM reservations WHERE id LIKE 'reservation||reservation-%'",
  )).map((r) => (typeof r.value === "string" ? JSON.parse(r.value) : r.value) as StoredReservation);
  const byId = new Map(reservations.map((r) => [r.id, r]));

  const reserved = await sql<{ reservation_id: string; schedule_id: string; seat_number: string }>(
    "seat",
    "SELECT reservation_id, schedule_id, seat_number FROM seats WHERE status = 'RESERVED'",
  );
  for (const seat of reserved) {
    const owner = byId.get(seat.reservation_id);
    // Seats reserved by the seat service's own tests have no reservation aggregate.
    if (owner) expect({ seat: seat.seat_number, status: owner.status }).toEqual({ seat: seat.seat_number, status: "CONFIRMED" });
  }
  for (const r of reservations.filter((x) => x.status === "CONFIRMED")) {
    const seats = reserved.filter((s) => s.reservation_id === r.id).map((s) => s.seat_number).sort();
    expect({ id: r.id, seats }).toEqual({ id: r.id, seats: [...r.seatNumbers].sort() });
  }

  const wallets = await sql<{ user_id: string; balance: string; ledger: string | null }>(
    "wallet",
    `SELECT w.user_id, w.balance,
       (SELECT SUM(CASE kind WHEN 'PAYMENT' THEN -amount ELSE amount END) FROM ledger l WHERE l.user_id = w.user_id) AS ledger
     FROM wallets w`,
  );
  for (const w of wallets) expect({ user: w.user_id, balance: Number(w.balance) }).toEqual({ user: w.user_id, balance: Number(w.ledger ?? 0) });
  const [totals] = await sql<{ charges: string; approved: string; refunds: string; balances: string }>(
    "wallet",
    `SELECT (SELECT COALESCE(SUM(amount), 0) FROM ledger WHERE kind = 'CHARGE') AS charges,
            (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE status = 'APPROVED') AS approved,
            (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE status = 'APPROVED' AND refunded_at IS NOT NULL) AS refunds,
            (SELECT COALESCE(SUM(balance), 0) FROM wallets) AS balances`,
  );
  expect(Number(totals!.balances)).toBe(Number(totals!.charges) - Number(totals!.approved) + Number(totals!.refunds));

  const payments = await sql<{ reservation_id: string; amount: string; status: string; refunded_at: Date | null }>(
    "wallet",
    "SELECT reservation_id, amount, status, refunded_at FROM payments",
  );
  for (const r of reservations) {
    const live = payments.filter((p) => p.reservation_id === r.id && p.status === "APPROVED" && p.refunded_at === null);
    if (r.status === "CONFIRMED") {
      expect({ id: r.id, live: live.map((p) => Number(p.amount)) }).toEqual({ id: r.id, live: [r.amount] });
    } else if (r.status !== "PENDING_PAYMENT") {
      expect({ id: r.id, live: live.length }).toEqual({ id: r.id, live: 0 });
    }
  }
}

export const newKey = () => randomUUID();
