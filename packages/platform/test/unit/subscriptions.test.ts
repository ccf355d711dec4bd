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

  it("hands the handler the validated payload and answers SUCCESS", async () => {
    const seen: Array<ReceivedEvent<{ n: number }>> = [];
    const subs = new Subscriptions("pubsub").on(Thing, async (e) => void seen.push(e));
    await expect(subs.deliver("thing-happened", envelope({ n: 3 }), log)).resolves.toBe(DELIVERY.success);
    expect(seen).toEqual([{ id: "e-1", type: "ThingHappened", source: "test", data: { n: 3 } }]);
  });

  it("drops an event that breaks its contract without calling the handler", async () => {
    const handler = jest.fn(async () => undefined);
    const subs = new Subscriptions("pubsub").on(Thing, handler);
    await expect(subs.deliver("thing-happened", envelope({ n: "three" }), log)).resolves.toBe(DELIVERY.drop);
    await expect(subs.deliver("thing-happened", { data: { n: 1 } }, log)).resolves.toBe(DELIVERY.drop);
    expect(handler).not.toHaveBeenCalled();
  });

  it("asks for redelivery when the handler fails, and drops a poison message", async () => {
    let mode: "fail" | "poison" = "fail";
    const subs = new Subscriptions("pubsub").on(Thing, async () => {
      if (mode === "fail") throw new Error("database down");
      throw new PoisonMessage("can never apply");
    });
    await expect(subs.deliver("thing-happened", envelope({ n: 1 }), log)).resolves.toBe(DELIVERY.retry);
    mode = "poison";
    await expect(subs.deliver("thing-happened", envelope({ n: 1 }), log)).resolves.toBe(DELIVERY.drop);
  });

  it("drops events of a topic it does not know", async () => {
    const subs = new Subscriptions("pubsub");
    await expect(subs.deliver("nope", envelope({}), log)).resolves.toBe(DELIVERY.drop);
  });
});
