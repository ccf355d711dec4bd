import { loadConfig, serviceEnv } from "@concert/platform";
import { z } from "zod";

const ms = z.coerce.number().int().positive();

export const loadReservationConfig = (env = process.env) =>
  loadConfig(
    "reservation",
    {
      ...serviceEnv,
      /** The sidecar's gRPC port: Dapr Workflow talks gRPC. */
      DAPR_GRPC_PORT: z.coerce.number().int().min(1).max(65535).default(50001),
      STATE_STORE: z.string().min(1).default("statestore"),
      /** How long seats stay held waiting for payment (s). */
      HOLD_SECONDS: z.coerce.number().int().min(1).max(3_600).default(300),
      /** A confirmed reservation can be cancelled (and refunded) until this long before the show (min). */
      CANCEL_CUTOFF_MINUTES: z.coerce.number().int().min(0).max(525_600).default(1_440),
      WALLET_TIMEOUT_MS: ms.default(3_000),
      /** How long the wallet breaker stays open before a half-open probe. */
      WALLET_BREAKER_RESET_MS: ms.default(10_000),
      /** How long a payment or cancellation request waits for the saga before answering 202. */
      SAGA_WAIT_MS: ms.default(8_000),
      /** While waiting, how often to read the reservation again for another replica's writes. */
      SETTLE_POLL_MS: ms.default(500),
    },
    env,
  );
export type ReservationConfig = ReturnType<typeof loadReservationConfig>;
