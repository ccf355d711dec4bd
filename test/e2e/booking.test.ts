import { serviceSpec, startService, stopApp, stopService } from "@concert/devstack";
import { idOfIdempotencyKey } from "@concert/platform";
import { randomUUID } from "node:crypto";
import {
  balanceOf,
  checkInvariants,
  charge,
  newKey,
  pay,
  readyToBook,
  reservationOf,
  reserve,
  seatStatuses,
  untilStatus,
} from "../support/booking";
import { adminToken, admittedShopper, api, closePools, createConcertWithSchedule, eventually, internal, joinQueue, queueStatus, seatMap, sql, userToken, withAdmissionPass, withQueue } from "../support/stack";

afterEach(checkInvariants);
afterAll(closePools);

const health = async (name: string) => (await fetch(`http://127.0.0.1:${serviceSpec(name).appPort}/healthz`)).json() as Promise<{
  breakers: Array<{ name: string; state: string }>;
}>;

describe("the booking saga", () => {
  it("happy path: hold, pay, CONFIRMED; balance debited once, seats RESERVED, queue token expired", async () => {
    const { concert, schedule, shopper } = await readyToBook(50_000);
    const held = await reserve(shopper, schedule.id, ["S-1-1", "S-1-2"]);
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({ status: "PENDING_PAYMENT", amount: 20_000 });

    const paid = await pay(shopper, held.body.reservationId);
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: "CONFIRMED", reservationId: held.body.reservationId });
    expect(paid.body.history.map((h: { status: string }) => h.status)).toEqual(["PENDING_PAYMENT", "CONFIRMED"]);
    expect(await balanceOf(shopper)).toBe(30_000);
    expect(await seatStatuses(schedule.id)).toMatchObject({ "S-1-1": "RESERVED", "S-1-2": "RESERVED", "S-1-3": "AVAILABLE" });

    // ReservationCompleted reaches the queue through the outbox and Kafka: the slot frees.
    await eventually(async () => ((await queueStatus(concert.id, shopper)).status === "EXPIRED" ? true : undefined), 30_000, "token expired");

    // Paying again is refused as settled; another user cannot even see it.
    expect((await pay(shopper, held.body.reservationId)).status).toBe(409);
    expect((await api("GET", `/api/reservations/${held.body.reservationId}`, { token: await userToken() })).status).toBe(404);
  });

  it("insufficient balance: 402, FAILED(payment_declined), seats free again, queue token restored", async () => {
    const { concert, schedule, shopper } = await readyToBook(5_000);
    const held = await reserve(shopper, schedule.id, ["S-1-3"]);
    // ReservationCreated spends the token that admitted the fan: its slot frees for the next one.
    await eventually(async () => ((await queueStatus(concert.id, shopper)).status === "EXPIRED" ? true : undefined), 30_000, "the token spent by the hold");
    const paid = await pay(shopper, held.body.reservationId);
    expect(paid.status).toBe(402);
    expect(paid.headers.get("content-type")).toMatch(/problem\+json/);
    expect(await reservationOf(shopper, held.body.reservationId)).toMatchObject({ status: "FAILED", reason: "payment_declined" });
    expect((await seatStatuses(schedule.id))["S-1-3"]).toBe("AVAILABLE");
    expect(await balanceOf(shopper)).toBe(5_000);
    // ReservationFailed gives it back, its time not run out: the fan holds again without queuing.
    await eventually(async () => ((await queueStatus(concert.id, shopper)).status === "ACTIVE" ? true : undefined), 30_000, "the token restored by the failure");
    expect((await reserve(shopper, schedule.id, ["S-1-3"])).status).toBe(201);
  });

  it("a completed booking spends its queue token for good; a late failure of another reservation does not revive it", async () => {
    const { concert, schedule, shopper } = await readyToBook(50_000);
    const held = await reserve(shopper, schedule.id, ["S-1-5"]);
    expect((await pay(shopper, held.body.reservationId)).status).toBe(200);
    await eventually(async () => ((await queueStatus(concert.id, shopper)).status === "EXPIRED" ? true : undefined), 30_000, "the token spent");
    const restored = await internal("queue", "POST", "/internal/tokens/restore", {
      body: { userId: shopper.userId, concertId: concert.id, queueToken: shopper.queueToken, reservationId: randomUUID() },
    });
    expect(restored.body.status).toBe("EXPIRED");
    expect((await api("POST", "/api/reservations", { ...withQueue(shopper), body: { scheduleId: schedule.id, seatNumbers: ["S-1-6"] } })).status).toBe(403);
  });

  it("a double-submitted payment debits once, and a replayed wallet call changes nothing", async () => {
    const { schedule, shopper } = await readyToBook(40_000);
    const held = await reserve(shopper, schedule.id, ["S-1-4"]);
    const id = held.body.reservationId;
    const key = newKey();
    const [a, b, c] = await Promise.all([pay(shopper, id, key), pay(shopper, id, key), pay(shopper, id)]);
    expect([a.status, b.status, c.status].filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect([a.status, b.status, c.status].every((s) => [200, 409].includes(s))).toBe(true);
    await untilStatus(shopper, id, "CONFIRMED");
    // The same key and body replays the first answer; the same key with another body is refused.
    const replay = await pay(shopper, id, key);
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotency-replayed")).toBe("true");
    const reused = await api("POST", `/api/reservations/${id}/payment`, { token: shopper.token, body: { note: "other" }, headers: { "idempotency-key": key } });
    expect(reused.status).toBe(422);

    // The wallet sees the saga's payment again (a redelivery or an activity replay): no second debit.
    const again = await internal("wallet", "POST", "/payments", { body: { paymentId: id, userId: shopper.userId, reservationId: id, amount: 10_000 } });
    expect(again.body).toMatchObject({ status: "APPROVED" });
    expect(await balanceOf(shopper)).toBe(30_000);
    expect(await sql("wallet", "SELECT id FROM ledger WHERE kind = 'PAYMENT' AND reference = ?", [id])).toHaveLength(1);
  });

  it("a retried reservation request with its Idempotency-Key holds the seats once, also after its reservation spent the queue token", async () => {
    const { concert, schedule, shopper } = await readyToBook(0, 3);
    const key = newKey();
    const send = (idempotencyKey = key) =>
      api("POST", "/api/reservations", {
        token: shopper.token,
        body: { scheduleId: schedule.id, seatNumbers: ["S-1-1"] },
        headers: { "x-queue-token": shopper.queueToken, "idempotency-key": idempotencyKey },
      });
    const first = await send();
    expect(first.status).toBe(201);
    await eventually(async () => ((await queueStatus(concert.id, shopper)).status === "EXPIRED" ? true : undefined), 30_000, "the token spent by the hold");
    // Another request is refused at the gate, naming the reservation; the retry gets its answer again.
    expect((await send(newKey())).body).toMatchObject({ status: 403, heldReservationId: first.body.reservationId });
    const retry = await send();
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotency-replayed")).toBe("true");
    expect(retry.body.reservationId).toBe(first.body.reservationId);
    expect(await seatStatuses(schedule.id)).toMatchObject({ "S-1-1": "HELD", "S-1-2": "AVAILABLE" });
  });

  it("a double-clicked charge is one charge", async () => {
    const { shopper } = await readyToBook(0);
    const key = newKey();
    const [a, b] = await Promise.all([
      api("POST", "/api/me/wallet/charges", { token: shopper.token, body: { amount: 7_000 }, headers: { "idempotency-key": key } }),
      api("POST", "/api/me/wallet/charges", { token: shopper.token, body: { amount: 7_000 }, headers: { "idempotency-key": key } }),
    ]);
    expect([a.status, b.status].sort()).toEqual(expect.arrayContaining([201]));
    await charge(shopper, 7_000, key);
    expect(await balanceOf(shopper)).toBe(7_000);
    for (const amount of [0, -5, 1.5, 10_000_001, "100"]) {
      const bad = await api("POST", "/api/me/wallet/charges", { token: shopper.token, body: { amount } });
      expect(bad.status).toBe(400);
    }
    expect(await balanceOf(shopper)).toBe(7_000);
  });

  it("cancelling a CONFIRMED reservation refunds, then frees the seats; a PENDING one just frees them", async () => {
    const { concert, schedule, shopper } = await readyToBook(30_000);
    const held = await reserve(shopper, schedule.id, ["S-1-5", "S-1-6"]);
    // Cancellable until 24 hours (CANCEL_CUTOFF_MINUTES) before the show.
    expect(held.body.cancellableUntil).toBe(new Date(Date.parse("2031-05-01T19:00:00+09:00") - 24 * 3_600_000).toISOString());
    expect((await pay(shopper, held.body.reservationId)).status).toBe(200);
    expect(await balanceOf(shopper)).toBe(10_000);
    const cancelled = await api("DELETE", `/api/reservations/${held.body.reservationId}`, { token: shopper.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "CANCELLED", refundedAmount: 20_000 });
    expect(await balanceOf(shopper)).toBe(30_000);
    expect(await seatStatuses(schedule.id)).toMatchObject({ "S-1-5": "AVAILABLE", "S-1-6": "AVAILABLE" });
    expect((await api("DELETE", `/api/reservations/${held.body.reservationId}`, { token: shopper.token })).status).toBe(409);

    // The completed booking expired that user's queue token (ReservationCompleted): the next
    // booking comes from another admitted fan.
    const next = await admittedShopper(concert.id);
    const pending = await reserve(next, schedule.id, ["S-1-5"]);
    expect(pending.status).toBe(201);
    const dropped = await api("DELETE", `/api/reservations/${pending.body.reservationId}`, { token: next.token });
    expect(dropped.body).toMatchObject({ status: "FAILED", reason: "cancelled" });
    expect((await seatStatuses(schedule.id))["S-1-5"]).toBe("AVAILABLE");
  });

  it("after the cutoff before the show a confirmed reservation is not cancelled (409 naming the cutoff); a pending one still is", async () => {
    // The show starts in two hours: past the 24-hour cutoff already when booked.
    const startsAt = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const { concert, schedule, shopper } = await readyToBook(30_000, 6, 10_000, startsAt);
    const held = await reserve(shopper, schedule.id, ["S-1-1"]);
    const cutoff = new Date(Date.parse(startsAt) - 24 * 3_600_000).toISOString();
    expect(held.body.cancellableUntil).toBe(cutoff);
    expect((await pay(shopper, held.body.reservationId)).status).toBe(200);

    const refused = await api("DELETE", `/api/reservations/${held.body.reservationId}`, { token: shopper.token });
    expect(refused.status).toBe(409);
    expect(refused.headers.get("content-type")).toMatch(/problem\+json/);
    expect(refused.body).toMatchObject({ cancellableUntil: cutoff });
    expect(await reservationOf(shopper, held.body.reservationId)).toMatchObject({ status: "CONFIRMED" });
    expect(await balanceOf(shopper)).toBe(20_000);
    expect((await seatStatuses(schedule.id))["S-1-1"]).toBe("RESERVED");

    // Nothing was paid for a pending one: letting it go is always allowed.
    const next = await admittedShopper(concert.id);
    const pending = await reserve(next, schedule.id, ["S-1-2"]);
    const dropped = await api("DELETE", `/api/reservations/${pending.body.reservationId}`, { token: next.token });
    expect(dropped.body).toMatchObject({ status: "FAILED", reason: "cancelled" });
    expect((await seatStatuses(schedule.id))["S-1-2"]).toBe("AVAILABLE");
  });
});

