import { allEvents, RESERVATION_TOPIC, createScheduleRequest, expandSeatLayout, MAX_SEATS_PER_SCHEDULE, totalSeats } from "../../src";

describe("seat layout", () => {
  const sections = [
    { name: "VIP", rows: 2, seatsPerRow: 3, price: 150_000 },
    { name: "R", rows: 1, seatsPerRow: 2, price: 90_000 },
  ];

  it("expands into uniquely numbered seats with their section price", () => {
    const seats = expandSeatLayout(sections);
    expect(seats).toHaveLength(totalSeats(sections));
    expect(new Set(seats.map((s) => s.seatNumber)).size).toBe(8);
    expect(seats[0]).toEqual({ seatNumber: "VIP-1-1", section: "VIP", row: 1, number: 1, price: 150_000 });
    expect(seats.at(-1)).toEqual({ seatNumber: "R-1-2", section: "R", row: 1, number: 2, price: 90_000 });
  });

  const request = (s: unknown) => ({ startsAt: "2030-01-01T19:00:00Z", bookingOpensAt: "2029-12-01T10:00:00Z", sections: s });

  it("refuses duplicate section names and more seats than a schedule may have", () => {
    expect(createScheduleRequest.safeParse(request([sections[0], sections[0]])).success).toBe(false);
    const huge = [{ name: "A", rows: 100, seatsPerRow: 101, price: 1 }];
    expect(totalSeats(huge)).toBeGreaterThan(MAX_SEATS_PER_SCHEDULE);
    expect(createScheduleRequest.safeParse(request(huge)).success).toBe(false);
    expect(createScheduleRequest.safeParse(request(sections)).success).toBe(true);
  });

  it("refuses unknown fields, bad names and non-integer prices", () => {
    expect(createScheduleRequest.safeParse({ ...request(sections), extra: 1 }).success).toBe(false);
    expect(createScheduleRequest.safeParse(request([{ ...sections[0], name: "vip" }])).success).toBe(false);
    expect(createScheduleRequest.safeParse(request([{ ...sections[0], price: 1.5 }])).success).toBe(false);
  });

  it("gives every event its own type, and its own topic but for the reservation outbox topic", () => {
    expect(new Set(allEvents.map((e) => e.type)).size).toBe(allEvents.length);
    const topics = allEvents.filter((e) => e.topic !== RESERVATION_TOPIC).map((e) => e.topic);
    expect(new Set(topics).size).toBe(topics.length);
  });
});
