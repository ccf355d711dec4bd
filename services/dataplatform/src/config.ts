import { databaseEnv, loadConfig, serviceEnv } from "@concert/platform";
import { z } from "zod";

const ms = z.coerce.number().int().positive();

export const loadDataplatformConfig = (env = process.env) =>
  loadConfig(
    "dataplatform",
    {
      ...serviceEnv,
      ...databaseEnv,
      /** The external data platform's reservation intake. */
      DATA_PLATFORM_URL: z.url(),
      DATA_PLATFORM_TIMEOUT_MS: ms.default(2_000),
      DATA_PLATFORM_BREAKER_RESET_MS: ms.default(10_000),
      DELIVERY_BACKOFF_BASE_MS: ms.default(1_000),
      DELIVERY_BACKOFF_MAX_MS: ms.default(60_000),
    },
    env,
  );
export type DataplatformConfig = ReturnType<typeof loadDataplatformConfig>;