describe("saga races", () => {
  it("a payment that reaches the wallet after its reservation failed is refused, never debited", async () => {
    const { schedule, shopper } = await readyToBook(20_000);
    const held = await reserve(shopper, schedule.id, ["S-1-1"]);
    const id = held.body.reservationId as string;
    const dropped = await api("DELETE", `/api/reservations/${id}`, { token: shopper.token });
    expect(dropped.body).toMatchObject({ status: "FAILED", reason: "cancelled" });
    // A duplicate payment request that was already on its way (the saga never sent one).
    const late = await internal("wallet", "POST", "/payments", { body: { paymentId: id, userId: shopper.userId, reservationId: id, amount: 10_000 } });
    expect(late.status).toBe(200);
    expect(late.body.status).toBe("VOIDED");
    expect(await balanceOf(shopper)).toBe(20_000);
    expect(await sql("wallet", "SELECT id FROM ledger WHERE kind = 'PAYMENT' AND reference = ?", [id])).toHaveLength(0);
  });

  it("a reservation retried with its Idempotency-Key after its hold committed but its answer was lost gets its own seats", async () => {
    const { schedule, shopper } = await readyToBook(0, 3);
    const key = newKey();
    // The first attempt's hold committed, then the seat call timed out (or the service stopped):
    // nothing else happened. The hold belongs to the id the key names.
    const id = idOfIdempotencyKey(shopper.userId, "reservation", key);
    const lost = await internal("seat", "POST", "/holds", { body: { reservationId: id, scheduleId: schedule.id, seatNumbers: ["S-1-3"], holdSeconds: 300 } });
    expect(lost.status).toBe(201);
    const retry = await api("POST", "/api/reservations", {
      token: shopper.token,
      body: { scheduleId: schedule.id, seatNumbers: ["S-1-3"] },
      headers: { "x-queue-token": shopper.queueToken, "idempotency-key": key },
    });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ reservationId: id, status: "PENDING_PAYMENT", seatNumbers: ["S-1-3"] });
    const dropped = await api("DELETE", `/api/reservations/${id}`, { token: shopper.token });
    expect(dropped.body).toMatchObject({ status: "FAILED", reason: "cancelled" });
    expect((await seatStatuses(schedule.id))["S-1-3"]).toBe("AVAILABLE");
  });

  it("one live hold per fan and schedule: a second is refused until the first is paid or cancelled", async () => {
    const { concert, schedule, shopper: byToken } = await readyToBook(20_000, 6);
    // With an admission pass the gateway lets the fan through by itself: the seat service refuses.
    const shopper = await withAdmissionPass(concert.id, byToken);
    const first = await reserve(shopper, schedule.id, ["S-1-1", "S-1-2"]);
    expect(first.status).toBe(201);
    const hoard = await reserve(shopper, schedule.id, ["S-1-3", "S-1-4"]);
    expect(hoard.status).toBe(409);
    expect(hoard.body).toMatchObject({ heldReservationId: first.body.reservationId });
    // With the token itself the queue answers: the booking spent it, so the gate refuses, naming it.
    const spent = await eventually(async () => {
      const r = await reserve(byToken, schedule.id, ["S-1-3", "S-1-4"]);
      return r.status === 403 && r.body.heldReservationId ? r : undefined;
    }, 30_000, "the token spent by the first hold");
    expect(spent.body).toMatchObject({ heldReservationId: first.body.reservationId });
    expect(await seatStatuses(schedule.id)).toMatchObject({ "S-1-3": "AVAILABLE", "S-1-4": "AVAILABLE" });
    await api("DELETE", `/api/reservations/${first.body.reservationId}`, { token: shopper.token });
    expect((await reserve(shopper, schedule.id, ["S-1-3"])).status).toBe(201);
  });

  it("seats per fan are capped by the schedule: what a fan holds or bought counts, seats let go do not", async () => {
    const { concert, schedule } = await createConcertWithSchedule([{ name: "F", rows: 1, seatsPerRow: 6, price: 1_000 }], undefined, undefined, { maxSeatsPerFan: 3 });
    expect(schedule.maxSeatsPerFan).toBe(3);
    const fan = await admittedShopper(concert.id);
    await seatMap(concert.id, schedule.id, fan);
    await charge(fan, 10_000);
    const first = await reserve(fan, schedule.id, ["F-1-1", "F-1-2"]);
    expect(first.status).toBe(201);
    expect((await pay(fan, first.body.reservationId)).status).toBe(200);
    // The completed booking spent the token: the fan queues again, and may add one seat, not two.
    await eventually(async () => ((await queueStatus(concert.id, fan)).status === "EXPIRED" ? true : undefined), 30_000, "the token spent by the booking");
    const back = await joinQueue(concert.id, fan.userId);
    await eventually(async () => ((await queueStatus(concert.id, back)).status === "ACTIVE" ? true : undefined), 30_000, "admission again");
    const tooMany = await reserve(back, schedule.id, ["F-1-3", "F-1-4"]);
    expect(tooMany.status).toBe(409);
    expect(tooMany.body).toMatchObject({ maxSeatsPerFan: 3, seatsAlready: 2 });
    expect(await seatStatuses(schedule.id)).toMatchObject({ "F-1-3": "AVAILABLE", "F-1-4": "AVAILABLE" });
    const third = await reserve(back, schedule.id, ["F-1-3"]);
    expect(third.status).toBe(201);
    await eventually(async () => ((await queueStatus(concert.id, back)).heldReservationId === third.body.reservationId ? true : undefined), 30_000, "the token spent by the hold");
    // Let go before paying: the seat no longer counts (and the token comes back with the failure).
    expect((await api("DELETE", `/api/reservations/${third.body.reservationId}`, { token: back.token })).status).toBe(200);
    await eventually(async () => ((await queueStatus(concert.id, back)).status === "ACTIVE" ? true : undefined), 30_000, "the token back");
    expect((await reserve(back, schedule.id, ["F-1-4"])).status).toBe(201);
  });

  it("a schedule's seats per fan must be a positive whole number", async () => {
    const token = await adminToken();
    const concert = await api("POST", "/api/admin/concerts", { token, body: { title: "Cap", venue: "Hall" } });
    for (const maxSeatsPerFan of [0, -1, 2.5, "4", 101]) {
      const r = await api("POST", `/api/admin/concerts/${concert.body.id}/schedules`, {
        token,
        body: { startsAt: "2031-05-01T19:00:00+09:00", bookingOpensAt: new Date().toISOString(), sections: [{ name: "X", rows: 1, seatsPerRow: 1, price: 1 }], maxSeatsPerFan },
      });
      expect({ maxSeatsPerFan, status: r.status }).toEqual({ maxSeatsPerFan, status: 400 });
    }
  });

  it("an admin reads anyone's reservation but cannot pay for it or cancel it", async () => {
    const { schedule, shopper } = await readyToBook(20_000);
    const held = await reserve(shopper, schedule.id, ["S-1-4"]);
    const id = held.body.reservationId as string;
    const admin = await adminToken();
    expect((await api("GET", `/api/reservations/${id}`, { token: admin })).status).toBe(200);
    expect((await api("POST", `/api/reservations/${id}/payment`, { token: admin, body: {} })).status).toBe(404);
    expect((await api("DELETE", `/api/reservations/${id}`, { token: admin })).status).toBe(404);
    expect((await reservationOf(shopper, id)).status).toBe("PENDING_PAYMENT");
    expect(await balanceOf(shopper)).toBe(20_000);
    expect((await api("DELETE", `/api/reservations/${id}`, { token: shopper.token })).body).toMatchObject({ status: "FAILED", reason: "cancelled" });
  });

  it("a top-up retried after a crash lost its Idempotency-Key record is applied once", async () => {
    const { shopper } = await readyToBook(0);
    const key = newKey();
    const before = new Date(Date.now() - 1_000);
    expect((await charge(shopper, 5_000, key)).status).toBe(201);
    // The process died after the charge committed and before the key's answer was recorded.
    await sql("wallet", "DELETE FROM idempotency_keys WHERE created_at >= ?", [before]);
    const again = await charge(shopper, 5_000, key);
    expect(again.status).toBe(201);
    expect(await balanceOf(shopper)).toBe(5_000);
    expect(await sql("wallet", "SELECT id FROM ledger WHERE kind = 'CHARGE' AND user_id = ?", [shopper.userId])).toHaveLength(1);
  });

  it("two cancellations of a CONFIRMED reservation at once: both answered, one refund", async () => {
    const { schedule, shopper } = await readyToBook(20_000);
    const held = await reserve(shopper, schedule.id, ["S-1-2"]);
    const id = held.body.reservationId as string;
    expect((await pay(shopper, id)).status).toBe(200);
    const both = await Promise.all([1, 2].map(() => api("DELETE", `/api/reservations/${id}`, { token: shopper.token })));
    for (const r of both) expect([200, 202]).toContain(r.status);
    await untilStatus(shopper, id, "CANCELLED");
    expect(await balanceOf(shopper)).toBe(20_000);
    expect(await sql("wallet", "SELECT id FROM ledger WHERE kind = 'REFUND' AND reference = ?", [id])).toHaveLength(1);
  });
});

