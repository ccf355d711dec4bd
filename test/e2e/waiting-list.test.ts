import { randomUUID } from "node:crypto";
import { checkInvariants, signToken, startService, stopApp, stopService } from "@concert/devstack";
import { idOfIdempotencyKey } from "@concert/platform";
import { charge, payToConfirmed, reserve, seatStatuses, untilStatus } from "../support/booking";
import { admittedShopper, api, budget, createConcertWithSchedule, eventually, internal, type Shopper, sql } from "../support/stack";

/**
 * The waiting list (docs/waiting-list.md), end to end through the gateway: released seats of a
 * sold-out schedule go to the fans who waited, in order, never to the public meanwhile.
 */
jest.setTimeout(180_000);

const PRICE = 10_000;

/** A signed-in fan who never passed the waiting room (the list needs none). */
async function fan(): Promise<Shopper> {
  const userId = randomUUID();
  return { userId, token: await signToken(userId, "user"), queueToken: "" };
}

/** A schedule of `seats` seats, all bought, one buyer per seat group: sold out. */
async function soldOut(groups: string[][], settings: Record<string, unknown> = {}) {
  const seats = groups.flat().length;
  const { concert, schedule } = await createConcertWithSchedule([{ name: "S", rows: 1, seatsPerRow: seats, price: PRICE }], undefined, undefined, settings);
  const buyers: Array<{ shopper: Shopper; reservationId: string }> = [];
  for (const seatNumbers of groups) {
    const shopper = await admittedShopper(concert.id);
    await charge(shopper, PRICE * seatNumbers.length);
    const held = await reserve(shopper, schedule.id, seatNumbers);
    expect(held.status).toBe(201);
    await payToConfirmed(shopper, held.body.reservationId);
    buyers.push({ shopper, reservationId: held.body.reservationId });
  }
  return { concert, schedule, buyers };
}

const join = (f: Shopper, scheduleId: string, body: Record<string, unknown> = { seatCount: 1 }) =>
  api("POST", `/api/schedules/${scheduleId}/waiting-list`, { token: f.token, body });
const entryOf = async (f: Shopper, scheduleId: string) => (await api("GET", `/api/schedules/${scheduleId}/waiting-list/me`, { token: f.token })).body;
const claim = (f: Shopper, offerId: string) => api("POST", `/api/waiting-list/offers/${offerId}/claim`, { token: f.token });
const cancel = (s: Shopper, reservationId: string) => api("DELETE", `/api/reservations/${reservationId}`, { token: s.token });

async function untilEntry(f: Shopper, scheduleId: string, status: string, timeoutMs = 30_000) {
  return eventually(async () => {
    const e = await entryOf(f, scheduleId);
    return e?.status === status ? e : undefined;
  }, timeoutMs, `entry of ${f.userId} ${status}`);
}

/** A sold-out seat, two fans in line, the buyer cancels: the seat is offered to the first. */
async function offeredToFirstOfTwo() {
  const { schedule, buyers } = await soldOut([["S-1-1"]]);
  const [first, second] = [await fan(), await fan()];
  await join(first, schedule.id);
  await join(second, schedule.id);
  await cancel(buyers[0]!.shopper, buyers[0]!.reservationId);
  const offer = (await untilEntry(first, schedule.id, "OFFERED")).offer;
  return { schedule, first, second, offer };
}

/** A notice of the fan's that matches, once notifications has it. */
const noticeOf = (f: Shopper, what: string, match: (n: Record<string, unknown>) => boolean) =>
  eventually(async () => {
    const items = (await api("GET", "/api/me/notifications", { token: f.token })).body.items as Array<Record<string, unknown>>;
    return items.find(match);
  }, 30_000, what);

/** Pushes an open offer past its claim window (its timer then acts at once). */
const expireNow = (offerId: string) => sql("waitlist", "UPDATE offers SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE id = ?", [offerId]);

async function invariantsHold(scheduleIds: string[]) {
  expect((await checkInvariants({ scheduleIds })).violations).toEqual([]);
}

