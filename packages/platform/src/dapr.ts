import { CommunicationProtocolEnum, DaprClient, LogLevel } from "@dapr/dapr";
import type { ServiceConfig } from "./config";

/** One Dapr client per process, talking HTTP to this app's own sidecar. */
export function createDaprClient(config: ServiceConfig): DaprClient {
  return new DaprClient({
    daprHost: config.DAPR_HOST,
    daprPort: String(config.DAPR_HTTP_PORT),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    ...(config.DAPR_API_TOKEN ? { daprApiToken: config.DAPR_API_TOKEN } : {}),
    logger: { level: LogLevel.Warn },
  });
}

/** The sidecar's own view of whether it is ready to serve this app's outbound calls. */
export async function sidecarHealthy(config: ServiceConfig, timeoutMs = 1_000): Promise<boolean> {
  try {
    const res = await fetch(`http://${config.DAPR_HOST}:${config.DAPR_HTTP_PORT}/v1.0/healthz/outbound`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.status === 204 || res.ok;
  } catch {
    return false;
  }
}
