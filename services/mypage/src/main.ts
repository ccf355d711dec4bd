import { runMain, startMysqlService } from "@concert/platform";
import { loadMypageConfig } from "./config";
import { subscribeReadModels } from "./events/handlers";
import { subscribeWaitingList } from "./events/waiting-list";
import { mypageRoutes } from "./http/routes";
import { ReadModels1763700000700 } from "./infra/migrations/1763700000700-read-models";
import { WaitingList1763700000710 } from "./infra/migrations/1763700000710-waiting-list";

runMain(() =>
  startMysqlService({
    name: "mypage",
    config: loadMypageConfig(),
    entities: [],
    migrations: [ReadModels1763700000700, WaitingList1763700000710],
    routes: ({ ds }) => [mypageRoutes(ds)],
    subscribe: ({ subscriptions, uow }) => {
      subscribeReadModels(subscriptions, uow);
      subscribeWaitingList(subscriptions, uow);
    },
  }),
);
