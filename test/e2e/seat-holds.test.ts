import { randomUUID } from "node:crypto";
import { closePools, createConcertWithSchedule, eventually, internal, sql } from "../support/stack";

afterAll(closePools);

/** A schedule whose seats exist (ScheduleCreated has been applied). */
async function readySchedule(sections: Array<{ name: string; rows: number; seatsPerRow: number; price: number }>, bookingOpensAt?: string) {
  const { concert, schedule } = await createConcertWithSchedule(sections, bookingOpensAt);
  await eventually(async () => ((await internal("seat", "GET", `/schedules/${schedule.id}/seats`)).status === 200 ? true : undefined));
  return { concert, schedule };
}

const hold = (scheduleId: string, seatNumbers: string[], holdSeconds = 300, reservationId: string = randomUUID()) =>
  internal("seat", "POST", "/holds", { body: { reservationId, scheduleId, seatNumbers, holdSeconds } });

const seatRows = (scheduleId: string) =>
  sql<{ seat_number: string; status: string; reservation_id: string | null }>(
    "seat",
    "SELECT seat_number, status, reservation_id FROM seats WHERE schedule_id = ?",
    [scheduleId],
  );

describe("seat holds", () => {
  it("never confirms an expired hold, even before anyone released it", async () => {
    const { schedule } = await readySchedule([{ name: "X", rows: 1, seatsPerRow: 2, price: 5_000 }]);
    const reservationId = randomUUID();
    const held = await hold(schedule.id, ["X-1-1"], 1, reservationId);
    expect(held.status).toBe(201);
    // The condition is time itself: wait until the hold's own expiry has passed.
    const expiresAt = new Date(held.body.expiresAt).getTime();
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now() + 50)));
    const confirmed = await internal("seat", "POST", `/holds/${reservationId}/confirm`);
    expect(confirmed.status).toBe(409);
    expect(confirmed.body.detail).toMatch(/expired/);
    expect((await seatRows(schedule.id)).find((r) => r.seat_number === "X-1-1")!.status).not.toBe("RESERVED");
  });

  it("200 concurrent overlapping hold attempts: every seat held by at most one reservation, all or nothing, counts add up", async () => {
    const { schedule } = await readySchedule([{ name: "A", rows: 3, seatsPerRow: 10, price: 10_000 }]);
    const seats = Array.from({ length: 30 }, (_, i) => `A-${Math.floor(i / 10) + 1}-${(i % 10) + 1}`);
    // Deterministic pseudo-random picks of 1-4 seats among the first 12: heavy overlap.
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const attempts = Array.from({ length: 200 }, () => {
      const want = new Set<string>();
      const n = 1 + Math.floor(rand() * 4);
      while (want.size < n) want.add(seats[Math.floor(rand() * 12)]!);
      return { reservationId: randomUUID(), seatNumbers: [...want] };
    });

    const replies = await Promise.all(attempts.map((a) => hold(schedule.id, a.seatNumbers, 300, a.reservationId)));
    const statuses = replies.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);

    const won = attempts.filter((_, i) => replies[i]!.status === 201);
    const lost = attempts.filter((_, i) => replies[i]!.status === 409);
    expect(won.length).toBeGreaterThan(0);
    expect(lost.length).toBeGreaterThan(0);

    // The winners' seats are pairwise disjoint.
    const claimed = won.flatMap((w) => w.seatNumbers);
    expect(new Set(claimed).size).toBe(claimed.length);

    // The database agrees: each winner holds exactly its seats, losers hold nothing.
    const rows = await seatRows(schedule.id);
    const holderOf = new Map(rows.map((r) => [r.seat_number, r.reservation_id]));
    for (const w of won) for (const s of w.seatNumbers) expect(holderOf.get(s)).toBe(w.reservationId);
    const losers = new Set<string>(lost.map((l) => l.reservationId));
    expect(rows.filter((r) => r.reservation_id && losers.has(r.reservation_id))).toEqual([]);

    // available + held + reserved = all seats
    const map = (await internal("seat", "GET", `/schedules/${schedule.id}/seats`)).body;
    expect(map.total).toBe(30);
    expect(map.held).toBe(claimed.length);
    expect(map.available + map.held + map.reserved).toBe(map.total);
    // Every 409 names the seats that were taken.
    for (const r of replies.filter((x) => x.status === 409)) expect(r.body.unavailableSeats.length).toBeGreaterThan(0);
  });

  it("a hold on a mix of free and taken seats takes none", async () => {
    const { schedule } = await readySchedule([{ name: "B", rows: 1, seatsPerRow: 4, price: 5_000 }]);
    expect((await hold(schedule.id, ["B-1-1"])).status).toBe(201);
    const mixed = await hold(schedule.id, ["B-1-2", "B-1-1", "B-1-3"]);
    expect(mixed.status).toBe(409);
    expect(mixed.headers.get("content-type")).toMatch(/problem\+json/);
    expect(mixed.body.unavailableSeats).toEqual(["B-1-1"]);
    const rows = await seatRows(schedule.id);
    expect(rows.filter((r) => r.status !== "AVAILABLE").map((r) => r.seat_number)).toEqual(["B-1-1"]);
  });

  it("refuses seats that do not exist, and an unknown schedule", async () => {
    const { schedule } = await readySchedule([{ name: "C", rows: 1, seatsPerRow: 2, price: 1 }]);
    const ghost = await hold(schedule.id, ["C-1-1", "C-9-9"]);
    expect(ghost.status).toBe(409);
    expect(ghost.body.unavailableSeats).toEqual(["C-9-9"]);
    expect((await hold(randomUUID(), ["C-1-1"])).status).toBe(404);
  });

  it("repeating a hold is harmless; confirm only for the holder; release is idempotent; the last seat sells the schedule out", async () => {
    const { schedule } = await readySchedule([{ name: "D", rows: 1, seatsPerRow: 2, price: 7_000 }]);
    const reservationId = randomUUID();
    const first = await hold(schedule.id, ["D-1-1", "D-1-2"], 300, reservationId);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ reservationId, amount: 14_000, status: "HELD" });
    const again = await hold(schedule.id, ["D-1-2", "D-1-1"], 300, reservationId);
    expect(again.status).toBe(200);
    expect(again.body.seatNumbers).toEqual(["D-1-1", "D-1-2"]);

    expect((await internal("seat", "POST", `/holds/${randomUUID()}/confirm`)).status).toBe(409);
    const confirmed = await internal("seat", "POST", `/holds/${reservationId}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe("RESERVED");
    expect((await internal("seat", "POST", `/holds/${reservationId}/confirm`)).body.status).toBe("RESERVED");

    const map = (await internal("seat", "GET", `/schedules/${schedule.id}/seats`)).body;
    expect(map).toMatchObject({ soldOut: true, reserved: 2, available: 0 });
    const soldOut = await eventually(async () => {
      const rows = await sql<{ published_at: Date | null }>("seat", "SELECT published_at FROM outbox WHERE type = 'ScheduleSoldOut' AND JSON_VALUE(payload, '$.scheduleId') = ?", [schedule.id]);
      return rows.length === 1 && rows[0]!.published_at ? rows : undefined;
    }, 30_000, "ScheduleSoldOut published");
    expect(soldOut).toHaveLength(1);

    const released = await internal("seat", "POST", `/holds/${reservationId}/release`, { body: { reason: "cancelled" } });
    expect(released.body.released).toEqual(["D-1-1", "D-1-2"]);
    const twice = await internal("seat", "POST", `/holds/${reservationId}/release`, { body: { reason: "cancelled" } });
    expect(twice.status).toBe(200);
    expect(twice.body.released).toEqual([]);
    expect((await seatRows(schedule.id)).every((r) => r.status === "AVAILABLE" && r.reservation_id === null)).toBe(true);
    // Back on sale: the seat map no longer says sold out.
    expect((await internal("seat", "GET", `/schedules/${schedule.id}/seats`)).body.soldOut).toBe(false);
  });

  it("the sweeper releases a hold that outlived its expiry", async () => {
    const { schedule } = await readySchedule([{ name: "E", rows: 1, seatsPerRow: 3, price: 1_000 }]);
    const reservationId = randomUUID();
    expect((await hold(schedule.id, ["E-1-1", "E-1-2"], 1, reservationId)).status).toBe(201);
    await eventually(async () => {
      const rows = await seatRows(schedule.id);
      return rows.every((r) => r.status === "AVAILABLE") ? true : undefined;
    }, 30_000, "expired hold swept");
    const events = await sql<{ reason: string }>(
      "seat",
      "SELECT JSON_VALUE(payload, '$.reason') AS reason FROM outbox WHERE type = 'SeatsReleased' AND JSON_VALUE(payload, '$.reservationId') = ?",
      [reservationId],
    );
    expect(events).toEqual([{ reason: "expired" }]);
  });

  it("refuses holds before booking opens", async () => {
    const { schedule } = await readySchedule([{ name: "G", rows: 1, seatsPerRow: 1, price: 1 }], "2030-01-01T00:00:00Z");
    const early = await hold(schedule.id, ["G-1-1"]);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ bookingOpensAt: "2030-01-01T00:00:00.000Z" });
    expect((await seatRows(schedule.id))[0]!.status).toBe("AVAILABLE");
  });

  it("refuses bad hold requests with 400 and holds nothing", async () => {
    const { schedule } = await readySchedule([{ name: "F", rows: 1, seatsPerRow: 2, price: 1 }]);
    for (const seatNumbers of [[], ["F-1-1", "F-1-1"], ["f 1 1"], Array.from({ length: 9 }, (_, i) => `F-1-${i + 1}`)]) {
      const r = await hold(schedule.id, seatNumbers);
      expect(r.status).toBe(400);
    }
    expect((await seatRows(schedule.id)).every((r) => r.status === "AVAILABLE")).toBe(true);
  });
});
