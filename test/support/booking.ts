import { randomUUID } from "node:crypto";
import { checkInvariants as invariantsOf } from "@concert/devstack";
import { admittedShopper, api, createConcertWithSchedule, eventually, internal, seatMap, type Shopper, withQueue } from "./stack";

/** A schedule with seats built, and a user admitted from its queue with `balance` points. */
export async function readyToBook(balance: number, seats = 6, price = 10_000, startsAt?: string) {
  const { concert, schedule } = await createConcertWithSchedule([{ name: "S", rows: 1, seatsPerRow: seats, price }], undefined, startsAt);
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

/**
 * Pays and waits for CONFIRMED: under load the payment may answer 202 (the saga took longer
 * than SAGA_WAIT_MS) and confirm a moment later, which is not a failure.
 */
export async function payToConfirmed(s: Shopper, reservationId: string, timeoutMs = 30_000) {
  const paid = await pay(s, reservationId);
  if (paid.status === 202) return untilStatus(s, reservationId, "CONFIRMED", timeoutMs);
  expect(paid.status).toBe(200);
  return paid.body;
}

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

/**
 * The system-wide invariants (SPEC 9) after a test, with the project's one checker
 * (packages/devstack/src/invariants.ts): seats, reservations, payments and wallets agree, money
 * is conserved, and the check read what it checks.
 */
export async function checkInvariants(): Promise<void> {
  const report = await invariantsOf();
  expect(report.violations).toEqual([]);
  expect(report.read.reservations).toBeGreaterThan(0);
  expect(report.read.wallets).toBeGreaterThan(0);
}

export const newKey = () => randomUUID();
