import { databaseEnv, loadConfig, serviceEnv } from "@concert/platform";
import { z } from "zod";

export const loadUserConfig = (env = process.env) =>
  loadConfig(
    "user",
    {
      ...serviceEnv,
      ...databaseEnv,
      /** HS256 key shared with the gateway, which verifies the tokens. */
      JWT_SECRET: z.string().min(32, "must be at least 32 characters"),
      JWT_ISSUER: z.string().default("concert-booking"),
      ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
      /** An administrator created at start-up when both are set (sign-up never makes admins). */
      ADMIN_EMAIL: z.email().optional(),
      ADMIN_PASSWORD: z.string().min(12).optional(),
    },
    env,
  );
export type UserConfig = ReturnType<typeof loadUserConfig>;
