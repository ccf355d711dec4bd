import { timingSafeEqual } from "node:crypto";
import type { Server } from "node:http";
import { bodyParser } from "@koa/bodyparser";
import Router from "@koa/router";
import Koa from "koa";
import { breakerMetrics, breakerSnapshots } from "./breaker";
import type { ServiceConfig } from "./config";
import { contextFromTraceparent, runWithContext } from "./context";
import { problems, toProblem } from "./errors";
import type { Logger } from "./logger";
import type { EventWatchdog } from "./heartbeat";
import { Subscriptions } from "./subscriptions";

export interface ReadinessCheck {
  name: string;
  check: () => Promise<boolean>;
}

export interface AppOptions {
  config: ServiceConfig;
  log: Logger;
  routers?: Router[];
  /** What answers a request no router matched (the gateway: the web app), instead of 404. */
  fallback?: Koa.Middleware;
  subscriptions?: Subscriptions;
  /** Dependencies that must answer for the app to be ready (database, sidecar...). */
  readiness?: ReadinessCheck[];
  /** Internal services accept calls only from their own sidecar (Dapr app API token). */
  requireAppToken: boolean;
  /** The app's event watchdog: served on `/health/events`, reported by `/readyz` and `/metrics`. */
  events?: EventWatchdog;
  /**
   * How many trusted proxies (an Ingress controller: 1) append to X-Forwarded-For in front of
   * the app. 0 (default): the client address is the connection's, and X-Forwarded-For is ignored.
   */
  trustedProxyHops?: number;
}

const OPEN_PATHS = new Set(["/healthz", "/readyz", "/metrics", "/health/events"]);
const JSON_TYPES = ["application/json", "application/cloudevents+json", "application/problem+json"];

/** A Koa app with the platform's middleware: trace context, logs, problems, guard, body, health. */
export function createApp(options: AppOptions): Koa & { shuttingDown: boolean } {
  const { config, log } = options;
  // Behind N trusted proxies the client is the Nth address from the right of X-Forwarded-For
  // (what a client wrote before that is not trusted); with none the header means nothing.
  const hops = options.trustedProxyHops ?? 0;
  const app = new Koa(hops > 0 ? { proxy: true, maxIpsCount: hops } : { proxy: false }) as Koa & { shuttingDown: boolean };
  app.shuttingDown = false;
  const appToken = config.APP_API_TOKEN ? Buffer.from(config.APP_API_TOKEN) : undefined;
  if (options.requireAppToken && !appToken) throw new Error("APP_API_TOKEN is required for an internal service");

  app.use(async (ctx, next) => {
    const trace = contextFromTraceparent(ctx.get("traceparent"));
    ctx.set("X-Trace-Id", trace.traceId);
    return runWithContext(trace, next);
  });

  app.use(async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw problems.notFound(`${ctx.method} ${ctx.path}`);
      // The router's answers for a known path: a method it does not serve (405), or one no
      // route serves at all such as TRACE (501) — both the caller's mistake, with Allow.
      if ((ctx.status === 405 || ctx.status === 501) && ctx.body === undefined) throw problems.methodNotAllowed(ctx.method);
    } catch (err) {
      const problem = toProblem(err);
      if (problem.status >= 500) {
        const cause = (err as { cause?: unknown }).cause;
        log.error({ err, cause: cause ? String(cause) : undefined, method: ctx.method, path: ctx.path }, "request failed");
      }
      ctx.status = problem.status;
      ctx.type = "application/problem+json";
      ctx.body = problem.toJSON(ctx.path);
      if (typeof problem.extensions.retryAfter === "number") {
        ctx.set("Retry-After", String(problem.extensions.retryAfter));
      }
    }
    if (!OPEN_PATHS.has(ctx.path)) {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 }, "request");
    }
  });

  if (options.requireAppToken && appToken) {
    app.use(async (ctx, next) => {
      if (OPEN_PATHS.has(ctx.path)) return next();
      const given = Buffer.from(ctx.get("dapr-api-token"));
      if (given.length !== appToken.length || !timingSafeEqual(given, appToken)) {
        throw problems.unauthorized("Only this service's Dapr sidecar may call it.");
      }
      return next();
    });
  }

  app.use(async (ctx, next) => {
    if (["POST", "PUT", "PATCH"].includes(ctx.method) && ctx.request.length && !ctx.is(JSON_TYPES)) {
      throw problems.unsupportedMediaType();
    }
    return next();
  });
  app.use(
    bodyParser({
      enableTypes: ["json"],
      extendTypes: { json: JSON_TYPES },
      jsonLimit: config.BODY_LIMIT_BYTES,
      encoding: "utf-8",
      onError: (err) => {
        throw err;
      },
    }),
  );

  const health = new Router();
  health.get("/healthz", (ctx) => {
    ctx.body = { status: "ok", breakers: breakerSnapshots() };
  });
  health.get("/readyz", async (ctx) => {
    const checks = await Promise.all(
      (options.readiness ?? []).map(async (c) => {
        const ok = await Promise.race([
          c.check().catch(() => false),
          new Promise<boolean>((r) => setTimeout(r, 2_000, false).unref()),
        ]);
        return [c.name, ok ? "up" : "down"] as const;
      }),
    );
    const ready = !app.shuttingDown && checks.every(([, s]) => s === "up");
    ctx.status = ready ? 200 : 503;
    // Breakers are reported, not gating: an open breaker is a degraded dependency the service
    // is built to work around (fail fast, fallback), not a reason to take it out of rotation.
    // The event path is reported, not gating either: a lagging consumer is no reason to stop
    // serving requests (at a sale opening that would turn lag into an outage); the watchdog
    // restarts a sidecar whose consumer is gone, and /health/events is what alerts read.
    ctx.body = {
      status: ready ? "ready" : "not-ready",
      checks: Object.fromEntries(checks),
      breakers: breakerSnapshots(),
      ...(options.events ? { events: options.events.status() } : {}),
    };
  });
  health.get("/health/events", (ctx) => {
    const status = options.events?.status();
    ctx.status = !status || status.healthy ? 200 : 503;
    ctx.body = status ?? { state: "none", healthy: true };
  });
  health.get("/metrics", (ctx) => {
    ctx.type = "text/plain; version=0.0.4";
    ctx.body = breakerMetrics() + (options.events?.metrics() ?? "");
  });
  app.use(health.routes());

  // The sidecar asks every app for its subscriptions; an app without any answers [].
  app.use((options.subscriptions ?? new Subscriptions(config.PUBSUB_NAME)).router(log).routes());
  for (const r of options.routers ?? []) app.use(r.routes()).use(r.allowedMethods());
  if (options.fallback) app.use(options.fallback);
  return app;
}

