import Router from "@koa/router";
import { type EventContract, Heartbeat, HEARTBEAT_TYPE, type PayloadOf } from "@concert/contracts";
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

type Handler = (event: ReceivedEvent<unknown>) => Promise<unknown>;

interface Entry {
  contract: EventContract;
  handler: Handler;
}

interface TopicEntry {
  /** Handlers by CloudEvent type: one topic may carry several event types. */
  byType: Map<string, Entry>;
  deadLetterTopic?: string;
}

/** Where an event that cannot be applied is parked, with the reason. */
export type DeadLetterSink = (letter: {
  consumer: string;
  topic: string;
  eventId: string;
  eventType: string;
  reason: string;
  event: unknown;
  failedAt: string;
}) => Promise<void>;

export interface SubscriptionOptions {
  /** Names this app as a consumer in dead letters. */
  consumer: string;
  deadLetters?: DeadLetterSink;
  /** After this many failed deliveries of one event it is parked instead of retried. */
  maxFailures?: number;
}

export const DEAD_LETTER_TOPIC = "dead-letters";

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
  /** Failed deliveries per event id (bounded): a message that keeps failing is parked. */
  private readonly failures = new Map<string, number>();
  private onBeat?: (beat: Heartbeat, topic: string) => void;
  /** When the sidecar last delivered something, per topic (epoch ms): the event watchdog's sign of life. */
  private readonly lastDeliveryOn = new Map<string, number>();

  constructor(
    private readonly pubsubName: string,
    private readonly options: SubscriptionOptions = { consumer: "app" },
  ) {}

  on<C extends EventContract>(
    contract: C,
    handler: (event: ReceivedEvent<PayloadOf<C>>) => Promise<unknown>,
    options: { deadLetterTopic?: string } = {},
  ): this {
    const topic = this.topics.get(contract.topic) ?? { byType: new Map<string, Entry>() };
    if (topic.byType.has(contract.type)) throw new Error(`${contract.type} is subscribed twice`);
    topic.byType.set(contract.type, { contract, handler: handler as Handler });
    if (options.deadLetterTopic) topic.deadLetterTopic = options.deadLetterTopic;
    this.topics.set(contract.topic, topic);
    return this;
  }

  /**
   * Receives heartbeats (see `EventWatchdog`) on `topic`, subscribing to it if no handler does.
   * Beats on any subscribed topic are acknowledged without reaching a handler.
   */
  heartbeats(topic: string, onBeat: (beat: Heartbeat, topic: string) => void): this {
    if (!this.topics.has(topic)) this.topics.set(topic, { byType: new Map<string, Entry>() });
    this.onBeat = onBeat;
    return this;
  }

  /** When the sidecar last delivered an event of `topic`, or of any topic (epoch ms, 0 if never). */
  lastDeliveryAt(topic?: string): number {
    if (topic !== undefined) return this.lastDeliveryOn.get(topic) ?? 0;
    return Math.max(0, ...this.lastDeliveryOn.values());
  }

  /** What `/dapr/subscribe` answers. */
  list(): Subscription[] {
    // With a sink, the sidecar parks what it could not deliver at all (app down past the
    // resiliency policy) on the same dead-letter topic.
    return [...this.topics].map(([topic, e]) => {
      const deadLetterTopic = e.deadLetterTopic ?? (this.options.deadLetters ? DEAD_LETTER_TOPIC : undefined);
      return { pubsubname: this.pubsubName, topic, route: routeOf(topic), ...(deadLetterTopic ? { deadLetterTopic } : {}) };
    });
  }

  /** Applies one delivery and says what the sidecar should do with the message. */
  async deliver(topic: string, body: unknown, log: Logger): Promise<DeliveryStatus> {
    const entries = this.topics.get(topic);
    if (!entries) return DELIVERY.drop;
    const envelope = (body ?? {}) as Record<string, unknown>;
    this.lastDeliveryOn.set(topic, Date.now());
    if (envelope.type === HEARTBEAT_TYPE) {
      const beat = Heartbeat.safeParse(envelope.data);
      if (beat.success) this.onBeat?.(beat.data, topic);
      return DELIVERY.success;
    }
    // A topic with one event type accepts it under any CloudEvent type; a shared topic
    // dispatches on the type and acknowledges types this app does not consume.
    const entry = entries.byType.size === 1 ? [...entries.byType.values()][0]! : entries.byType.get(String(envelope.type));
    if (!entry) return DELIVERY.success;
    const parsed = entry.contract.schema.safeParse(envelope.data);
    if (typeof envelope.id !== "string" || !parsed.success) {
      const issues = parsed.error?.issues.map((i) => `${i.path.join(".") || "data"}: ${i.message}`).join("; ") ?? "no event id";
      return this.park(topic, envelope, `breaks the ${entry.contract.type} contract: ${issues}`, log);
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
      this.failures.delete(event.id);
      return DELIVERY.success;
    } catch (err) {
      if (err instanceof PoisonMessage) return this.park(topic, envelope, err.message, log);
      if (unavailable(err)) {
        // The app's own database is away or busy: not the event's fault, and nothing can be
        // applied until it is back. Redelivered for as long as that lasts, never parked.
        log.warn({ topic, eventId: event.id, err }, "event handling failed: the database is unavailable; asking for redelivery");
        return DELIVERY.retry;
      }
      const failed = (this.failures.get(event.id) ?? 0) + 1;
      if (failed >= (this.options.maxFailures ?? 5)) {
        this.failures.delete(event.id);
        return this.park(topic, envelope, `failed ${failed} times: ${(err as Error).message}`, log);
      }
      if (this.failures.size > 10_000) this.failures.clear();
      this.failures.set(event.id, failed);
      log.warn({ topic, eventId: event.id, err, failed }, "event handling failed; asking for redelivery");
      return DELIVERY.retry;
    }
  }

  /** Parks an event on the dead-letter topic with the reason, so it stops blocking its partition. */
  private async park(topic: string, envelope: Record<string, unknown>, reason: string, log: Logger): Promise<DeliveryStatus> {
    const eventId = String(envelope.id ?? "");
    log.error({ topic, eventId, reason }, "parking an event on the dead-letter topic");
    if (!this.options.deadLetters) return DELIVERY.drop;
    try {
      await this.options.deadLetters({
        consumer: this.options.consumer,
        topic,
        eventId,
        eventType: String(envelope.type ?? ""),
        reason,
        event: envelope,
        failedAt: new Date().toISOString(),
      });
      return DELIVERY.success;
    } catch (err) {
      log.warn({ err, eventId }, "could not park the event; asking for redelivery");
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

/** Error codes of a database that is away, restarting or busy (mysql2 and Node's sockets). */
const UNAVAILABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "PROTOCOL_CONNECTION_LOST",
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_SHUTDOWN",
  "ER_CONNECTION_KILLED",
  "ER_LOCK_DEADLOCK",
  "ER_LOCK_WAIT_TIMEOUT",
]);

/**
 * Whether a handler failed because its infrastructure is unavailable rather than because of the
 * event: the error, or the driver error or cause it wraps (TypeORM's QueryFailedError), carries
 * one of those codes.
 */
export function unavailable(err: unknown): boolean {
  let e = err as { code?: unknown; driverError?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === "string" && UNAVAILABLE.has(e.code)) return true;
    e = (e.driverError ?? e.cause) as typeof e;
  }
  return false;
}
