import { runMain, startMysqlService } from "@concert/platform";
import { loadRankingConfig } from "./config";
import { subscribeRankings } from "./events/handlers";
import { rankingRoutes } from "./http/routes";
import { Rankings1763700000500 } from "./infra/migrations/1763700000500-rankings";
import { Sales1763700000510 } from "./infra/migrations/1763700000510-sales";

runMain(() =>
  startMysqlService({
    name: "ranking",
    config: loadRankingConfig(),
    entities: [],
    migrations: [Rankings1763700000500, Sales1763700000510],
    routes: ({ ds }) => [rankingRoutes(ds)],
    subscribe: ({ subscriptions, uow }) => subscribeRankings(subscriptions, uow),
  }),
);
