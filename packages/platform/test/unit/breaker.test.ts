import { breakerMetrics, breakerSnapshots, createBreaker, shutdownBreakers } from "../../src/breaker";

afterEach(() => shutdownBreakers());

const waitUntil = async (cond: () => boolean, timeoutMs = 2_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("createBreaker", () => {
  it("opens after failures, fails fast while open, and closes after a good half-open probe", async () => {
    let healthy = false;
    let calls = 0;
    const breaker = createBreaker(
      "wallet",
      async () => {
        calls++;
        if (!healthy) throw new Error("down");
        return "ok";
      },
      { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeout: 100 },
    );
    await expect(breaker.fire()).rejects.toThrow("down");
    await expect(breaker.fire()).rejects.toThrow("down");
    expect(breakerSnapshots()[0]).toMatchObject({ name: "wallet", state: "open", failures: 2 });

    const before = calls;
    await expect(breaker.fire()).rejects.toMatchObject({ code: "EOPENBREAKER" });
    expect(calls).toBe(before); // fail fast: the action was not called

    healthy = true;
    await waitUntil(() => breakerSnapshots()[0]!.state === "half-open");
    await expect(breaker.fire()).resolves.toBe("ok");
    expect(breakerSnapshots()[0]!.state).toBe("closed");
  });

  it("answers with the fallback when the call fails", async () => {
    const breaker = createBreaker("platform", async () => Promise.reject(new Error("slow")), {}, () => "cached");
    await expect(breaker.fire()).resolves.toBe("cached");
    expect(breakerSnapshots()[0]).toMatchObject({ fallbacks: 1 });
  });

  it("times out slow calls", async () => {
    const breaker = createBreaker("slow", () => new Promise<string>((r) => setTimeout(r, 500, "late")), { timeout: 20 });
    await expect(breaker.fire()).rejects.toMatchObject({ code: "ETIMEDOUT" });
  });

  it("does not count errors that isFailure excludes", async () => {
    const breaker = createBreaker("filtered", async () => Promise.reject(new Error("400 bad input")), {
      volumeThreshold: 1,
      isFailure: (err) => !(err as Error).message.startsWith("400"),
    });
    await expect(breaker.fire()).rejects.toThrow("400");
    await expect(breaker.fire()).rejects.toThrow("400");
    expect(breakerSnapshots()[0]!.state).toBe("closed");
  });

  it("refuses two breakers of one name and exports metrics per breaker", async () => {
    createBreaker("a", async () => 1);
    expect(() => createBreaker("a", async () => 2)).toThrow(/already exists/);
    expect(breakerMetrics()).toContain('circuit_breaker_open{breaker="a"} 0');
  });
});
