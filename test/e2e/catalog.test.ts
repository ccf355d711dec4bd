import { adminToken, api, closePools, createConcertWithSchedule, eventually, seatMap } from "../support/stack";

afterAll(closePools);

describe("catalog and seat map through the gateway", () => {
  it("creates a concert and schedule, and the seat service builds the seat map from ScheduleCreated over Kafka", async () => {
    const { concert, schedule, scheduleReply } = await createConcertWithSchedule();
    expect(schedule).toMatchObject({ concertId: concert.id, totalSeats: 40, soldOut: false });
    expect(scheduleReply.headers.get("location")).toBe(`/api/schedules/${schedule.id}`);

    // The event crosses concert's outbox -> daprd -> Kafka -> seat's daprd -> seat.
    const map = await seatMap(concert.id, schedule.id);
    expect(map).toMatchObject({ scheduleId: schedule.id, total: 40, available: 40, held: 0, reserved: 0 });
    expect(map.seats).toHaveLength(40);
    expect(map.seats).toContainEqual({ seatNumber: "VIP-2-5", section: "VIP", row: 2, number: 5, price: 150_000, status: "AVAILABLE" });

    const schedules = await api("GET", `/api/concerts/${concert.id}/schedules`);
    expect(schedules.status).toBe(200);
    expect(schedules.body.items).toEqual([expect.objectContaining({ id: schedule.id, totalSeats: 40, remainingSeats: 40 })]);

    const one = await api("GET", `/api/concerts/${concert.id}`);
    expect(one.body).toMatchObject({ id: concert.id, venue: "Olympic Hall" });
    const list = await api("GET", "/api/concerts?limit=100");
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(concert.id);
    expect(list.body.items[0].schedules).toBeUndefined();
  });

  it("lists a catalog page with every concert's schedules and seats left in one request (include=schedules)", async () => {
    const { concert, schedule } = await createConcertWithSchedule();
    const second = await api("POST", `/api/admin/concerts/${concert.id}/schedules`, {
      token: await adminToken(),
      body: { startsAt: "2031-06-01T19:00:00+09:00", bookingOpensAt: new Date().toISOString(), sections: [{ name: "A", rows: 1, seatsPerRow: 3, price: 10_000 }] },
    });
    expect(second.status).toBe(201);
    await seatMap(concert.id, schedule.id);
    const listed = await eventually(async () => {
      const page = await api("GET", "/api/concerts?limit=100&include=schedules");
      const mine = (page.body.items as Array<{ id: string; schedules: Array<{ id: string; remainingSeats: number | null }> }>).find((c) => c.id === concert.id);
      return mine?.schedules.every((s) => s.remainingSeats !== null) ? mine : undefined;
    }, 30_000, "both schedules with their seats left");
    expect(listed.schedules.map((s) => [s.id, s.remainingSeats])).toEqual([
      [schedule.id, 40],
      [second.body.id, 3],
    ]);
    const bad = await api("GET", "/api/concerts?include=everything");
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
  });

  it("answers 404 problem+json for an unknown concert or schedule", async () => {
    for (const path of [
      "/api/concerts/6f1c1f8e-0000-4000-8000-000000000000",
      "/api/concerts/6f1c1f8e-0000-4000-8000-000000000000/schedules",
    ]) {
      const r = await api("GET", path);
      expect(r.status).toBe(404);
      expect(r.headers.get("content-type")).toMatch(/application\/problem\+json/);
      expect(r.body).toMatchObject({ type: "/problems/not-found", status: 404 });
    }
  });

  it("serves an OpenAPI document of the public routes", async () => {
    const r = await api("GET", "/api/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(["/api/concerts", "/api/admin/concerts/{id}/schedules"]));
    const schema = r.body.paths["/api/admin/concerts/{id}/schedules"].post.requestBody.content["application/json"].schema;
    expect(schema.required).toEqual(expect.arrayContaining(["startsAt", "bookingOpensAt", "sections"]));
  });
});
