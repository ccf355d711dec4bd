import { randomUUID } from "node:crypto";
import { DaprIdempotencyStore } from "@concert/platform";
import { eventually, sidecarOf } from "../support/stack";

/** The reservation service's idempotency records in the real Dapr state store (MySQL), through its sidecar. */
describe("idempotency records in the Dapr state store", () => {
  const dapr = sidecarOf("reservation");

  it("claims a key once; a second claim sees the running request, then its answer", async () => {
    const store = new DaprIdempotencyStore(dapr, "statestore");
    const key = randomUUID();
    await expect(store.claim(key, "h1")).resolves.toBeUndefined();
    await expect(store.claim(key, "h1")).resolves.toMatchObject({ requestHash: "h1" });
    expect((await store.claim(key, "h1"))?.status).toBeUndefined();
    await store.complete(key, { status: 201, contentType: "application/json", body: { ok: true } });
    await expect(store.claim(key, "h1")).resolves.toMatchObject({ requestHash: "h1", status: 201, body: { ok: true } });
  });

  it("lets a retry take over a claim whose request crashed, once", async () => {
    const store = new DaprIdempotencyStore(dapr, "statestore", 3_600, 1);
    const key = randomUUID();
    await store.claim(key, "h1");
    // Two retries after the claim went stale: exactly one takes it over.
    const [a, b] = await eventually(async () => {
      const both = await Promise.all([store.claim(key, "h1"), store.claim(key, "h1")]);
      return both.some((r) => r === undefined) ? both : undefined;
    }, 10_000, "a stale claim taken over");
    expect([a, b].filter((r) => r === undefined)).toHaveLength(1);
  });

  it("claims again a key whose record outlived its TTL (invisible, but still in the table)", async () => {
    const store = new DaprIdempotencyStore(dapr, "statestore", 1);
    const key = randomUUID();
    await store.claim(key, "h1");
    await eventually(async () => ((await dapr.state.get("statestore", `idempotency-${key}`)) ? undefined : true), 10_000, "the record's TTL to pass");
    await expect(store.claim(key, "h1")).resolves.toBeUndefined();
    await expect(store.claim(key, "h1")).resolves.toMatchObject({ requestHash: "h1" });
  });
});
