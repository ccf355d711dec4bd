import { randomUUID } from "node:crypto";
import { beatOn, type Heartbeat } from "@concert/contracts";
import type { Logger } from "./logger";
import type { UnitOfWork } from "./messaging";
import { PollingWorker, type Worker } from "./worker";

export interface EventWatchdogOptions {
  app: string;
  /** How often a beat is sent. */
  intervalMs: number;
  /** No beat back for this long, or beats arriving this late: the event path is unhealthy. */
  staleAfterMs: number;
  /**
   * No beat back and nothing delivered at all for this long, while beats are being published:
   * the sidecar's consumer is gone, and the sidecar is asked to shut down so its supervisor
   * (the kubelet, or the local stack's) starts a fresh one. 0 disables the restart.
   */
  restartAfterMs: number;
  /** Publishes a beat through the path being watched. */
  send: (beat: Heartbeat) => Promise<void>;
  /** When the sidecar last delivered any event to this app, or one of `topic` (epoch ms, 0 if never). */
  lastDeliveryAt: (topic?: string) => number;
  /** Asks the sidecar to shut down (Dapr's `/v1.0/shutdown`). */
  restartSidecar: () => Promise<void>;
  /** Whether another app's own beats flow (its `/health/events`, through service invocation). */
  sourceHealthy?: (app: string) => Promise<boolean>;
  /** Topics this app consumes whose producer beats on them: watched from the start. */
  expectBeats?: Array<{ topic: string; app: string }>;
}

/** Beats of another app seen on one of this app's topics: the producer's liveness on that topic. */
interface SourceTopic {
  app: string;
  topic: string;
  lastAt: number;
}

export type EventPathState = "starting" | "ok" | "lagging" | "stale" | "not-publishing";

export interface EventPathStatus {
  state: EventPathState;
  healthy: boolean;
  /** Milliseconds since a beat last came back (or since the watch began, before the first). */
  silenceMs: number;
  /** Topics whose producer beats on them: milliseconds since its last beat reached this app. */
  topics: Array<{ topic: string; source: string; silenceMs: number }>;
  /** How late the last beat came back: sent → delivered to this app. */
  lagMs: number | null;
  publishFailures: number;
  sidecarRestarts: number;
}

/**
 * Watches this app's event path end to end with its own heartbeats: a beat published every few
 * seconds must come back through the app's subscription. What no sidecar health check sees —
 * a consumer group left empty after a broker restart, an outbox whose internal consumer
 * stopped, a lag that keeps growing — shows here as silence or lateness: `/health/events`
 * turns 503 and the `events_*` metrics say so; a consumer that is gone (silence, nothing
 * delivered at all, beats still published) gets its sidecar restarted.
 */
export class EventWatchdog implements Worker {
  private timer?: NodeJS.Timeout;
  private armedAt = Date.now();
  private lastBeatAt?: number;
  private lastLagMs?: number;
  private lastPublishedAt = 0;
  private publishFailures = 0;
  private sidecarRestarts = 0;
  private ticking?: Promise<void>;
  private readonly sources = new Map<string, SourceTopic>();

