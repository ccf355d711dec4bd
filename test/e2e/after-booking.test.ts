import { DeadLetter, ReservationCompleted } from "@concert/contracts";
import { MOCK_DATAPLATFORM_URL, serviceSpec } from "@concert/devstack";
import { type ReceivedEvent, Subscriptions } from "@concert/platform";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { balanceOf, checkInvariants, charge, pay, payToConfirmed, readyToBook, reservationOf, reserve } from "../support/booking";
import { startProbe } from "../support/probe";
import { admittedShopper, api, adminToken, budget, closePools, eventually, seatMap, type Shopper, sidecarOf } from "../support/stack";

afterEach(checkInvariants);
afterAll(closePools);

const platform = async (path: string, init?: RequestInit) => (await fetch(MOCK_DATAPLATFORM_URL + path, init)).json() as Promise<any>;
const setPlatform = (switches: Record<string, unknown>) =>
  platform("/admin/switches", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(switches) });
const received = async () => new Set<string>((await platform("/admin/received")).keys);

/** Every user's my page agrees with the write side: each reservation's status, and the balance. */
async function expectMyPageMatches(users: Array<{ shopper: Shopper; reservations: string[] }>, within = budget(60_000)) {
  for (const { shopper, reservations } of users) {
    const truth = Object.fromEntries(await Promise.all(reservations.map(async (id) => [id, (await reservationOf(shopper, id)).status])));
    const balance = await balanceOf(shopper);
    await eventually(async () => {
      const mine = (await api("GET", "/api/me/reservations", { token: shopper.token })).body.items as Array<{ reservationId: string; status: string }>;
      const seen = Object.fromEntries(mine.map((r) => [r.reservationId, r.status]));
      const history = (await api("GET", "/api/me/wallet/history", { token: shopper.token })).body.items as Array<{ kind: string; amount: number }>;
      const sum = history.reduce((s, h) => s + (h.kind === "CHARGE" || h.kind === "REFUND" ? h.amount : h.kind === "PAYMENT" ? -h.amount : 0), 0);
      return JSON.stringify(seen) === JSON.stringify(truth) && sum === balance ? true : undefined;
    }, within.left(), `my page of ${shopper.userId}`);
  }
}

