import { databaseEnv, loadConfig, serviceEnv } from "@concert/platform";

export const loadRankingConfig = (env = process.env) => loadConfig("ranking", { ...serviceEnv, ...databaseEnv }, env);
