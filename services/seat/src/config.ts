import { databaseEnv, loadConfig, serviceEnv } from "@concert/platform";

export const loadSeatConfig = (env = process.env) => loadConfig("seat", { ...serviceEnv, ...databaseEnv }, env);
export type SeatConfig = ReturnType<typeof loadSeatConfig>;