/**
 * Listens, and on SIGTERM/SIGINT shuts down gracefully: readiness turns 503, the server stops
 * accepting, in-flight requests finish (up to the grace period), then `onShutdown` hooks run.
 */
export function serve(
  app: Koa & { shuttingDown: boolean },
  config: ServiceConfig,
  log: Logger,
  onShutdown: Array<() => Promise<unknown>> = [],
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(config.PORT, config.HOST);
    // The sidecar's client keeps an idle connection for 90 s (Go's default transport): the app
    // must keep it longer, or it closes one just as daprd sends a POST on it, and that POST fails
    // with "connection reset by peer" (seen in `make bench` after a quiet minute).
    server.keepAliveTimeout = 95_000;
    server.headersTimeout = 96_000;
    server.once("error", reject);
    server.once("listening", () => {
      log.info({ host: config.HOST, port: config.PORT }, "listening");
      resolve(server);
    });
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      app.shuttingDown = true;
      log.info({ signal }, "shutting down");
      const force = setTimeout(() => server.closeAllConnections(), config.SHUTDOWN_GRACE_MS);
      force.unref();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeIdleConnections();
      });
      for (const hook of onShutdown) await hook().catch((err) => log.error({ err }, "shutdown hook failed"));
      log.info("stopped");
      process.exit(0);
    };
    process.once("SIGTERM", () => void stop("SIGTERM"));
    process.once("SIGINT", () => void stop("SIGINT"));
  });
}

/** Runs a service's main; a bad configuration or failed start exits 1 with a clear message. */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    const msg = err instanceof Error ? (err.name === "ConfigError" ? err.message : err.stack ?? err.message) : String(err);
    process.stderr.write(`start-up failed: ${msg}\n`);
    process.exit(1);
  });
}

/** Re-exported so services see the body parser's `ctx.request.body` typing. */
export type BodyParser = typeof bodyParser;
