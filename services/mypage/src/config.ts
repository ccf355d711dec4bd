import { databaseEnv, loadConfig, serviceEnv } from "@concert/platform";

export const loadMypageConfig = (env = process.env) => loadConfig("mypage", { ...serviceEnv, ...databaseEnv }, env);