describe("fault isolation", () => {
  it("wallet down: payment answers 503 fast with the breaker open, holds are still accepted, payment recovers after restart", async () => {
    const { concert, schedule, shopper } = await readyToBook(50_000);
    const held = await reserve(shopper, schedule.id, ["S-1-1"]);
    await stopService("wallet");
    try {
      const opened = await eventually(async () => {
        const started = Date.now();
        const r = await pay(shopper, held.body.reservationId);
        expect(r.status).toBe(503);
        const breaker = (await health("reservation")).breakers.find((b) => b.name === "invoke:wallet");
        return breaker?.state === "open" ? { r, ms: Date.now() - started } : undefined;
      }, 60_000, "wallet breaker open");
      expect(opened.r.headers.get("retry-after")).toMatch(/^\d+$/);
      // Fails fast: answered by the open breaker, not after the wallet timeout (3 s).
      const started = Date.now();
      const fast = await pay(shopper, held.body.reservationId);
      expect(fast.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(3_000);

      // Reservations (seat holds) go on while payment is down; nothing changed for the pending one.
      const another = await reserve(await admittedShopper(concert.id), schedule.id, ["S-1-2"]);
      expect(another.status).toBe(201);
      expect(await reservationOf(shopper, held.body.reservationId)).toMatchObject({ status: "PENDING_PAYMENT" });
      expect((await seatStatuses(schedule.id))["S-1-1"]).toBe("HELD");
    } finally {
      await startService("wallet");
    }
    // The breaker closes by itself (half-open probe) and the same hold can be paid.
    const paid = await eventually(async () => {
      const r = await pay(shopper, held.body.reservationId);
      return r.status === 200 ? r : undefined;
    }, 60_000, "payment after recovery");
    expect(paid.body.status).toBe("CONFIRMED");
    expect(await balanceOf(shopper)).toBe(40_000);
  });

  it("reservation service killed (SIGKILL) while a saga waits: after restart the saga completes", async () => {
    const { schedule, shopper } = await readyToBook(20_000);
    const held = await reserve(shopper, schedule.id, ["S-1-3"]);
    await stopApp("reservation", "SIGKILL");
    await startService("reservation");
    const paid = await eventually(async () => {
      const r = await pay(shopper, held.body.reservationId);
      return r.status === 200 ? r : undefined;
    }, 60_000, "payment after restart");
    expect(paid.body.status).toBe("CONFIRMED");
    expect(await balanceOf(shopper)).toBe(10_000);
  });

  it("hold expiry, also across a crash: FAILED(hold_expired), seats free, payment refused", async () => {
    await stopService("reservation");
    await startService("reservation", { HOLD_SECONDS: "3" });
    try {
      const { concert, schedule, shopper } = await readyToBook(20_000);
      const other = await admittedShopper(concert.id);
      const a = await reserve(shopper, schedule.id, ["S-1-4"]);
      const b = await reserve(other, schedule.id, ["S-1-5"]);
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      // b's saga is waiting on its timer when the service dies.
      await stopApp("reservation", "SIGKILL");
      await startService("reservation", { HOLD_SECONDS: "3" });
      for (const [who, id] of [[shopper, a.body.reservationId], [other, b.body.reservationId]] as const) {
        const failed = await untilStatus(who, id, "FAILED", 60_000);
        expect(failed.reason).toBe("hold_expired");
        expect((await pay(who, id)).status).toBe(409);
      }
      expect(await seatStatuses(schedule.id)).toMatchObject({ "S-1-4": "AVAILABLE", "S-1-5": "AVAILABLE" });
      expect(await balanceOf(shopper)).toBe(20_000);
    } finally {
      await stopService("reservation");
      await startService("reservation");
    }
  });

  it("refuses bad booking input with 4xx problem+json", async () => {
    const { shopper } = await readyToBook(0);
    expect((await pay(shopper, randomUUID())).status).toBe(404);
    expect((await api("POST", "/api/reservations/not-a-uuid/payment", { token: shopper.token, body: {} })).status).toBe(400);
    expect((await api("POST", `/api/reservations/${randomUUID()}/payment`, { token: shopper.token, body: {}, headers: { "idempotency-key": "bad key!" } })).status).toBe(400);
    expect((await api("DELETE", `/api/reservations/${randomUUID()}`, { token: shopper.token })).status).toBe(404);
  });
});
