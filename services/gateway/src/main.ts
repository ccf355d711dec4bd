import { createApp, createLogger, runMain, serve, shutdownBreakers, sidecarHealthy, Upstream } from "@concert/platform";
import { loadGatewayConfig } from "./config";
import { publicRoutes } from "./http/routes";
import { SigningKeys } from "./infra/signing-keys";

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
  };
  // Access tokens are verified with the user service's public keys; the gateway cannot sign any.
  const signingKeys = new SigningKeys(upstreams.user, config.JWT_ISSUER, log);
  const app = createApp({
    config,
    log,
    requireAppToken: false,
    routers: [publicRoutes(upstreams, {
        verifier: signingKeys.verifier,
        ...(config.QUEUE_PASS_SECRET ? { queuePassSecret: config.QUEUE_PASS_SECRET } : {}),
        limits: {
          loginPerMinute: config.RATE_LIMIT_LOGIN_PER_MINUTE,
          signUpPerMinute: config.RATE_LIMIT_SIGNUP_PER_MINUTE,
          reservationsPerMinute: config.RATE_LIMIT_RESERVATIONS_PER_MINUTE,
        },
      })],
    readiness: [
      { name: "sidecar", check: () => sidecarHealthy(config) },
      { name: "signing-keys", check: async () => signingKeys.loaded },
    ],
  });
  await serve(app, config, log, [async () => signingKeys.stop(), async () => shutdownBreakers()]);
  signingKeys.start();
});
