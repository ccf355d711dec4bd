import { databaseEnv, loadConfig, serviceEnv } from "@concert/platform";
import { z } from "zod";

export const loadSeatConfig = (env = process.env) =>
  loadConfig(
    "seat",
    {
      ...serviceEnv,
      ...databaseEnv,
      /** How often expired holds are looked for (ms). */
      HOLD_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
      /** How long past its expiry a hold is left to its saga before the sweeper releases it (s). */
      HOLD_GRACE_SECONDS: z.coerce.number().int().min(0).default(30),
      /**
       * How long seats released in a schedule with a waiting list wait for the list to offer
       * them before the sweeper puts them on sale (s). The list normally acts within a second;
       * this outlasts the event watchdog's sidecar restart (EVENT_RESTART_AFTER_MS, 60 s) when
       * a stalled seats-released delivery must heal first (docs/waiting-list.md).
       */
      ROUTING_HOLD_SECONDS: z.coerce.number().int().min(1).default(180),
      /** How stale a seat map may be for changes made by another replica (ms). */
      SEAT_MAP_MAX_AGE_MS: z.coerce.number().int().min(0).default(1_000),
    },
    env,
  );
export type SeatConfig = ReturnType<typeof loadSeatConfig>;
