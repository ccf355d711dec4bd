import { databaseEnv, loadConfig, serviceEnv } from "@concert/platform";
import { z } from "zod";

export const loadUserConfig = (env = process.env) =>
  loadConfig(
    "user",
    {
      ...serviceEnv,
      ...databaseEnv,
      /** Ed25519 private key (PKCS#8 PEM) access tokens are signed with; only this service holds it. */
      JWT_PRIVATE_KEY: z.string().includes("PRIVATE KEY", { message: "must be a PKCS#8 PEM private key" }),
      JWT_ISSUER: z.string().default("concert-booking"),
      ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
      /** An administrator created at start-up when both are set (sign-up never makes admins). */
      ADMIN_EMAIL: z.email().optional(),
      ADMIN_PASSWORD: z.string().min(12).optional(),
    },
    env,
  );
export type UserConfig = ReturnType<typeof loadUserConfig>;
