import { MysqlIdempotencyStore, runMain, startMysqlService } from "@concert/platform";
import { loadWalletConfig } from "./config";
import { walletRoutes } from "./http/routes";
import { Wallets1763700000400 } from "./infra/migrations/1763700000400-wallets";
import { VoidPayments1763700000401 } from "./infra/migrations/1763700000401-void-payments";
import { Wallets } from "./infra/wallets";

runMain(() =>
  startMysqlService({
    name: "wallet",
    config: loadWalletConfig(),
    entities: [],
    migrations: [Wallets1763700000400, VoidPayments1763700000401],
    routes: ({ ds, uow }) => [walletRoutes(new Wallets(uow), new MysqlIdempotencyStore(ds))],
  }),
);
