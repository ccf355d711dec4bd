import type { Server } from "node:http";
import type { DaprClient } from "@dapr/dapr";
import type Router from "@koa/router";
import type { DataSource } from "typeorm";
import { shutdownBreakers } from "./breaker";
import type { DatabaseConfig, ServiceConfig } from "./config";
import { createDaprClient, daprDeadLetters, sidecarHealthy, watchEvents } from "./dapr";
import { createDataSource, type DatabaseOptions, databaseHealthy, openDatabase } from "./database";
import { BEATING_TOPICS } from "@concert/contracts";
import { TopicBeats } from "./heartbeat";
import { Housekeeper } from "./housekeeping";
import { createApp, serve } from "./http";
import { createLogger, type Logger } from "./logger";
import { OutboxRelay, UnitOfWork } from "./messaging";
import { Subscriptions } from "./subscriptions";
import type { Worker } from "./worker";

export interface ServiceParts<C> {
  config: C;
  log: Logger;
  ds: DataSource;
  dapr: DaprClient;
  uow: UnitOfWork;
  subscriptions: Subscriptions;
}

export interface MysqlServiceOptions<C> extends DatabaseOptions {
  name: string;
  config: C;
  routes: (parts: ServiceParts<C>) => Router[];
  /** Registers the topics this service consumes. */
  subscribe?: (parts: ServiceParts<C>) => void;
  /** Background work (sweepers, schedulers): started with the service, stopped before the database closes. */
  workers?: (parts: ServiceParts<C>) => Worker[];
}



/**
 * Starts an internal service that owns a MySQL database: pooled DataSource with migrations,
 * Dapr client, outbox relay, unit of work, subscriptions, app-token guard, health, graceful stop.
 */
export async function startMysqlService<C extends ServiceConfig & DatabaseConfig>(
  options: MysqlServiceOptions<C>,
): Promise<{ server: Server; parts: ServiceParts<C> }> {
  const { config, name } = options;
  const log = createLogger(name, config.LOG_LEVEL);
  const ds = await openDatabase(createDataSource(config, options), config);
  if (config.MIGRATE_ONLY) {
    log.info("migrations applied; exiting (MIGRATE_ONLY)");
    await ds.destroy();
    process.exit(0);
  }
  const dapr = createDaprClient(config, log);
  const relay = new OutboxRelay(ds, dapr, log, { pubsubName: config.PUBSUB_NAME, source: name });
  const parts: ServiceParts<C> = {
    config,
    log,
    ds,
    dapr,
    uow: new UnitOfWork(ds, relay),
    subscriptions: new Subscriptions(config.PUBSUB_NAME, { consumer: name, deadLetters: daprDeadLetters(dapr, config.PUBSUB_NAME) }),
  };
  options.subscribe?.(parts);
  // An app that consumes events watches its consumer with heartbeats (see EventWatchdog).
  const events = options.subscribe ? watchEvents(name, config, dapr, parts.subscriptions, log) : undefined;
  const app = createApp({
    config,
    log,
    routers: options.routes(parts),
    subscriptions: parts.subscriptions,
    ...(events ? { events } : {}),
    requireAppToken: true,
    readiness: [
      { name: "database", check: () => databaseHealthy(ds) },
      { name: "sidecar", check: () => sidecarHealthy(config) },
    ],
  });
  const housekeeper = new Housekeeper(ds, log, {
    intervalMs: config.HOUSEKEEPING_INTERVAL_MS,
    outboxDays: config.OUTBOX_RETENTION_DAYS,
    inboxDays: config.INBOX_RETENTION_DAYS,
    idempotencyHours: config.IDEMPOTENCY_RETENTION_HOURS,
  });
  // Topics this service produces whose consumers watch for its beats on them.
  const beatingTopics = Object.entries(BEATING_TOPICS).flatMap(([topic, producer]) => (producer === name ? [topic] : []));
  const beats = beatingTopics.length ? [new TopicBeats(parts.uow, name, beatingTopics, log, config.EVENT_HEARTBEAT_INTERVAL_MS)] : [];
  const workers: Worker[] = [relay, housekeeper, ...(events ? [events] : []), ...beats, ...(options.workers?.(parts) ?? [])];
  for (const w of workers) w.start();
  const server = await serve(app, config, log, [
    ...workers.map((w) => () => w.stop()),
    async () => shutdownBreakers(),
    () => ds.destroy(),
  ]);
  return { server, parts };
}
