import { databaseEnv, loadConfig, serviceEnv } from "@concert/platform";
import { z } from "zod";

export const loadWaitlistConfig = (env = process.env) =>
  loadConfig(
    "waitlist",
    {
      ...serviceEnv,
      ...databaseEnv,
      /** How long a fan has to claim offered seats (s). */
      WAITLIST_CLAIM_SECONDS: z.coerce.number().int().min(5).max(3_600).default(600),
      /**
       * How much longer than the claim window the seat service keeps an offer's seats (s): the
       * offer's own timer passes them on first; the seat sweeper only if this service is down.
       */
      OFFER_HOLD_MARGIN_SECONDS: z.coerce.number().int().min(5).default(60),
      /** How often offers past their claim window are looked for (ms). */
      OFFER_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(1_000),
    },
    env,
  );
export type WaitlistConfig = ReturnType<typeof loadWaitlistConfig>;
