import { databaseEnv, loadConfig, serviceEnv } from "@concert/platform";

export const loadConcertConfig = (env = process.env) => loadConfig("concert", { ...serviceEnv, ...databaseEnv }, env);
export type ConcertConfig = ReturnType<typeof loadConcertConfig>;
