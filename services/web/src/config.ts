import { join } from "node:path";
import { loadConfig, serviceEnv } from "@concert/platform";
import { z } from "zod";

export const loadWebConfig = (env = process.env) =>
  loadConfig("web", { ...serviceEnv, WEB_ROOT: z.string().default(join(__dirname, "public")) }, env);
