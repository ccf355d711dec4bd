import { allocate, seatOrder, type WaitingEntry } from "../../src/domain/allocation";

const entry = (id: string, seatCount: number, section: string | null = null): WaitingEntry => ({ id, userId: `u-${id}`, seatCount, section });

describe("allocate", () => {
  it("serves the line in order, one offer per entry, the rest left over", () => {
    const { offers, leftOver } = allocate([entry("a", 1), entry("b", 1)], ["R-1-2", "R-1-1", "R-1-3"]);
    expect(offers.map((o) => [o.entry.id, o.seatNumbers])).toEqual([
      ["a", ["R-1-1"]],
      ["b", ["R-1-2"]],
    ]);
    expect(leftOver).toEqual(["R-1-3"]);
  });

  it("skips an entry asking for more than is free; it keeps its place for a later release", () => {
    const { offers } = allocate([entry("two", 2), entry("one", 1)], ["R-1-1"]);
    expect(offers.map((o) => o.entry.id)).toEqual(["one"]);
    expect(allocate([entry("two", 2), entry("one", 1)], ["R-1-1", "R-1-2"]).offers.map((o) => o.entry.id)).toEqual(["two"]);
  });

  it("gives an entry that names a section only that section's seats", () => {
    const { offers, leftOver } = allocate([entry("vip", 1, "VIP"), entry("any", 1)], ["R-1-1", "VIP-2-3"]);
    expect(offers.map((o) => [o.entry.id, o.seatNumbers])).toEqual([
      ["vip", ["VIP-2-3"]],
      ["any", ["R-1-1"]],
    ]);
    expect(leftOver).toEqual([]);
  });
});

describe("seatOrder", () => {
  it("orders by section, then row and seat as numbers", () => {
    expect(["VIP-1-10", "R-2-1", "VIP-1-9", "R-10-1"].sort(seatOrder)).toEqual(["R-2-1", "R-10-1", "VIP-1-9", "VIP-1-10"]);
  });
});
