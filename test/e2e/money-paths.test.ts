import { crash, freeze, MOCK_DATAPLATFORM_URL, RUN_DIR, serviceSpec, thaw } from "@concert/devstack";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { balanceOf, charge, checkInvariants, pay, readyToBook, reservationOf, reserve, seatStatuses, untilStatus } from "../support/booking";
import { admittedShopper, api, closePools, createConcertWithSchedule, eventually, seatMap, type Shopper, sql, startGatewayReplica, withAdmissionPass } from "../support/stack";

afterEach(checkInvariants);
afterAll(closePools);

type Item = Record<string, any>;
const myItems = async (s: Shopper, path: string) => (await api("GET", path, { token: s.token })).body.items as Item[];
const until = <T>(what: string, probe: () => Promise<T | undefined>) => eventually(probe, 60_000, what);
/** Calls the saga has made on the wallet, counted by the wallet's sidecar as they arrive (before the app). */
const walletCallsFromSaga = async () => {
  const metrics = await (await fetch(`http://127.0.0.1:${serviceSpec("wallet").metricsPort}/metrics`)).text();
  return Number(/dapr_runtime_service_invocation_req_recv_total\{app_id="wallet",src_app_id="reservation"\} (\d+)/.exec(metrics)?.[1] ?? 0);
};

/**
 * Pays, and does `meanwhile` while the saga's payment step is in flight: past the hold's
 * re-check, its payment request waiting at the wallet, held still (SIGSTOP) until then.
 * Resolves to the payment's answer, if there was one.
 */
async function payWhileTheWalletHoldsStill(shopper: Shopper, id: string, meanwhile: () => Promise<unknown>) {
  const before = await walletCallsFromSaga();
  freeze("wallet-app");
  let paying: ReturnType<typeof pay>;
  try {
    paying = pay(shopper, id);
    await eventually(async () => ((await walletCallsFromSaga()) > before ? true : undefined), 2_000, "the payment request at the wallet's sidecar");
    await meanwhile();
  } finally {
    thaw("wallet-app");
  }
  return paying;
}

