import { loadConfig, serviceEnv } from "@concert/platform";
import { z } from "zod";

export const loadGatewayConfig = (env = process.env) =>
  loadConfig(
    "gateway",
    {
      ...serviceEnv,
      PORT: serviceEnv.PORT.default(8080),
      /** Issuer of access tokens (the user service, whose public keys the gateway loads). */
      JWT_ISSUER: z.string().default("concert-booking"),
      /** Key of the queue's admission passes (shared with the queue only); none: every gated request asks the queue. */
      QUEUE_PASS_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
      /** How long a call to an internal service may take before it counts as failed (ms). */
      UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
      /** Trusted proxies in front (an Ingress controller: 1): the client address comes from X-Forwarded-For. */
      TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
      /** Redis shared by the gateway replicas for rate-limit counters; unset: per-replica counters. */
      REDIS_URL: z.url().optional(),
      RATE_LIMIT_LOGIN_PER_MINUTE: z.coerce.number().int().positive().default(10),
      RATE_LIMIT_SIGNUP_PER_MINUTE: z.coerce.number().int().positive().default(60),
      RATE_LIMIT_RESERVATIONS_PER_MINUTE: z.coerce.number().int().positive().default(30),
    },
    env,
  );
export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
