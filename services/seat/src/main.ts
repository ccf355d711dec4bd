import { ScheduleCreated } from "@concert/contracts";
import { runMain, startMysqlService } from "@concert/platform";
import { loadSeatConfig } from "./config";
import { onScheduleCreated } from "./events/schedule-created";
import { seatRoutes } from "./http/routes";
import { ScheduleInventory, Seat } from "./infra/entities";
import { Seats1763700000200 } from "./infra/migrations/1763700000200-seats";

runMain(() =>
  startMysqlService({
    name: "seat",
    config: loadSeatConfig(),
    entities: [ScheduleInventory, Seat],
    migrations: [Seats1763700000200],
    routes: ({ ds }) => [seatRoutes(ds)],
    subscribe: ({ subscriptions, uow }) => {
      subscriptions.on(ScheduleCreated, onScheduleCreated(uow));
    },
  }),
);
