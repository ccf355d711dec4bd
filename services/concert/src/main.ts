import { ScheduleSoldOut } from "@concert/contracts";
import { runMain, startMysqlService } from "@concert/platform";
import { loadConcertConfig } from "./config";
import { onScheduleSoldOut } from "./events/sold-out";
import { catalogRoutes } from "./http/routes";
import { Concert, Schedule } from "./infra/entities";
import { Catalog1763700000100 } from "./infra/migrations/1763700000100-catalog";
import { MaxSeatsPerFan1763700000110 } from "./infra/migrations/1763700000110-max-seats-per-fan";

runMain(() =>
  startMysqlService({
    name: "concert",
    config: loadConcertConfig(),
    entities: [Concert, Schedule],
    migrations: [Catalog1763700000100, MaxSeatsPerFan1763700000110],
    routes: ({ ds, uow }) => [catalogRoutes(ds, uow)],
    subscribe: ({ subscriptions, uow }) => {
      subscriptions.on(ScheduleSoldOut, onScheduleSoldOut(uow));
    },
  }),
);