  constructor(
    private readonly options: EventWatchdogOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.armedAt = Date.now();
    for (const { topic, app } of this.options.expectBeats ?? []) {
      if (!this.sources.has(`${app}|${topic}`)) this.sources.set(`${app}|${topic}`, { app, topic, lastAt: this.armedAt });
    }
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  /**
   * A beat delivered to this app on `topic`. Another app's beats (a producer beating on its own
   * topic, as the reservation outbox does) say that topic still reaches this app.
   */
  seen(beat: Heartbeat, topic = ""): void {
    const now = Date.now();
    if (beat.app !== this.options.app) {
      this.sources.set(`${beat.app}|${topic}`, { app: beat.app, topic, lastAt: now });
      return;
    }
    this.lastBeatAt = now;
    this.lastLagMs = Math.max(0, now - Date.parse(beat.sentAt));
  }

  status(now = Date.now()): EventPathStatus {
    const { staleAfterMs } = this.options;
    const silenceMs = now - (this.lastBeatAt ?? this.armedAt);
    let state: EventPathState = "ok";
    if (this.publishFailures >= 3) state = "not-publishing";
    else if (silenceMs > staleAfterMs) state = "stale";
    else if ((this.lastLagMs ?? 0) > staleAfterMs) state = "lagging";
    else if (this.lastBeatAt === undefined) state = "starting";
    return {
      state,
      healthy: state === "ok" || state === "starting",
      silenceMs,
      topics: [...this.sources.values()].map((t) => ({ topic: t.topic, source: t.app, silenceMs: now - t.lastAt })),
      lagMs: this.lastLagMs ?? null,
      publishFailures: this.publishFailures,
      sidecarRestarts: this.sidecarRestarts,
    };
  }

  metrics(): string {
    const s = this.status();
    const app = `app="${this.options.app}"`;
    const now = Date.now();
    return [
      "# HELP events_topic_silence_seconds Seconds since a producer's heartbeat last arrived on a topic this app consumes.",
      "# TYPE events_topic_silence_seconds gauge",
      ...[...this.sources.values()].map((t) => `events_topic_silence_seconds{${app},topic="${t.topic}",source="${t.app}"} ${((now - t.lastAt) / 1000).toFixed(3)}`),
      "# HELP events_heartbeat_healthy 1 while this app's own heartbeats come back through its subscription in time.",
      "# TYPE events_heartbeat_healthy gauge",
      `events_heartbeat_healthy{${app}} ${s.healthy ? 1 : 0}`,
      "# HELP events_heartbeat_silence_seconds Seconds since a heartbeat last came back.",
      "# TYPE events_heartbeat_silence_seconds gauge",
      `events_heartbeat_silence_seconds{${app}} ${(s.silenceMs / 1000).toFixed(3)}`,
      "# HELP events_heartbeat_lag_seconds How late the last heartbeat came back (publish to delivery).",
      "# TYPE events_heartbeat_lag_seconds gauge",
      `events_heartbeat_lag_seconds{${app}} ${s.lagMs === null ? "NaN" : (s.lagMs / 1000).toFixed(3)}`,
      "# HELP events_heartbeat_publish_failures Consecutive heartbeats that could not be published.",
      "# TYPE events_heartbeat_publish_failures gauge",
      `events_heartbeat_publish_failures{${app}} ${s.publishFailures}`,
      "# HELP events_sidecar_restarts_total Sidecars this process asked to restart because their consumer was gone.",
      "# TYPE events_sidecar_restarts_total counter",
      `events_sidecar_restarts_total{${app}} ${s.sidecarRestarts}`,
      "",
    ].join("\n");
  }

  private tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = this.beat().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async beat(): Promise<void> {
    try {
      await this.options.send({ app: this.options.app, beatId: randomUUID(), sentAt: new Date().toISOString() });
      this.lastPublishedAt = Date.now();
      this.publishFailures = 0;
    } catch (err) {
      this.publishFailures++;
      if (this.publishFailures === 3) this.log.warn({ err }, "heartbeats cannot be published");
    }
    const { restartAfterMs } = this.options;
    const now = Date.now();
    const since = Math.max(this.armedAt, this.lastBeatAt ?? 0, this.options.lastDeliveryAt());
    // Silence alone could be a broker that is down (then publishing fails too) or a consumer
    // busy with a backlog (then other events still arrive): only silence on every topic while
    // beats go out means the consumer is gone.
    if (restartAfterMs > 0 && now - since > restartAfterMs && this.lastPublishedAt > since) {
      await this.restartSidecar(now, { silenceMs: now - since }, "no event delivered while heartbeats are published: the sidecar's consumer is gone");
      return;
    }
    await this.checkTopics(now);
  }

  /**
   * One topic can stall alone: after the app crashed, daprd 1.18 may keep a partition's
   * delivery blocked on a subscription it closed while the app was down, and only that topic
   * goes quiet (this app's own beats still come back). A topic whose producer beats on it, and
   * whose producer says its beats flow, but whose beats stopped reaching this app: the sidecar
   * is restarted as for a lost consumer.
   */
  private async checkTopics(now: number): Promise<void> {
    const { restartAfterMs, sourceHealthy } = this.options;
    if (restartAfterMs <= 0 || !sourceHealthy || this.lastBeatAt === undefined || now - this.lastBeatAt > this.options.staleAfterMs) return;
    for (const t of this.sources.values()) {
      // Deliveries on the topic without beats are a backlog being worked through, not a stall.
      if (now - Math.max(t.lastAt, this.armedAt, this.options.lastDeliveryAt(t.topic)) <= restartAfterMs) continue;
      if (!(await sourceHealthy(t.app).catch(() => false))) continue;
      await this.restartSidecar(now, { topic: t.topic, source: t.app, silenceMs: now - t.lastAt }, "a topic stopped delivering while its producer's beats flow");
      return;
    }
  }

  /** Asks for a fresh sidecar and gives it a whole window before judging it again. */
  private async restartSidecar(now: number, detail: Record<string, unknown>, why: string): Promise<void> {
    this.sidecarRestarts++;
    this.armedAt = now;
    this.log.error({ ...detail, sidecarRestarts: this.sidecarRestarts }, `${why}; restarting the sidecar`);
    await this.options.restartSidecar().catch((err: unknown) => this.log.error({ err }, "could not restart the sidecar"));
  }
}

/**
 * Beats on the topics this service produces and others watch (BEATING_TOPICS), through its
 * outbox: the path its events take. Their consumers' watchdogs tell a topic that stopped
 * reaching them from one that is merely quiet.
 */
export class TopicBeats extends PollingWorker {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly app: string,
    private readonly topics: string[],
    log: Logger,
    private readonly intervalMs: number,
  ) {
    super(log, "topic heartbeats");
  }

  protected round(): Promise<void> {
    return this.uow.run(async (tx) => {
      for (const topic of this.topics) {
        const beat: Heartbeat = { app: this.app, beatId: randomUUID(), sentAt: new Date().toISOString() };
        tx.publish(beatOn(topic), beat, beat.beatId);
      }
    });
  }

  protected delayMs(): number {
    return this.intervalMs;
  }
}
