import { runMain, startMysqlService } from "@concert/platform";
import { loadRankingConfig } from "./config";
import { subscribeRankings } from "./events/handlers";
import { rankingRoutes } from "./http/routes";
import { Rankings1763700000500 } from "./infra/migrations/1763700000500-rankings";

runMain(() =>
  startMysqlService({
    name: "ranking",
    config: loadRankingConfig(),
    entities: [],
    migrations: [Rankings1763700000500],
    routes: ({ ds }) => [rankingRoutes(ds)],
    subscribe: ({ subscriptions, uow }) => subscribeRankings(subscriptions, uow),
  }),
);
