import type { Server } from "node:http";
import { type ServiceSpec, startSidecar, stopSidecar, tokensOf } from "@concert/devstack";
import { createApp, createLogger, loadConfig, serviceEnv, type Subscriptions } from "@concert/platform";

/**
 * A throwaway app with its own real sidecar, for tests that must see what travels on a topic.
 * Ports are chosen apart from the services' (devstack/src/services.ts).
 */
export async function startProbe(name: string, n: number, subscriptions: Subscriptions) {
  const spec: ServiceSpec = {
    name,
    appPort: 3090 + n,
    daprHttpPort: 3590 + n,
    daprGrpcPort: 21190 + n,
    internalGrpcPort: 21290 + n,
    metricsPort: 9190 + n,
    database: false,
  };
  const tokens = tokensOf(name);
  const config = loadConfig(name, serviceEnv, {
    PORT: String(spec.appPort),
    DAPR_HTTP_PORT: String(spec.daprHttpPort),
    DAPR_API_TOKEN: tokens.daprApiToken,
    APP_API_TOKEN: tokens.appApiToken,
  });
  const app = createApp({ config, log: createLogger(name, "error"), subscriptions, requireAppToken: true });
  const server: Server = app.listen(spec.appPort, "127.0.0.1");
  await startSidecar(spec);
  return {
    spec,
    config,
    stop: async () => {
      await stopSidecar(name);
      server.close();
    },
  };
}
