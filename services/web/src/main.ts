import { createApp, createLogger, runMain, serve, sidecarHealthy } from "@concert/platform";
import { loadWebConfig } from "./config";
import { siteRoutes } from "./site";

runMain(async () => {
  const config = loadWebConfig();
  const log = createLogger("web", config.LOG_LEVEL);
  const app = createApp({
    config,
    log,
    requireAppToken: true,
    routers: [siteRoutes(config.WEB_ROOT)],
    readiness: [{ name: "sidecar", check: () => sidecarHealthy(config) }],
  });
  await serve(app, config, log);
});
