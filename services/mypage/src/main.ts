import { runMain, startMysqlService } from "@concert/platform";
import { loadMypageConfig } from "./config";
import { subscribeReadModels } from "./events/handlers";
import { mypageRoutes } from "./http/routes";
import { ReadModels1763700000700 } from "./infra/migrations/1763700000700-read-models";

runMain(() =>
  startMysqlService({
    name: "mypage",
    config: loadMypageConfig(),
    entities: [],
    migrations: [ReadModels1763700000700],
    routes: ({ ds }) => [mypageRoutes(ds)],
    subscribe: ({ subscriptions, uow }) => subscribeReadModels(subscriptions, uow),
  }),
);
