import { loadConfig, serviceEnv } from "@concert/platform";
import { z } from "zod";

const positive = z.coerce.number().int().positive();

export const loadQueueConfig = (env = process.env) =>
  loadConfig(
    "queue",
    {
      ...serviceEnv,
      REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
      /** Users allowed in ACTIVE at once, per concert. */
      QUEUE_ACTIVE_CAPACITY: positive.default(1_000),
      /** Users moved from WAITING to ACTIVE per second, per concert, at most. */
      QUEUE_ADMISSION_PER_SECOND: positive.default(50),
      /** How long an ACTIVE token lasts. */
      QUEUE_ACTIVE_TTL_SECONDS: positive.default(300),
      /** A WAITING token not polled for this long is dropped. */
      QUEUE_IDLE_TIMEOUT_SECONDS: positive.default(60),
      /** How often admission runs (ms). */
      QUEUE_TICK_MS: z.coerce.number().int().min(50).default(1_000),
    },
    env,
  );
export type QueueConfig = ReturnType<typeof loadQueueConfig>;
