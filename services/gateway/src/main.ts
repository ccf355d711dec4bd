import { createApp, createLogger, runMain, serve, shutdownBreakers, sidecarHealthy, Upstream } from "@concert/platform";
import { loadGatewayConfig } from "./config";
import { publicRoutes } from "./http/routes";

runMain(async () => {
  const config = loadGatewayConfig();
  const log = createLogger("gateway", config.LOG_LEVEL);
  const upstream = (appId: string) => new Upstream(appId, config, { timeoutMs: config.UPSTREAM_TIMEOUT_MS });
  const upstreams = { concert: upstream("concert"), seat: upstream("seat"), user: upstream("user"), queue: upstream("queue") };
  const app = createApp({
    config,
    log,
    requireAppToken: false,
    routers: [publicRoutes(upstreams, { key: { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER }, holdSeconds: config.HOLD_SECONDS })],
    readiness: [{ name: "sidecar", check: () => sidecarHealthy(config) }],
  });
  await serve(app, config, log, [async () => shutdownBreakers()]);
});
