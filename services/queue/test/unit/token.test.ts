import { effectiveStatus, etaSeconds, type TokenRecord, viewOf } from "../../src/domain/token";

const base: TokenRecord = { token: "t", userId: "u", concertId: "c", status: "WAITING", issuedAt: 0 };

describe("queue token rules", () => {
  it("an ACTIVE token past its expiry is EXPIRED before any sweep", () => {
    expect(effectiveStatus({ ...base, status: "ACTIVE", expiresAt: 1_000 }, 999)).toBe("ACTIVE");
    expect(effectiveStatus({ ...base, status: "ACTIVE", expiresAt: 1_000 }, 1_000)).toBe("EXPIRED");
    expect(effectiveStatus(base, 5_000)).toBe("WAITING");
  });

  it("estimates the wait from the place in line and the admission rate", () => {
    expect(etaSeconds(1, 50)).toBe(1);
    expect(etaSeconds(500, 50)).toBe(10);
    expect(etaSeconds(501, 50)).toBe(11);
    // A full window: not before the admitted fan who must leave first is gone.
    expect(etaSeconds(3, 50, { free: 0, freedAt: 240_000 }, 0)).toBe(240);
    // Room for everyone ahead: the rate alone.
    expect(etaSeconds(3, 50, { free: 5, freedAt: null }, 0)).toBe(1);
    // The leaving fan's time is nearly up: the rate still bounds it.
    expect(etaSeconds(500, 50, { free: 0, freedAt: 2_000 }, 0)).toBe(10);
  });

  it("shows position and ETA only while waiting, and the deadline only while active", () => {
    expect(viewOf(base, 0, 3, 1)).toMatchObject({ status: "WAITING", position: 3, etaSeconds: 3, activeUntil: null });
    const active = viewOf({ ...base, status: "ACTIVE", expiresAt: 60_000 }, 0, null, 1);
    expect(active).toMatchObject({ status: "ACTIVE", position: null, etaSeconds: null, activeUntil: "1970-01-01T00:01:00.000Z" });
  });
});
