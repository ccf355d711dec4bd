import { cancellationCutoff, newReservation, pastCancellationCutoff, type Reservation } from "../../src/domain/reservation";

const booked = (cancellableUntil?: string): Reservation =>
  newReservation(
    {
      id: "11111111-1111-4111-8111-111111111111",
      userId: "22222222-2222-4222-8222-222222222222",
      scheduleId: "33333333-3333-4333-8333-333333333333",
      concertId: "44444444-4444-4444-8444-444444444444",
      seatNumbers: ["A-1-1"],
      amount: 10_000,
      holdExpiresAt: "2031-05-01T09:05:00.000Z",
      ...(cancellableUntil ? { cancellableUntil } : {}),
    },
    new Date("2031-05-01T09:00:00.000Z"),
  );

describe("the cancellation cutoff", () => {
  it("is the given minutes before the show, and unknown without a start time", () => {
    expect(cancellationCutoff("2031-05-01T19:00:00+09:00", 1_440)).toBe("2031-04-30T10:00:00.000Z");
    expect(cancellationCutoff("2031-05-01T19:00:00+09:00", 0)).toBe("2031-05-01T10:00:00.000Z");
    expect(cancellationCutoff(null, 1_440)).toBeUndefined();
  });

  it("closes cancellation of a confirmed reservation once passed, never of a pending one", () => {
    const until = "2031-04-30T10:00:00.000Z";
    const confirmed = { ...booked(until), status: "CONFIRMED" as const };
    expect(pastCancellationCutoff(confirmed, new Date("2031-04-30T09:59:59.999Z"))).toBe(false);
    expect(pastCancellationCutoff(confirmed, new Date("2031-04-30T10:00:00.001Z"))).toBe(true);
    expect(pastCancellationCutoff(booked(until), new Date("2031-05-01T00:00:00.000Z"))).toBe(false);
    expect(pastCancellationCutoff({ ...booked(), status: "CONFIRMED" }, new Date("2040-01-01T00:00:00.000Z"))).toBe(false);
  });
});