describe("after the booking", () => {
  it("ranking, notice, my page and the external data platform all reflect a booking", async () => {
    const waits = budget(80_000); // inside jest's 90 s
    // Booking opened a minute ago: selling both seats makes a sold-out ranking entry of ~60 s.
    const token = await adminToken();
    const concert = (await api("POST", "/api/admin/concerts", { token, body: { title: "Sell-out Show", venue: "Hall" } })).body;
    const opened = new Date(Date.now() - 60_000).toISOString();
    const schedule = (
      await api("POST", `/api/admin/concerts/${concert.id}/schedules`, {
        token,
        body: { startsAt: "2031-05-01T19:00:00Z", bookingOpensAt: opened, sections: [{ name: "Z", rows: 1, seatsPerRow: 2, price: 12_000 }] },
      })
    ).body;
    const shopper = await admittedShopper(concert.id);
    await seatMap(concert.id, schedule.id, shopper);
    await charge(shopper, 30_000);
    const held = await reserve(shopper, schedule.id, ["Z-1-1", "Z-1-2"]);
    const id = held.body.reservationId;
    expect((await pay(shopper, id)).status).toBe(200);

    const soldOut = await eventually(async () => {
      const items = (await api("GET", "/api/rankings/sold-out?limit=100")).body.items as Array<Record<string, any>>;
      return items.find((i) => i.scheduleId === schedule.id);
    }, waits.left(), "sold-out ranking");
    expect(soldOut).toMatchObject({ concertId: concert.id, concertTitle: "Sell-out Show" });
    expect(soldOut.secondsToSellOut).toBeGreaterThanOrEqual(59);
    // The catalog learns it too (ScheduleSoldOut is consumed by concert as well).
    await eventually(async () => ((await api("GET", `/api/schedules/${schedule.id}`)).body.soldOut ? true : undefined), waits.left(), "catalog sold out");

    const popular = await eventually(async () => {
      const items = (await api("GET", "/api/rankings/popular?limit=100")).body.items as Array<Record<string, any>>;
      return items.find((i) => i.concertId === concert.id);
    }, waits.left(), "popularity");
    expect(popular).toMatchObject({ completed: 1, seatsSold: 2, concertTitle: "Sell-out Show" });

    const notice = await eventually(async () => {
      const items = (await api("GET", "/api/me/notifications", { token: shopper.token })).body.items as Array<Record<string, any>>;
      return items.find((n) => n.reservationId === id);
    }, waits.left(), "notice");
    expect(notice).toMatchObject({ kind: "confirmed", title: "Booking confirmed" });

    const mine = await eventually(async () => {
      const items = (await api("GET", "/api/me/reservations", { token: shopper.token })).body.items as Array<Record<string, any>>;
      const r = items.find((x) => x.reservationId === id);
      return r?.status === "CONFIRMED" && r.timeline.length >= 3 ? r : undefined;
    }, waits.left(), "my page");
    expect(mine.timeline.map((t: { step: string }) => t.step)).toEqual(expect.arrayContaining(["PENDING_PAYMENT", "SEATS_HELD", "CONFIRMED"]));
    expect(mine).toMatchObject({ amount: 24_000, seatNumbers: ["Z-1-1", "Z-1-2"] });

    await eventually(async () => ((await received()).has(`${id}:completed`) ? true : undefined), waits.left(), "delivery to the data platform");
    await expectMyPageMatches([{ shopper, reservations: [id] }]);
  });

  it("with the data platform down for 50 bookings, all 50 arrive exactly once after it recovers, and booking went on", async () => {
    const waits = budget(170_000); // inside this test's 180 s
    const { concert, schedule } = await readyToBook(0, 50, 1_000);
    const duplicatesBefore = (await platform("/admin/received")).duplicates as number;
    await setPlatform({ outage: true });
    const booked: Array<{ shopper: Shopper; reservations: string[] }> = [];
    const seatOf = new Map<string, string>();
    try {
      const seats = Array.from({ length: 50 }, (_, i) => `S-1-${i + 1}`);
      for (let i = 0; i < seats.length; i += 10) {
        await Promise.all(
          seats.slice(i, i + 10).map(async (seat) => {
            const shopper = await admittedShopper(concert.id);
            await charge(shopper, 1_000);
            const held = await reserve(shopper, schedule.id, [seat]);
            expect(held.status).toBe(201);
            await payToConfirmed(shopper, held.body.reservationId);
            booked.push({ shopper, reservations: [held.body.reservationId] });
            seatOf.set(held.body.reservationId, seat);
          }),
        );
      }
      // The deliveries are waiting, behind the open breaker; none has arrived.
      await eventually(async () => {
        const h = (await (await fetch(`http://127.0.0.1:${serviceSpec("dataplatform").appPort}/healthz`)).json()) as any;
        return h.breakers.find((b: any) => b.name === "dataplatform")?.state === "open" ? true : undefined;
      }, Math.min(30_000, waits.left()), "data platform breaker open");
      const during = await received();
      expect(booked.filter((b) => during.has(`${b.reservations[0]}:completed`))).toEqual([]);
    } finally {
      await setPlatform({ outage: false });
    }
    const keys = booked.map((b) => `${b.reservations[0]}:completed`);
    await eventually(async () => {
      const now = await received();
      return keys.every((k) => now.has(k)) ? true : undefined;
    }, waits.left(), "all 50 deliveries after recovery");
    // Exactly once: no key was sent again after the platform had it, and each record is the booking's.
    const after = await platform("/admin/received");
    expect(after.duplicates - duplicatesBefore).toBe(0);
    const records = (after.records as Array<{ key: string; reservationId: string; userId: string; amount: number; seatNumbers: string[] }>).filter((r) => keys.includes(r.key));
    expect(records).toHaveLength(50);
    for (const b of booked) {
      const id = b.reservations[0]!;
      expect(records.find((r) => r.reservationId === id)).toMatchObject({
        key: `${id}:completed`,
        kind: "completed",
        userId: b.shopper.userId,
        amount: 1_000,
        seatNumbers: [seatOf.get(id)],
        scheduleId: schedule.id,
      });
    }
    await expectMyPageMatches(booked, waits);
  }, 180_000);

  it("a poison message lands on the dead-letter topic with its reason, and later messages still flow", async () => {
    const letters: Array<ReceivedEvent<{ consumer: string; eventId: string; reason: string }>> = [];
    const probe = await startProbe("dlq-probe", 1, new Subscriptions("pubsub").on(DeadLetter, async (e) => void letters.push(e as never)));
    try {
      // Published by the topic's owner (a bug there): no other app may publish it.
      const dapr = sidecarOf("reservation");
      const poisonId = randomUUID();
      // A ReservationCompleted that breaks its contract (no user, a negative amount).
      const res = await dapr.pubsub.publish("pubsub", ReservationCompleted.topic, { reservationId: "nope", amount: -1 }, {
        metadata: { "cloudevent.id": poisonId, "cloudevent.type": ReservationCompleted.type },
      });
      expect(res.error).toBeUndefined();
      const parked = await eventually(async () => {
        const mine = letters.filter((l) => l.data.eventId === poisonId);
        return mine.length >= 4 ? mine : undefined;
      }, 60_000, "dead letters");
      expect(parked.map((l) => l.data.consumer).sort()).toEqual(expect.arrayContaining(["dataplatform", "mypage", "notification", "ranking"]));
      expect(parked[0]!.data.reason).toMatch(/breaks the ReservationCompleted contract/);

      // The partitions are not blocked: a booking made after it reaches my page.
      const { schedule, shopper } = await readyToBook(10_000, 2);
      const held = await reserve(shopper, schedule.id, ["S-1-1"]);
      expect((await pay(shopper, held.body.reservationId)).status).toBe(200);
      await expectMyPageMatches([{ shopper, reservations: [held.body.reservationId] }]);
    } finally {
      await probe.stop();
    }
  });

  it("my page is rebuilt from the topic history", async () => {
    const { schedule, shopper } = await readyToBook(10_000, 2);
    const held = await reserve(shopper, schedule.id, ["S-1-2"]);
    expect((await pay(shopper, held.body.reservationId)).status).toBe(200);
    await expectMyPageMatches([{ shopper, reservations: [held.body.reservationId] }]);
    await promisify(execFile)("bash", ["scripts/rebuild-read-model.sh", "mypage"], { timeout: 120_000 });
    await expectMyPageMatches([{ shopper, reservations: [held.body.reservationId] }]);
  });
});
