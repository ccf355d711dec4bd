import { databaseEnv, loadConfig, serviceEnv } from "@concert/platform";
import { z } from "zod";

export const loadNotificationConfig = (env = process.env) =>
  loadConfig(
    "notification",
    {
      ...serviceEnv,
      ...databaseEnv,
      /** The Dapr output binding that carries notices out (its component decides the channel). */
      NOTICE_BINDING: z.string().min(1).default("notification-channel"),
      NOTICE_BINDING_OPERATION: z.string().min(1).default("create"),
    },
    env,
  );
export type NotificationConfig = ReturnType<typeof loadNotificationConfig>;
