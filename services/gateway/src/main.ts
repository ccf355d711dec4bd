import { createApp, createLogger, runMain, serve, shutdownBreakers, sidecarHealthy, Upstream } from "@concert/platform";
import Redis from "ioredis";
import { loadGatewayConfig } from "./config";
import { publicRoutes } from "./http/routes";
import { siteRelay } from "./http/site";
import { SigningKeys } from "./infra/signing-keys";

async function connected(redis: Redis, withinMs: number, log: ReturnType<typeof createLogger>): Promise<void> {
  if (redis.status === "ready") return;
  const ready = new Promise<boolean>((resolve) => redis.once("ready", () => resolve(true)));
  const late = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), withinMs).unref());
  if (!(await Promise.race([ready, late]))) log.warn("redis (rate limits) not reachable at start; counting per replica until it is");
}

runMain(async () => {
  const config = loadGatewayConfig();
  const log = createLogger("gateway", config.LOG_LEVEL);
  const upstream = (appId: string, timeoutMs = config.UPSTREAM_TIMEOUT_MS) => new Upstream(appId, config, { timeoutMs });
  const upstreams = {
    concert: upstream("concert"),
    seat: upstream("seat"),
    user: upstream("user"),
    queue: upstream("queue"),
    // A payment waits for the saga (up to its SAGA_WAIT_MS, 8 s) before answering; its sidecar
    // allows 15 s (resiliency `saga`): the gateway waits longer than both.
    reservation: upstream("reservation", Math.max(20_000, config.UPSTREAM_TIMEOUT_MS)),
    wallet: upstream("wallet"),
    ranking: upstream("ranking"),
    notification: upstream("notification"),
    mypage: upstream("mypage"),
    // A claim makes a reservation (a synchronous seat transfer), as a booking does.
    waitlist: upstream("waitlist", Math.max(15_000, config.UPSTREAM_TIMEOUT_MS)),
    web: upstream("web"),
  };
  // Access tokens are verified with the user service's public keys; the gateway cannot sign any.
  const signingKeys = new SigningKeys(upstreams.user, config.JWT_ISSUER, log);
  // Fails fast while Redis is away (no offline queue): the limiters fall back to memory.
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : undefined;
  redis?.on("error", (err) => log.warn({ err: String(err) }, "redis (rate limits) unreachable; counting per replica"));
  // A replica that took traffic before its first connection would count its first requests
  // alone and the rest in Redis, so neither count reaches the limit: wait for it a moment.
  if (redis) await connected(redis, 10_000, log);
  const app = createApp({
    config,
    log,
    requireAppToken: false,
    trustedProxyHops: config.TRUSTED_PROXY_HOPS,
    routers: [publicRoutes(upstreams, {
        verifier: signingKeys.verifier,
        ...(redis ? { redis } : {}),
        ...(config.QUEUE_PASS_SECRET ? { queuePassSecret: config.QUEUE_PASS_SECRET } : {}),
        limits: {
          loginPerMinute: config.RATE_LIMIT_LOGIN_PER_MINUTE,
          signUpPerMinute: config.RATE_LIMIT_SIGNUP_PER_MINUTE,
          reservationsPerMinute: config.RATE_LIMIT_RESERVATIONS_PER_MINUTE,
        },
      })],
    fallback: siteRelay(upstreams.web),
    readiness: [
      { name: "sidecar", check: () => sidecarHealthy(config) },
      { name: "signing-keys", check: async () => signingKeys.loaded },
    ],
  });
  await serve(app, config, log, [async () => signingKeys.stop(), async () => void redis?.disconnect(), async () => shutdownBreakers()]);
  signingKeys.start();
});
