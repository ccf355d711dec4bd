import { api, closePools, createConcertWithSchedule, seatMap } from "../support/stack";

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
