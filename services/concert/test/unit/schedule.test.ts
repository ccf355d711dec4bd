import { planSchedule } from "../../src/domain/schedule";

const now = new Date("2026-06-01T00:00:00Z");
const sections = [{ name: "A", rows: 2, seatsPerRow: 10, price: 50_000 }];

describe("planSchedule", () => {
  it("plans a future schedule whose booking opens before it starts", () => {
    expect(planSchedule({ startsAt: "2026-09-01T19:00:00+09:00", bookingOpensAt: "2026-07-01T20:00:00+09:00", sections, maxSeatsPerFan: 4 }, now)).toEqual({
      startsAt: new Date("2026-09-01T10:00:00Z"),
      bookingOpensAt: new Date("2026-07-01T11:00:00Z"),
      totalSeats: 20,
      maxSeatsPerFan: 4,
    });
  });

  it("names each broken rule", () => {
    expect(planSchedule({ startsAt: "2026-05-01T19:00:00Z", bookingOpensAt: "2026-05-02T19:00:00Z", sections, maxSeatsPerFan: 8 }, now)).toEqual([
      { field: "startsAt", message: "must be in the future" },
      { field: "bookingOpensAt", message: "must be before startsAt" },
    ]);
  });
});