describe("the waiting list", () => {
  it("offers a cancellation to the first in line, never to the public, and the claim is booked and paid", async () => {
    const { schedule, buyers } = await soldOut([["S-1-1"], ["S-1-2"]]);
    const [first, second] = [await fan(), await fan()];

    const joined = await join(first, schedule.id);
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ status: "WAITING", position: 1, seatCount: 1 });
    expect((await join(second, schedule.id)).body.position).toBe(2);
    const again = await join(first, schedule.id);
    expect(again.status).toBe(409);
    expect(again.body.entryId).toBe(joined.body.entryId);

    const cancelled = await cancel(buyers[0]!.shopper, buyers[0]!.reservationId);
    expect(cancelled.body.status).toBe("CANCELLED");
    // Released into the list's hold before anyone could see it on sale.
    expect((await seatStatuses(schedule.id))["S-1-1"]).toBe("HELD");

    const offered = await untilEntry(first, schedule.id, "OFFERED");
    expect(offered.offer).toMatchObject({ seatNumbers: ["S-1-1"], amount: PRICE, status: "OFFERED" });
    expect(new Date(offered.offer.expiresAt).getTime()).toBeGreaterThan(Date.now() + 60_000);
    expect(await entryOf(second, schedule.id)).toMatchObject({ status: "WAITING", position: 1, offer: null });
    const notice = await noticeOf(first, "offer notice", (n) => n.kind === "offered");
    expect(notice).toMatchObject({ offerId: offered.offer.offerId });

    // Nobody else can claim it, nor book the seat.
    expect((await claim(second, offered.offer.offerId)).status).toBe(404);
    const outsider = await admittedShopper((await api("GET", `/api/schedules/${schedule.id}`)).body.concertId);
    expect((await reserve(outsider, schedule.id, ["S-1-1"])).status).toBe(409);

    const claimed = await claim(first, offered.offer.offerId);
    expect(claimed.status).toBe(201);
    expect(claimed.body).toMatchObject({ status: "PENDING_PAYMENT", seatNumbers: ["S-1-1"], amount: PRICE });
    expect(claimed.headers.get("location")).toBe(`/api/reservations/${claimed.body.reservationId}`);
    // Claiming again answers the same reservation: one booking per offer.
    expect((await claim(first, offered.offer.offerId)).body.reservationId).toBe(claimed.body.reservationId);

    await charge(first, PRICE);
    expect((await payToConfirmed(first, claimed.body.reservationId)).status).toBe("CONFIRMED");
    expect((await seatStatuses(schedule.id))["S-1-1"]).toBe("RESERVED");
    expect((await untilEntry(first, schedule.id, "CLAIMED")).offer.reservationId).toBe(claimed.body.reservationId);
    const mine = await eventually(async () => {
      const items = (await api("GET", "/api/me/waiting-list", { token: first.token })).body.items as Array<Record<string, any>>;
      return items.find((e) => e.status === "CLAIMED");
    }, 30_000, "my page's waiting list");
    expect(mine).toMatchObject({ scheduleId: schedule.id, offer: { offerId: offered.offer.offerId, reservationId: claimed.body.reservationId } });
    await invariantsHold([schedule.id]);
  });

  it("passes an offer nobody claimed in time to the second in line; the first may join again at the end", async () => {
    const { schedule, first, second, offer } = await offeredToFirstOfTwo();

    await expireNow(offer.offerId);
    const passed = await untilEntry(second, schedule.id, "OFFERED");
    expect(passed.offer.seatNumbers).toEqual(["S-1-1"]);
    expect(passed.offer.offerId).not.toBe(offer.offerId);
    expect((await entryOf(first, schedule.id)).status).toBe("EXPIRED");
    const late = await claim(first, offer.offerId);
    expect(late.status).toBe(409);
    expect(late.body.status).toBe("EXPIRED");
    await noticeOf(first, "offer-expired notice", (n) => n.kind === "offer_expired" && n.offerId === offer.offerId);

    const rejoined = await join(first, schedule.id);
    expect(rejoined.status).toBe(201);
    expect(rejoined.body.position).toBe(1);
    expect((await claim(second, passed.offer.offerId)).status).toBe(201);
    await invariantsHold([schedule.id]);
  });

  it("passes an open offer on when its fan leaves the list", async () => {
    const { schedule, first, second, offer } = await offeredToFirstOfTwo();

    const left = await api("DELETE", `/api/schedules/${schedule.id}/waiting-list/me`, { token: first.token });
    expect(left.status).toBe(200);
    expect(left.body).toMatchObject({ status: "LEFT", offer: { offerId: offer.offerId, status: "DECLINED" } });
    expect((await untilEntry(second, schedule.id, "OFFERED")).offer.seatNumbers).toEqual(["S-1-1"]);
    expect((await claim(first, offer.offerId)).status).toBe(409);
    await invariantsHold([schedule.id]);
  });

  it("skips a request for two seats when one is released, and serves it when two are", async () => {
    const { schedule, buyers } = await soldOut([["S-1-1"], ["S-1-2", "S-1-3"]]);
    const [pair, single] = [await fan(), await fan()];
    await join(pair, schedule.id, { seatCount: 2 });
    await join(single, schedule.id, { seatCount: 1 });

    await cancel(buyers[0]!.shopper, buyers[0]!.reservationId);
    expect((await untilEntry(single, schedule.id, "OFFERED")).offer.seatNumbers).toEqual(["S-1-1"]);
    expect(await entryOf(pair, schedule.id)).toMatchObject({ status: "WAITING", position: 1 });

    await cancel(buyers[1]!.shopper, buyers[1]!.reservationId);
    expect((await untilEntry(pair, schedule.id, "OFFERED")).offer.seatNumbers).toEqual(["S-1-2", "S-1-3"]);
    await invariantsHold([schedule.id]);
  });

  it("passes over a fan who cannot take seats now (their seats-per-fan cap) to the next, who keeps nothing waiting", async () => {
    const { schedule, buyers } = await soldOut([["S-1-1"], ["S-1-2"]], { maxSeatsPerFan: 1 });
    const capped = buyers[0]!.shopper; // already bought their one seat
    const next = await fan();
    expect((await join(capped, schedule.id)).status).toBe(201);
    await join(next, schedule.id);

    await cancel(buyers[1]!.shopper, buyers[1]!.reservationId);
    expect((await untilEntry(next, schedule.id, "OFFERED")).offer.seatNumbers).toEqual(["S-1-2"]);
    expect(await entryOf(capped, schedule.id)).toMatchObject({ status: "WAITING", position: 1, offer: null });
    await invariantsHold([schedule.id]);
  });

  it("records an offer whose transfer was made but not recorded (a lost answer) instead of making another", async () => {
    const { schedule, buyers } = await soldOut([["S-1-1"], ["S-1-2"]]);
    const first = await fan();
    const entry = (await join(first, schedule.id)).body;
    await stopService("waitlist");
    let offerId: string;
    try {
      await cancel(buyers[0]!.shopper, buyers[0]!.reservationId);
      const [routing] = await sql<{ holdId: string }>("seat", "SELECT reservation_id AS holdId FROM seats WHERE schedule_id = ? AND seat_number = 'S-1-1'", [schedule.id]);
      // What the service's transfer did before it stopped, its answer lost.
      offerId = idOfIdempotencyKey(entry.entryId, "offer", routing!.holdId);
      const moved = await internal("seat", "POST", "/holds", {
        body: { reservationId: offerId, scheduleId: schedule.id, seatNumbers: ["S-1-1"], userId: first.userId, holdSeconds: 660, fromHold: routing!.holdId },
      });
      expect(moved.status).toBe(201);
    } finally {
      await startService("waitlist");
    }
    const offered = await untilEntry(first, schedule.id, "OFFERED");
    expect(offered.offer).toMatchObject({ offerId: offerId!, seatNumbers: ["S-1-1"] });
    expect(await sql("waitlist", "SELECT id FROM offers WHERE entry_id = ?", [entry.entryId])).toHaveLength(1);
    expect((await claim(first, offerId!)).status).toBe(201);
    await invariantsHold([schedule.id]);
  });

  it("serves two releases at the same moment to two different entries, in line order", async () => {
    const { schedule, buyers } = await soldOut([["S-1-1"], ["S-1-2"], ["S-1-3"]]);
    const fans = [await fan(), await fan(), await fan()];
    for (const f of fans) expect((await join(f, schedule.id)).status).toBe(201);

    await Promise.all(buyers.slice(0, 2).map((b) => cancel(b.shopper, b.reservationId)));
    const offers = await Promise.all(fans.slice(0, 2).map((f) => untilEntry(f, schedule.id, "OFFERED")));
    expect(offers.map((e) => e.offer.seatNumbers[0]).sort()).toEqual(["S-1-1", "S-1-2"]);
    expect(await entryOf(fans[2]!, schedule.id)).toMatchObject({ status: "WAITING", position: 1 });
    await invariantsHold([schedule.id]);
  });

  it("ends a claim racing its offer's expiry one way only: claimed, or passed on", async () => {
    for (const offsetMs of [0, 150, 300]) {
      const { schedule, first, second, offer } = await offeredToFirstOfTwo();

      // The window closes as the claim arrives (the expiry timer looks every second).
      await sql("waitlist", "UPDATE offers SET expires_at = NOW(3) + INTERVAL ? MICROSECOND WHERE id = ?", [offsetMs * 1000, offer.offerId]);
      const claimed = await claim(first, offer.offerId);
      expect([201, 409]).toContain(claimed.status);
      if (claimed.status === 201) {
        const [row] = await sql<{ status: string }>("waitlist", "SELECT status FROM offers WHERE id = ?", [offer.offerId]);
        expect(row!.status).toBe("CLAIMED");
        expect((await untilStatus(first, claimed.body.reservationId, "PENDING_PAYMENT")).seatNumbers).toEqual(["S-1-1"]);
        expect((await entryOf(second, schedule.id)).status).toBe("WAITING");
      } else {
        expect((await untilEntry(second, schedule.id, "OFFERED")).offer.seatNumbers).toEqual(["S-1-1"]);
        expect((await api("GET", "/api/me/reservations", { token: first.token })).body.items).toEqual([]);
      }
      await invariantsHold([schedule.id]);
    }
  });

  it("loses no seat when the waiting list crashes: held for it meanwhile, offered after its restart, and on sale if it never comes back", async () => {
    const { schedule, buyers } = await soldOut([["S-1-1"], ["S-1-2"]]);
    const waiting = await fan();
    await join(waiting, schedule.id);
    const left = budget(150_000);
    // The app dies, its sidecar stays (a container restart). Should daprd leave seats-released
    // stalled after it (decision 0008), the seat service's beats on that topic stop reaching
    // the app and its watchdog restarts the sidecar.
    await stopApp("waitlist", "SIGKILL");
    try {
      await cancel(buyers[0]!.shopper, buyers[0]!.reservationId);
      expect((await seatStatuses(schedule.id))["S-1-1"]).toBe("HELD");
    } finally {
      await startService("waitlist");
    }
    // The release waited in Kafka and in the routing hold; the restarted service offers it.
    const offer = (await untilEntry(waiting, schedule.id, "OFFERED", left.left())).offer;
    expect(offer.seatNumbers).toEqual(["S-1-1"]);

    // With the service gone for good, the holds still end: the offer's hold runs out and comes
    // back to the list's hold, which runs out and goes on sale (the seat sweeper, both times).
    await stopApp("waitlist", "SIGKILL");
    try {
      await cancel(buyers[1]!.shopper, buyers[1]!.reservationId);
      await sql("seat", "UPDATE seats SET hold_expires_at = NOW(3) - INTERVAL 1 SECOND WHERE schedule_id = ? AND status = 'HELD'", [schedule.id]);
      await eventually(async () => {
        const seats = await seatStatuses(schedule.id);
        return seats["S-1-1"] === "HELD" && seats["S-1-2"] === "HELD" ? undefined : seats;
      }, left.left(), "the sweeper to take the offer's and the list's holds");
      await sql("seat", "UPDATE seats SET hold_expires_at = NOW(3) - INTERVAL 1 SECOND WHERE schedule_id = ? AND status = 'HELD'", [schedule.id]);
      const seats = await eventually(async () => {
        const s = await seatStatuses(schedule.id);
        return s["S-1-1"] === "AVAILABLE" && s["S-1-2"] === "AVAILABLE" ? s : undefined;
      }, left.left(), "both seats on sale");
      expect(seats).toMatchObject({ "S-1-1": "AVAILABLE", "S-1-2": "AVAILABLE" });
    } finally {
      await startService("waitlist");
    }
    // Back, the service finds the offer's seats gone: its claim is refused, its timer ends it.
    expect((await claim(waiting, offer.offerId)).status).toBe(409);
    await expireNow(offer.offerId);
    await untilEntry(waiting, schedule.id, "EXPIRED", left.left());
    await invariantsHold([schedule.id]);
  });

  it("refuses what the list cannot take with 4xx problem+json, changing nothing", async () => {
    const { schedule } = await createConcertWithSchedule([{ name: "S", rows: 1, seatsPerRow: 2, price: PRICE }]);
    const f = await fan();
    const onSale = await join(f, schedule.id);
    expect(onSale.status).toBe(409);
    expect(onSale.headers.get("content-type")).toContain("application/problem+json");
    expect(onSale.body.availableSeats).toBe(2);
    expect((await join(f, schedule.id, { seatCount: 0 })).status).toBe(400);
    expect((await join(f, schedule.id, { seatCount: 9 })).status).toBe(400);
    expect((await join(f, schedule.id, { seatCount: 1, section: "nope" })).status).toBe(400);
    expect((await join(f, schedule.id, { seatCount: 1, extra: true })).status).toBe(400);
    expect((await join(f, randomUUID())).status).toBe(404);
    expect((await api("POST", `/api/schedules/${schedule.id}/waiting-list`, { body: { seatCount: 1 } })).status).toBe(401);
    expect((await entryOf(f, schedule.id)).status).toBe(404);
    expect((await api("DELETE", `/api/schedules/${schedule.id}/waiting-list/me`, { token: f.token })).status).toBe(404);
    expect((await claim(f, randomUUID())).status).toBe(404);
    expect((await claim(f, "not-a-uuid")).status).toBe(400);
    // The public body of a reservation cannot name a hold to take seats from.
    const s = await admittedShopper((await api("GET", `/api/schedules/${schedule.id}`)).body.concertId);
    expect((await api("POST", "/api/reservations", { token: s.token, headers: { "x-queue-token": s.queueToken }, body: { scheduleId: schedule.id, seatNumbers: ["S-1-1"], fromHold: randomUUID() } })).status).toBe(400);
  });
});
