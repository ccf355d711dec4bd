import { createApp, createLogger, runMain, serve, shutdownBreakers, sidecarHealthy } from "@concert/platform";
import { loadGatewayConfig } from "./config";
import { publicRoutes } from "./http/routes";
import { Upstream } from "./infra/upstream";

runMain(async () => {
  const config = loadGatewayConfig();
  const log = createLogger("gateway", config.LOG_LEVEL);
  const upstreams = {
    concert: new Upstream("concert", config),
    seat: new Upstream("seat", config),
    user: new Upstream("user", config),
    queue: new Upstream("queue", config),
  };
  const app = createApp({
    config,
    log,
    requireAppToken: false,
    routers: [publicRoutes(upstreams, { key: { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER }, holdSeconds: config.HOLD_SECONDS })],
    readiness: [{ name: "sidecar", check: () => sidecarHealthy(config) }],
  });
  await serve(app, config, log, [async () => shutdownBreakers()]);
});
