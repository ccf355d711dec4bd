import { defineEvent } from "@concert/contracts";
import pino from "pino";
import { z } from "zod";
import { DELIVERY, PoisonMessage, type ReceivedEvent, Subscriptions } from "../../src/subscriptions";

const Thing = defineEvent("ThingHappened", "thing-happened", z.object({ n: z.number().int() }));
const Other = defineEvent("OtherHappened", "other-happened", z.object({ s: z.string() }));
const log = pino({ level: "silent" });
const envelope = (data: unknown, id = "e-1") => ({ id, type: "ThingHappened", source: "test", specversion: "1.0", data });

describe("Subscriptions", () => {
  it("lists one programmatic subscription per topic, with routes and dead-letter topics", () => {
    const subs = new Subscriptions("pubsub")
      .on(Thing, async () => undefined)
      .on(Other, async () => undefined, { deadLetterTopic: "dead-letters" });
    expect(subs.list()).toEqual([
      { pubsubname: "pubsub", topic: "thing-happened", route: "/events/thing-happened" },
      { pubsubname: "pubsub", topic: "other-happened", route: "/events/other-happened", deadLetterTopic: "dead-letters" },
    ]);
  });

  it("refuses the same event twice", () => {
    const subs = new Subscriptions("pubsub").on(Thing, async () => undefined);
    expect(() => subs.on(Thing, async () => undefined)).toThrow(/twice/);
  });

  it("dispatches a shared topic on the CloudEvent type and acknowledges types it does not consume", async () => {
    const A = defineEvent("AHappened", "shared", z.object({ a: z.number() }));
    const B = defineEvent("BHappened", "shared", z.object({ b: z.number() }));
    const seen: string[] = [];
    const subs = new Subscriptions("pubsub").on(A, async (e) => void seen.push(`A${e.data.a}`)).on(B, async (e) => void seen.push(`B${e.data.b}`));
    expect(subs.list()).toHaveLength(1);
    await expect(subs.deliver("shared", { id: "1", type: "BHappened", data: { b: 2 } }, log)).resolves.toBe(DELIVERY.success);
    await expect(subs.deliver("shared", { id: "2", type: "AHappened", data: { a: 1 } }, log)).resolves.toBe(DELIVERY.success);
    await expect(subs.deliver("shared", { id: "3", type: "CHappened", data: {} }, log)).resolves.toBe(DELIVERY.success);
    await expect(subs.deliver("shared", { id: "4", type: "AHappened", data: { b: 1 } }, log)).resolves.toBe(DELIVERY.drop);
    expect(seen).toEqual(["B2", "A1"]);
  });

  it("acknowledges heartbeats on any topic without reaching a handler, and hands them to the watchdog", async () => {
    const handled: unknown[] = [];
    const beats: string[] = [];
    const subs = new Subscriptions("pubsub").on(Thing, async (e) => void handled.push(e.data)).heartbeats("heartbeat-test", (b) => void beats.push(b.app));
    expect(subs.list().map((s) => s.topic)).toEqual(["thing-happened", "heartbeat-test"]);
    const beat = { app: "test", beatId: "4c1d6d2e-8a43-4bd5-9a9f-2b8f0e0f4a11", sentAt: new Date().toISOString() };
    // On a single-type topic too, where any other type is taken for the topic's event.
    await expect(subs.deliver("thing-happened", { id: "b1", type: "Heartbeat", data: beat }, log)).resolves.toBe(DELIVERY.success);
    await expect(subs.deliver("heartbeat-test", { id: "b2", type: "Heartbeat", data: beat }, log)).resolves.toBe(DELIVERY.success);
    expect(handled).toEqual([]);
    expect(beats).toEqual(["test", "test"]);
    expect(subs.lastDeliveryAt("heartbeat-test")).toBeGreaterThan(Date.now() - 1_000);
    expect(subs.lastDeliveryAt()).toBeGreaterThan(Date.now() - 1_000);
  });

  it("hands the handler the validated payload and answers SUCCESS", async () => {
    const seen: Array<ReceivedEvent<{ n: number }>> = [];
    const subs = new Subscriptions("pubsub").on(Thing, async (e) => void seen.push(e));
    await expect(subs.deliver("thing-happened", envelope({ n: 3 }), log)).resolves.toBe(DELIVERY.success);
    expect(seen).toEqual([{ id: "e-1", type: "ThingHappened", source: "test", data: { n: 3 } }]);
  });

  it("parks an event that breaks its contract on the dead-letter topic with the reason, without calling the handler", async () => {
    const handler = jest.fn(async () => undefined);
    const parked: Array<{ reason: string; eventId: string; consumer: string }> = [];
    const subs = new Subscriptions("pubsub", { consumer: "seat", deadLetters: async (l) => void parked.push(l) }).on(Thing, handler);
    await expect(subs.deliver("thing-happened", envelope({ n: "three" }, "bad-1"), log)).resolves.toBe(DELIVERY.success);
    expect(parked).toEqual([expect.objectContaining({ consumer: "seat", eventId: "bad-1", reason: expect.stringMatching(/ThingHappened contract: n: /) })]);
    expect(handler).not.toHaveBeenCalled();
    expect(subs.list()[0]!.deadLetterTopic).toBe("dead-letters");
    // Without a sink the sidecar is told to drop it.
    const bare = new Subscriptions("pubsub").on(Thing, handler);
    await expect(bare.deliver("thing-happened", { data: { n: 1 } }, log)).resolves.toBe(DELIVERY.drop);
  });

  it("retries a failing event, parks it after maxFailures, and parks a poison message at once", async () => {
    let mode: "fail" | "poison" = "fail";
    const parked: string[] = [];
    const subs = new Subscriptions("pubsub", { consumer: "x", maxFailures: 3, deadLetters: async (l) => void parked.push(l.reason) }).on(
      Thing,
      async () => {
        if (mode === "fail") throw new Error("database down");
        throw new PoisonMessage("can never apply");
      },
    );
    await expect(subs.deliver("thing-happened", envelope({ n: 1 }), log)).resolves.toBe(DELIVERY.retry);
    await expect(subs.deliver("thing-happened", envelope({ n: 1 }), log)).resolves.toBe(DELIVERY.retry);
    await expect(subs.deliver("thing-happened", envelope({ n: 1 }), log)).resolves.toBe(DELIVERY.success);
    expect(parked).toEqual(["failed 3 times: database down"]);
    mode = "poison";
    await expect(subs.deliver("thing-happened", envelope({ n: 1 }, "e-2"), log)).resolves.toBe(DELIVERY.success);
    expect(parked.at(-1)).toBe("can never apply");
  });

  it("never parks an event because its database is away: redelivered for as long as the outage lasts", async () => {
    const parked: string[] = [];
    let down = true;
    const applied: number[] = [];
    const subs = new Subscriptions("pubsub", { consumer: "x", maxFailures: 3, deadLetters: async (l) => void parked.push(l.reason) }).on(Thing, async (e) => {
      if (down) {
        // As TypeORM reports it: a QueryFailedError wrapping the driver's socket error.
        throw Object.assign(new Error("read ECONNRESET"), { driverError: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }) });
      }
      applied.push(e.data.n);
    });
    for (let i = 0; i < 10; i++) await expect(subs.deliver("thing-happened", envelope({ n: 7 }), log)).resolves.toBe(DELIVERY.retry);
    expect(parked).toEqual([]);
    down = false;
    await expect(subs.deliver("thing-happened", envelope({ n: 7 }), log)).resolves.toBe(DELIVERY.success);
    expect(applied).toEqual([7]);
  });

  it("asks for redelivery when the dead letter cannot be parked", async () => {
    const subs = new Subscriptions("pubsub", { consumer: "x", deadLetters: async () => Promise.reject(new Error("broker down")) }).on(
      Thing,
      async () => undefined,
    );
    await expect(subs.deliver("thing-happened", envelope({ n: "bad" }), log)).resolves.toBe(DELIVERY.retry);
  });

  it("drops events of a topic it does not know", async () => {
    const subs = new Subscriptions("pubsub");
    await expect(subs.deliver("nope", envelope({}), log)).resolves.toBe(DELIVERY.drop);
  });
});
