import { databaseEnv, loadConfig, serviceEnv } from "@concert/platform";

export const loadWalletConfig = (env = process.env) => loadConfig("wallet", { ...serviceEnv, ...databaseEnv }, env);
export type WalletConfig = ReturnType<typeof loadWalletConfig>;