describe("money paths and what follows a failure or a cancellation", () => {
  it("a fan who signs up and logs in books, pays and cancels: refund, CANCELLED on my page, a notice, the ranking and a :cancelled delivery", async () => {
    const email = `fan-${randomUUID().slice(0, 8)}@example.com`;
    const signedUp = await api("POST", "/api/users", { body: { email, password: "correct horse battery staple", name: "Fan" } });
    expect(signedUp.status).toBe(201);
    const login = await api("POST", "/api/auth/login", { body: { email, password: "correct horse battery staple" } });
    expect(login.status).toBe(200);
    const token = login.body.accessToken as string;

    const { concert, schedule } = await createConcertWithSchedule([{ name: "M", rows: 1, seatsPerRow: 4, price: 7_000 }]);
    const joined = await api("POST", "/api/queue/tokens", { token, body: { concertId: concert.id } });
    expect([200, 201]).toContain(joined.status);
    const active = await until("admission", async () => {
      const s = (await api("GET", `/api/queue/tokens/current?concertId=${concert.id}`, { token })).body;
      return s.status === "ACTIVE" ? s : undefined;
    });
    const fan: Shopper = { userId: signedUp.body.id, token, queueToken: active.pass ?? active.token };
    await seatMap(concert.id, schedule.id, fan);
    await charge(fan, 20_000);
    const held = await reserve(fan, schedule.id, ["M-1-1", "M-1-2"]);
    expect(held.status).toBe(201);
    const id = held.body.reservationId as string;
    expect((await pay(fan, id)).status).toBe(200);
    expect(await balanceOf(fan)).toBe(6_000);

    const popular = async () => ((await api("GET", "/api/rankings/popular?limit=100")).body.items as Item[]).find((i) => i.concertId === concert.id);
    await until("the ranking counts the sale", async () => ((await popular())?.seatsSold === 2 ? true : undefined));

    const cancelled = await api("DELETE", `/api/reservations/${id}`, { token });
    expect(cancelled.body).toMatchObject({ status: "CANCELLED", refundedAmount: 14_000 });
    expect(await balanceOf(fan)).toBe(20_000);

    await until("my page CANCELLED", async () => ((await myItems(fan, "/api/me/reservations")).find((r) => r.reservationId === id)?.status === "CANCELLED" ? true : undefined));
    const history = await until("the refund in the wallet history", async () => {
      const items = await myItems(fan, "/api/me/wallet/history");
      return items.some((h) => h.kind === "REFUND") ? items : undefined;
    });
    expect(history.map((h) => [h.kind, h.amount]).sort()).toEqual([["CHARGE", 20_000], ["PAYMENT", 14_000], ["REFUND", 14_000]].sort());
    const notices = await until("the cancellation notice", async () => {
      const items = (await myItems(fan, "/api/me/notifications")).filter((n) => n.reservationId === id);
      return items.some((n) => n.kind === "cancelled") ? items : undefined;
    });
    expect(notices.map((n) => n.kind).sort()).toEqual(["cancelled", "confirmed"]);
    // Nothing sold any more: the concert leaves the popularity ranking.
    await until("the ranking counts the cancellation", async () => ((await popular()) === undefined ? true : undefined));
    // Both notices left through the output binding (locally bindings.localstorage: a file per
    // notice under .run/notices; in the cluster an HTTP channel).
    for (const n of notices) {
      const sent = await until(`notice ${n.kind} through the output binding`, async () =>
        readFile(join(RUN_DIR, "notices", `${n.id}.json`), "utf8").then(JSON.parse, () => undefined),
      );
      expect(sent).toMatchObject({ id: n.id, reservationId: id, userId: fan.userId, kind: n.kind, title: n.title });
    }
    await until("the :cancelled delivery to the data platform", async () => {
      const platform = (await (await fetch(`${MOCK_DATAPLATFORM_URL}/admin/received`)).json()) as { keys: string[] };
      return platform.keys.includes(`${id}:cancelled`) && platform.keys.includes(`${id}:completed`) ? true : undefined;
    });
  });

  it("a declined payment: FAILED(payment_declined) on my page, a failure notice, nothing charged, the seats free", async () => {
    const { schedule, shopper } = await readyToBook(5_000);
    const held = await reserve(shopper, schedule.id, ["S-1-1"]);
    const id = held.body.reservationId as string;
    expect((await pay(shopper, id)).status).toBe(402);
    expect(await balanceOf(shopper)).toBe(5_000);
    expect((await seatStatuses(schedule.id))["S-1-1"]).toBe("AVAILABLE");
    await until("my page FAILED", async () => {
      const r = (await myItems(shopper, "/api/me/reservations")).find((x) => x.reservationId === id);
      return r?.status === "FAILED" ? r : undefined;
    });
    const notice = await until("the failure notice", async () => (await myItems(shopper, "/api/me/notifications")).find((n) => n.reservationId === id));
    expect(notice).toMatchObject({ kind: "failed" });
    const history = await until("the declined line in the wallet history", async () => {
      const items = await myItems(shopper, "/api/me/wallet/history");
      return items.some((h) => h.kind === "PAYMENT_DECLINED") ? items : undefined;
    });
    expect(history.filter((h) => h.kind === "PAYMENT")).toEqual([]);
  });

  it("seats lost before the payment (swept): the payment is refused, nothing is charged, the reservation FAILED(hold_expired)", async () => {
    const { schedule, shopper } = await readyToBook(20_000);
    const held = await reserve(shopper, schedule.id, ["S-1-2"]);
    const id = held.body.reservationId as string;
    // The seat service's clock says the hold is over (a lagging sweep, a clock step): it sweeps it.
    await sql("seat", "UPDATE seats SET hold_expires_at = NOW(3) - INTERVAL 1 MINUTE WHERE reservation_id = ?", [id]);
    await until("the sweeper frees the seat", async () => ((await seatStatuses(schedule.id))["S-1-2"] === "AVAILABLE" ? true : undefined));
    const paid = await pay(shopper, id);
    expect(paid.status).toBe(409);
    expect(paid.body).toMatchObject({ status: "FAILED", reason: "hold_expired" });
    expect(await balanceOf(shopper)).toBe(20_000);
    // Only the void that refuses a late payment request for it; no money moved.
    expect(await sql("wallet", "SELECT status FROM payments WHERE reservation_id = ?", [id])).toEqual([{ status: "VOIDED" }]);
    await untilStatus(shopper, id, "FAILED");
  });

  it("seats lost after the payment went through: the money comes back, the seats stay free, the reservation is FAILED(error)", async () => {
    const { schedule, shopper } = await readyToBook(20_000);
    const held = await reserve(shopper, schedule.id, ["S-1-3"]);
    const id = held.body.reservationId as string;
    // Between the saga's payment and its confirmation of the seats: the wallet is held still
    // once the payment request has reached it (past the hold's re-check), and meanwhile the seat
    // service's clock says the hold is over, so the confirmation is refused.
    await payWhileTheWalletHoldsStill(shopper, id, () => sql("seat", "UPDATE seats SET hold_expires_at = NOW(3) - INTERVAL 1 MINUTE WHERE reservation_id = ?", [id]));
    const failed = await untilStatus(shopper, id, "FAILED");
    expect(failed).toMatchObject({ status: "FAILED", reason: "error" });
    // Charged, then refunded by the compensation: the balance is whole and the payment says so.
    expect(await balanceOf(shopper)).toBe(20_000);
    expect(await sql("wallet", "SELECT status, refunded_at IS NOT NULL AS refunded FROM payments WHERE reservation_id = ?", [id])).toEqual([{ status: "APPROVED", refunded: 1 }]);
    const history = await until("the refund in the wallet history", async () => {
      const items = await myItems(shopper, "/api/me/wallet/history");
      return items.some((h) => h.kind === "REFUND") ? items : undefined;
    });
    expect(history.map((h) => [h.kind, h.amount]).sort()).toEqual([["CHARGE", 20_000], ["PAYMENT", held.body.amount], ["REFUND", held.body.amount]].sort());
    await until("the seat back on sale", async () => ((await seatStatuses(schedule.id))["S-1-3"] === "AVAILABLE" ? true : undefined));
  });

  // Seats S-1-4.. of one schedule each: a process killed while the saga's payment step is in
  // flight (its payment request waits at the held wallet), or right after, while it confirms.
  it.each([
    ["the reservation app", "reservation-app"],
    ["the reservation sidecar", "reservation-daprd"],
    ["the wallet's sidecar", "wallet-daprd"],
    ["the seat app", "seat-app"],
  ])("%s killed in the middle of the payment step: the saga goes on after the restart, and the fan is charged once", async (_, proc) => {
    const { schedule, shopper } = await readyToBook(20_000);
    const held = await reserve(shopper, schedule.id, ["S-1-4"]);
    const id = held.body.reservationId as string;
    await payWhileTheWalletHoldsStill(shopper, id, async () => crash(proc)); // answered or not: the fan may have to ask again
    const confirmed = await eventually(async () => {
      const r = await reservationOf(shopper, id);
      if (r.status === "PENDING_PAYMENT") await pay(shopper, id); // the payment request died with its process
      return r.status === "CONFIRMED" ? r : undefined;
    }, 120_000, `CONFIRMED after ${proc} restarted`);
    expect(confirmed.amount).toBe(held.body.amount);
    expect(await balanceOf(shopper)).toBe(20_000 - held.body.amount);
    expect(await sql("wallet", "SELECT status, refunded_at IS NULL AS kept FROM payments WHERE reservation_id = ?", [id])).toEqual([{ status: "APPROVED", kept: 1 }]);
    expect((await seatStatuses(schedule.id))["S-1-4"]).toBe("RESERVED");
  }, 180_000);

  it("a wallet too slow to answer: the payment is uncertain (503), and whatever the wallet did late, paying again charges once and cancelling refunds", async () => {
    const { concert, schedule, shopper } = await readyToBook(30_000);
    const slowPay = async (who: Shopper, id: string) => {
      freeze("wallet-app"); // the wallet holds the request past the saga's 3 s wallet timeout
      try {
        return await pay(who, id);
      } finally {
        thaw("wallet-app");
      }
    };
    // Paid again: the same payment id for the wallet, so one debit whether or not the late
    // request went through.
    const a = await reserve(shopper, schedule.id, ["S-1-1"]);
    expect((await slowPay(shopper, a.body.reservationId)).status).toBe(503);
    const paid = await eventually(async () => {
      const r = await pay(shopper, a.body.reservationId);
      return r.status === 200 ? r : undefined;
    }, 60_000, "payment once the wallet answers again");
    expect(paid.body.status).toBe("CONFIRMED");
    expect(await balanceOf(shopper)).toBe(20_000);

    // Cancelled instead: the void gives back a payment the wallet applied late, or refuses it.
    const other = await admittedShopper(concert.id);
    await charge(other, 30_000);
    const b = await reserve(other, schedule.id, ["S-1-2"]);
    expect((await slowPay(other, b.body.reservationId)).status).toBe(503);
    const dropped = await eventually(async () => {
      const r = await api("DELETE", `/api/reservations/${b.body.reservationId}`, { token: other.token });
      return r.status === 200 ? r : undefined;
    }, 60_000, "cancellation once the wallet answers again");
    expect(dropped.body).toMatchObject({ status: "FAILED", reason: "cancelled" });
    await eventually(async () => ((await balanceOf(other)) === 30_000 ? true : undefined), 30_000, "the uncertain payment voided");
    const rows = await sql<{ status: string; refunded_at: Date | null }>("wallet", "SELECT status, refunded_at FROM payments WHERE reservation_id = ?", [b.body.reservationId]);
    expect(rows.every((p) => p.status !== "APPROVED" || p.refunded_at !== null)).toBe(true);
    expect((await seatStatuses(schedule.id))["S-1-2"]).toBe("AVAILABLE");
  });

  it("a cancellation racing its payment ends one way only: paid once (CONFIRMED, or CANCELLED and refunded), or FAILED(cancelled) and charged nothing", async () => {
    const { concert, schedule } = await readyToBook(0, 8);
    const outcomes: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const fan = await admittedShopper(concert.id);
      await charge(fan, 10_000);
      const held = await reserve(fan, schedule.id, [`S-1-${i}`]);
      const id = held.body.reservationId as string;
      const [paid, cancelled] = await Promise.all([
        pay(fan, id),
        api("DELETE", `/api/reservations/${id}`, { token: fan.token }),
      ]);
      const final = await eventually(async () => {
        const r = (await api("GET", `/api/reservations/${id}`, { token: fan.token })).body;
        return r.status === "PENDING_PAYMENT" ? undefined : r;
      }, 30_000, `reservation ${id} settled`);
      const balance = await balanceOf(fan);
      const seat = (await seatStatuses(schedule.id))[`S-1-${i}`];
      if (final.status === "CONFIRMED") {
        // The payment won: the cancellation was answered 409 "paid meanwhile" (or came after it).
        expect(paid.status).toBe(200);
        expect(cancelled.status).toBe(409);
        expect({ balance, seat }).toEqual({ balance: 0, seat: "RESERVED" });
      } else if (final.status === "CANCELLED") {
        // The payment won before the cancellation even read the reservation: a refunded cancellation.
        expect(paid.status).toBe(200);
        expect(cancelled.status).toBe(200);
        expect({ balance, seat }).toEqual({ balance: 10_000, seat: "AVAILABLE" });
      } else {
        expect(final).toMatchObject({ status: "FAILED", reason: "cancelled" });
        expect([402, 409]).toContain(paid.status);
        expect({ balance, seat }).toEqual({ balance: 10_000, seat: "AVAILABLE" });
      }
      outcomes.push(final.status);
    }
    // Either way is fine; only a mix of the two (paid and cancelled) would be wrong.
    expect(outcomes).toHaveLength(4);
  });

  it("the popularity ranking orders concerts by seats sold", async () => {
    const sell = async (seats: number) => {
      const { concert, schedule, shopper } = await readyToBook(seats * 1_000, 8, 1_000);
      const held = await reserve(shopper, schedule.id, Array.from({ length: seats }, (_, i) => `S-1-${i + 1}`));
      expect((await pay(shopper, held.body.reservationId)).status).toBe(200);
      return concert.id as string;
    };
    const [more, fewer] = [await sell(7), await sell(5)];
    const ranked = await until("both in the ranking", async () => {
      const items = (await api("GET", "/api/rankings/popular?limit=100")).body.items as Item[];
      const [a, b] = [items.find((i) => i.concertId === more), items.find((i) => i.concertId === fewer)];
      return a && b ? { a, b, items } : undefined;
    });
    expect(ranked.a).toMatchObject({ seatsSold: 7, completed: 1 });
    expect(ranked.b).toMatchObject({ seatsSold: 5, completed: 1 });
    expect(ranked.a.rank).toBeLessThan(ranked.b.rank);
    const sold = ranked.items.map((i) => i.seatsSold as number);
    expect(sold).toEqual([...sold].sort((x, y) => y - x));
    expect(ranked.items.map((i) => i.rank)).toEqual(ranked.items.map((_, i) => i + 1));
  });

  it("an Idempotency-Key reused with another body is 422 for a top-up and a reservation, and changes nothing", async () => {
    const ready = await readyToBook(0);
    const { schedule } = ready;
    // A pass: the first hold spends the token, and the second request must reach the reservation service.
    const shopper = await withAdmissionPass(ready.concert.id, ready.shopper);
    const key = randomUUID();
    expect((await charge(shopper, 1_000, key)).status).toBe(201);
    const other = await api("POST", "/api/me/wallet/charges", { token: shopper.token, body: { amount: 2_000 }, headers: { "idempotency-key": key } });
    expect(other.status).toBe(422);
    expect(other.headers.get("content-type")).toMatch(/problem\+json/);
    expect(await balanceOf(shopper)).toBe(1_000);

    const holdKey = randomUUID();
    const first = await api("POST", "/api/reservations", { token: shopper.token, headers: { "x-queue-token": shopper.queueToken, "idempotency-key": holdKey }, body: { scheduleId: schedule.id, seatNumbers: ["S-1-3"] } });
    expect(first.status).toBe(201);
    const changed = await api("POST", "/api/reservations", { token: shopper.token, headers: { "x-queue-token": shopper.queueToken, "idempotency-key": holdKey }, body: { scheduleId: schedule.id, seatNumbers: ["S-1-4"] } });
    expect(changed.status).toBe(422);
    expect(await seatStatuses(schedule.id)).toMatchObject({ "S-1-3": "HELD", "S-1-4": "AVAILABLE" });
    expect((await api("DELETE", `/api/reservations/${first.body.reservationId}`, { token: shopper.token })).status).toBe(200);
  });

  it("holding seats needs a pass for the schedule's concert: none, a forged one or another concert's is 403 and holds nothing", async () => {
    const { schedule, shopper } = await readyToBook(0);
    const elsewhere = await createConcertWithSchedule();
    const otherFan = await admittedShopper(elsewhere.concert.id);
    const body = { scheduleId: schedule.id, seatNumbers: ["S-1-5"] };
    for (const headers of [{}, { "x-queue-token": "forged.pass.value" }, { "x-queue-token": otherFan.queueToken }] as Array<Record<string, string>>) {
      const r = await api("POST", "/api/reservations", { token: otherFan.token, headers, body });
      expect(r.status).toBe(403);
    }
    expect((await seatStatuses(schedule.id))["S-1-5"]).toBe("AVAILABLE");
    expect((await reserve(shopper, schedule.id, ["S-1-5"])).status).toBe(201);
  });

  it("remaining seats follow holds, sales and releases", async () => {
    const { concert, schedule, shopper } = await readyToBook(10_000, 4);
    const remaining = async () =>
      ((await api("GET", `/api/concerts/${concert.id}/schedules`)).body.items as Item[]).find((s) => s.id === schedule.id)?.remainingSeats;
    expect(await remaining()).toBe(4);
    const held = await reserve(shopper, schedule.id, ["S-1-1"]);
    await until("a held seat is not remaining", async () => ((await remaining()) === 3 ? true : undefined));
    expect((await pay(shopper, held.body.reservationId)).status).toBe(200);
    expect(await remaining()).toBe(3);
    const next = await admittedShopper(concert.id);
    await seatMap(concert.id, schedule.id, next);
    const dropped = await reserve(next, schedule.id, ["S-1-2"]);
    await until("two taken", async () => ((await remaining()) === 2 ? true : undefined));
    await api("DELETE", `/api/reservations/${dropped.body.reservationId}`, { token: next.token });
    await until("a released seat is remaining again", async () => ((await remaining()) === 3 ? true : undefined));
  });

  it("sign-ups are limited per address and reservation attempts per user: 429 with Retry-After past the limit", async () => {
    // A replica behind a pretend proxy gives this test an address of its own (its counters are
    // in the shared Redis, keyed by address).
    const replica = await startGatewayReplica(8_084, { TRUSTED_PROXY_HOPS: "1" });
    try {
      const from = { "x-forwarded-for": `198.51.100.${Math.floor(Math.random() * 200) + 20}` };
      const statuses: number[] = [];
      for (let i = 0; i < 61; i++) statuses.push((await replica.api("POST", "/api/users", { body: { email: "not-an-email" }, headers: from })).status);
      expect(statuses.slice(0, 60).every((s) => s === 400)).toBe(true);
      expect(statuses[60]).toBe(429);
    } finally {
      await replica.stop();
    }

    const { schedule, shopper } = await readyToBook(0);
    const attempts: number[] = [];
    // Without a pass: each attempt is refused at the gate, and still counts.
    for (let i = 0; i < 31; i++) attempts.push((await api("POST", "/api/reservations", { token: shopper.token, body: { scheduleId: schedule.id, seatNumbers: ["S-1-6"] } })).status);
    expect(attempts.slice(0, 30).every((s) => s === 403)).toBe(true);
    expect(attempts[30]).toBe(429);
    const limited = await reserve(shopper, schedule.id, ["S-1-6"]);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

