import { ScheduleCreated } from "@concert/contracts";
import { runMain, startMysqlService } from "@concert/platform";
import { loadSeatConfig } from "./config";
import { onScheduleCreated } from "./events/schedule-created";
import { seatRoutes } from "./http/routes";
import { ScheduleInventory, Seat } from "./infra/entities";
import { SeatHolds } from "./infra/holds";
import { Seats1763700000200 } from "./infra/migrations/1763700000200-seats";
import { HoldSweeper } from "./infra/sweeper";

runMain(async () => {
  const config = loadSeatConfig();
  await startMysqlService({
    name: "seat",
    config,
    entities: [ScheduleInventory, Seat],
    migrations: [Seats1763700000200],
    routes: ({ ds, uow }) => [seatRoutes(ds, new SeatHolds(uow))],
    subscribe: ({ subscriptions, uow }) => {
      subscriptions.on(ScheduleCreated, onScheduleCreated(uow));
    },
    workers: ({ uow, log }) => [
      new HoldSweeper(new SeatHolds(uow), log, config.HOLD_SWEEP_INTERVAL_MS, config.HOLD_GRACE_SECONDS * 1000),
    ],
  });
});
