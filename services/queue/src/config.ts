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
      /** Key of the admission passes the gateway checks (shared with the gateway only); none: no passes. */
      QUEUE_PASS_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
      /** How long a pass vouches for an ACTIVE token at most (never past the token's expiry). */
      QUEUE_PASS_TTL_SECONDS: positive.default(30),
    },
    env,
  );
export type QueueConfig = ReturnType<typeof loadQueueConfig>;
