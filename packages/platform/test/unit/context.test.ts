import { contextFromTraceparent, currentContext, runWithContext } from "../../src/context";

describe("trace context", () => {
  it("continues a valid W3C traceparent", () => {
    const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    expect(contextFromTraceparent(tp)).toEqual({ traceparent: tp, traceId: "4bf92f3577b34da6a3ce929d0e0e4736" });
  });

  it.each([undefined, "", "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"])(
    "starts a new sampled trace for %p",
    (header) => {
      const ctx = contextFromTraceparent(header);
      expect(ctx.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(ctx.traceparent).toContain(ctx.traceId);
    },
  );

  it("is visible across awaits inside runWithContext only", async () => {
    const ctx = contextFromTraceparent(undefined);
    await runWithContext(ctx, async () => {
      await new Promise((r) => setTimeout(r, 1));
      expect(currentContext()).toBe(ctx);
    });
    expect(currentContext()).toBeUndefined();
  });
});
