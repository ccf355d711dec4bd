import { CommunicationProtocolEnum, DaprClient, LogLevel, type LoggerOptions } from "@dapr/dapr";
import { BEATING_TOPICS, DeadLetter, type Heartbeat, HEARTBEAT_TYPE, heartbeatTopic } from "@concert/contracts";
import type { ServiceConfig } from "./config";
import { EventWatchdog } from "./heartbeat";
import type { DeadLetterSink, Subscriptions } from "./subscriptions";
import type { Logger } from "./logger";

/**
 * One Dapr client per process, talking HTTP to this app's own sidecar. The SDK's own log lines
 * go to the service's JSON log at debug level: failures surface where the caller handles them.
 */
export function createDaprClient(config: ServiceConfig, log: Logger): DaprClient {
  return new DaprClient({
    daprHost: config.DAPR_HOST,
    daprPort: String(config.DAPR_HTTP_PORT),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    ...(config.DAPR_API_TOKEN ? { daprApiToken: config.DAPR_API_TOKEN } : {}),
    logger: sdkLogger(log),
  });
}

/** Routes the Dapr SDK's own log lines (client, workflow worker) into the service's JSON log. */
export function sdkLogger(log: Logger): LoggerOptions {
  const sdk = log.child({ component: "dapr-sdk" });
  const at = (level: "error" | "warn" | "info" | "debug") => (msg: unknown, ...rest: unknown[]) =>
    sdk[level]({ detail: rest.length ? rest : undefined }, String(msg));
  return {
    level: LogLevel.Warn,
    service: { error: at("warn"), warn: at("warn"), info: at("debug"), verbose: at("debug"), debug: at("debug") },
  };
}

/** A call to this app's own sidecar's HTTP API (`path` from `/v1.0/...`), with its API token. */
export function sidecarFetch(config: ServiceConfig, path: string, init: { method?: string; timeoutMs?: number } = {}): Promise<Response> {
  return fetch(`http://${config.DAPR_HOST}:${config.DAPR_HTTP_PORT}${path}`, {
    method: init.method ?? "GET",
    headers: config.DAPR_API_TOKEN ? { "dapr-api-token": config.DAPR_API_TOKEN } : {},
    signal: AbortSignal.timeout(init.timeoutMs ?? 2_000),
  });
}

/** The sidecar's own view of whether it is ready to serve this app's outbound calls. */
export async function sidecarHealthy(config: ServiceConfig, timeoutMs = 1_000): Promise<boolean> {
  try {
    const res = await sidecarFetch(config, "/v1.0/healthz/outbound", { timeoutMs });
    return res.status === 204 || res.ok;
  } catch {
    return false;
  }
}

/** Parks dead letters on the dead-letter topic through the sidecar. */
export function daprDeadLetters(dapr: DaprClient, pubsubName: string): DeadLetterSink {
  return async (letter) => {
    const res = await dapr.pubsub.publish(pubsubName, DeadLetter.topic, DeadLetter.schema.parse(letter) as object, {
      metadata: { "cloudevent.type": DeadLetter.type },
    });
    if (res.error) throw res.error;
  };
}

/** Asks this app's sidecar to shut down; its supervisor (the kubelet, or the local stack's) starts it again. */
export async function shutdownSidecar(config: ServiceConfig): Promise<void> {
  const res = await sidecarFetch(config, "/v1.0/shutdown", { method: "POST", timeoutMs: 5_000 });
  if (!res.ok) throw new Error(`sidecar shutdown answered ${res.status}`);
}

/**
 * The event watchdog of an app that consumes events: its beats go out on `topic` through `send`
 * (by default straight through the sidecar to the app's own heartbeat topic) and come back
 * through `subscriptions`.
 */
export function watchEvents(
  app: string,
  config: ServiceConfig,
  dapr: DaprClient,
  subscriptions: Subscriptions,
  log: Logger,
  path: { topic: string; send: (beat: Heartbeat) => Promise<void> } = {
    topic: heartbeatTopic(app),
    send: async (beat) => {
      const res = await dapr.pubsub.publish(config.PUBSUB_NAME, heartbeatTopic(app), beat, {
        metadata: { "cloudevent.type": HEARTBEAT_TYPE, partitionKey: beat.beatId },
      });
      if (res.error) throw res.error;
    },
  },
): EventWatchdog {
  const watchdog = new EventWatchdog(
    {
      app,
      intervalMs: config.EVENT_HEARTBEAT_INTERVAL_MS,
      staleAfterMs: config.EVENT_STALE_AFTER_MS,
      restartAfterMs: config.EVENT_RESTART_AFTER_MS,
      send: path.send,
      lastDeliveryAt: (topic) => subscriptions.lastDeliveryAt(topic),
      restartSidecar: () => shutdownSidecar(config),
      expectBeats: subscriptions
        .list()
        .flatMap(({ topic }) => (BEATING_TOPICS[topic] && BEATING_TOPICS[topic] !== app ? [{ topic, app: BEATING_TOPICS[topic] }] : [])),
      sourceHealthy: async (source) => {
        const res = await sidecarFetch(config, `/v1.0/invoke/${source}/method/health/events`);
        return res.ok && ((await res.json()) as { state?: string }).state === "ok";
      },
    },
    log,
  );
  subscriptions.heartbeats(path.topic, (beat, topic) => watchdog.seen(beat, topic));
  return watchdog;
}
