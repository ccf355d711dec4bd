import Router from "@koa/router";
import type { EventContract, PayloadOf } from "@concert/contracts";
import type { Logger } from "./logger";

/** A CloudEvent as the sidecar delivers it, with its payload checked against the contract. */
export interface ReceivedEvent<T> {
  id: string;
  type: string;
  source: string;
  time?: string;
  data: T;
}

/** Thrown by a handler for an event that can never be applied: it is dropped, not retried. */
export class PoisonMessage extends Error {
  override name = "PoisonMessage";
}

export interface Subscription {
  pubsubname: string;
  topic: string;
  route: string;
  deadLetterTopic?: string;
}

type Handler = (event: ReceivedEvent<unknown>) => Promise<void>;

interface Entry {
  contract: EventContract;
  handler: Handler;
}

interface TopicEntry {
  /** Handlers by CloudEvent type: one topic may carry several event types. */
  byType: Map<string, Entry>;
  deadLetterTopic?: string;
}

/** Dapr's answers to a delivery (https://docs.dapr.io/reference/api/pubsub_api/). */
export const DELIVERY = { success: "SUCCESS", retry: "RETRY", drop: "DROP" } as const;
export type DeliveryStatus = (typeof DELIVERY)[keyof typeof DELIVERY];

/**
 * The table of topics this app consumes. Serves `/dapr/subscribe` for the sidecar and one
 * `POST /events/<topic>` route per entry, so the programmatic subscription and the routes can
 * never disagree.
 */
export class Subscriptions {
  private readonly topics = new Map<string, TopicEntry>();

  constructor(private readonly pubsubName: string) {}

  on<C extends EventContract>(
    contract: C,
    handler: (event: ReceivedEvent<PayloadOf<C>>) => Promise<void>,
    options: { deadLetterTopic?: string } = {},
  ): this {
    const topic = this.topics.get(contract.topic) ?? { byType: new Map<string, Entry>() };
    if (topic.byType.has(contract.type)) throw new Error(`${contract.type} is subscribed twice`);
    topic.byType.set(contract.type, { contract, handler: handler as Handler });
    if (options.deadLetterTopic) topic.deadLetterTopic = options.deadLetterTopic;
    this.topics.set(contract.topic, topic);
    return this;
  }

  /** What `/dapr/subscribe` answers. */
  list(): Subscription[] {
    return [...this.topics].map(([topic, e]) => ({
      pubsubname: this.pubsubName,
      topic,
      route: routeOf(topic),
      ...(e.deadLetterTopic ? { deadLetterTopic: e.deadLetterTopic } : {}),
    }));
  }

  /** Applies one delivery and says what the sidecar should do with the message. */
  async deliver(topic: string, body: unknown, log: Logger): Promise<DeliveryStatus> {
    const entries = this.topics.get(topic);
    if (!entries) return DELIVERY.drop;
    const envelope = (body ?? {}) as Record<string, unknown>;
    // A topic with one event type accepts it under any CloudEvent type; a shared topic
    // dispatches on the type and acknowledges types this app does not consume.
    const entry = entries.byType.size === 1 ? [...entries.byType.values()][0]! : entries.byType.get(String(envelope.type));
    if (!entry) return DELIVERY.success;
    const parsed = entry.contract.schema.safeParse(envelope.data);
    if (typeof envelope.id !== "string" || !parsed.success) {
      log.error({ topic, eventId: envelope.id, issues: parsed.error?.issues }, "dropping an event that breaks its contract");
      return DELIVERY.drop;
    }
    const event: ReceivedEvent<unknown> = {
      id: envelope.id,
      type: String(envelope.type ?? entry.contract.type),
      source: String(envelope.source ?? ""),
      ...(typeof envelope.time === "string" ? { time: envelope.time } : {}),
      data: parsed.data,
    };
    try {
      await entry.handler(event);
      return DELIVERY.success;
    } catch (err) {
      if (err instanceof PoisonMessage) {
        log.error({ topic, eventId: event.id, reason: err.message }, "dropping a poison event");
        return DELIVERY.drop;
      }
      log.warn({ topic, eventId: event.id, err }, "event handling failed; asking for redelivery");
      return DELIVERY.retry;
    }
  }

  router(log: Logger): Router {
    const router = new Router();
    router.get("/dapr/subscribe", (ctx) => {
      ctx.body = this.list();
    });
    for (const topic of this.topics.keys()) {
      router.post(routeOf(topic), async (ctx) => {
        const status = await this.deliver(topic, ctx.request.body, log);
        ctx.status = status === DELIVERY.retry ? 500 : 200;
        ctx.body = { status };
      });
    }
    return router;
  }
}

function routeOf(topic: string): string {
  return `/events/${topic}`;
}
