import { bookingOpen, decideHold, type SeatRow } from "../../src/domain/holds";
import { countSeats } from "../../src/domain/seat";

const row = (seatNumber: string, status: SeatRow["status"] = "AVAILABLE", reservationId: string | null = null, userId: string | null = null): SeatRow => ({
  seatNumber,
  status,
  reservationId,
  userId,
  price: 100,
});

describe("decideHold", () => {
  it("holds when every requested seat is available, pricing the sum", () => {
    expect(decideHold(["A-1-1", "A-1-2"], [row("A-1-1"), row("A-1-2")], "r1")).toEqual({ kind: "hold", amount: 200 });
  });

  it("takes none when any seat is taken or missing, naming exactly those", () => {
    const rows = [row("A-1-1"), row("A-1-2", "HELD", "r2"), row("A-1-3", "RESERVED", "r3")];
    expect(decideHold(["A-1-1", "A-1-2", "A-1-3", "A-9-9"], rows, "r1")).toEqual({
      kind: "unavailable",
      seatNumbers: ["A-1-2", "A-1-3", "A-9-9"],
    });
  });

  it("treats a repeated hold by the same reservation as already done", () => {
    const rows = [row("A-1-1", "HELD", "r1"), row("A-1-2", "HELD", "r1")];
    expect(decideHold(["A-1-2", "A-1-1"], rows, "r1")).toEqual({ kind: "already-held", amount: 200 });
  });

  it("never lets a reservation take over seats it reserved and another holds", () => {
    expect(decideHold(["A-1-1"], [row("A-1-1", "RESERVED", "r1")], "r1").kind).toBe("unavailable");
  });
});

describe("decideHold, a transfer from the waiting list's hold", () => {
  it("takes seats of the source hold, whether nobody (routing) or this fan (offer) holds them", () => {
    const rows = [row("A-1-1", "HELD", "routing"), row("A-1-2", "HELD", "offer", "u1")];
    expect(decideHold(["A-1-1"], rows, "o1", { fromHold: "routing", userId: "u1" })).toEqual({ kind: "hold", amount: 100 });
    expect(decideHold(["A-1-2"], rows, "r1", { fromHold: "offer", userId: "u1" })).toEqual({ kind: "hold", amount: 100 });
  });

  it("never takes another fan's offer, nor seats the source does not hold, even on sale", () => {
    const rows = [row("A-1-1", "HELD", "offer", "u1"), row("A-1-2", "HELD", "r2", "u2"), row("A-1-3")];
    const source = { fromHold: "offer", userId: "u2" };
    expect(decideHold(["A-1-1"], rows, "r9", source)).toEqual({ kind: "unavailable", seatNumbers: ["A-1-1"] });
    expect(decideHold(["A-1-2"], rows, "r9", source)).toEqual({ kind: "unavailable", seatNumbers: ["A-1-2"] });
    expect(decideHold(["A-1-3"], rows, "r9", source)).toEqual({ kind: "unavailable", seatNumbers: ["A-1-3"] });
  });
});

describe("countSeats", () => {
  it("adds per-status counts into an inventory that sums to the total", () => {
    const c = countSeats([
      { status: "AVAILABLE", count: 5 },
      { status: "HELD", count: 2 },
      { status: "RESERVED", count: 3 },
    ]);
    expect(c).toEqual({ total: 10, available: 5, held: 2, reserved: 3 });
  });
});

describe("bookingOpen", () => {
  it("opens at the booking-open instant, not a millisecond before", () => {
    const opens = new Date("2026-01-10T11:00:00Z");
    expect(bookingOpen(opens, new Date("2026-01-10T10:59:59.999Z"))).toBe(false);
    expect(bookingOpen(opens, opens)).toBe(true);
  });
});
