import { ScheduleCreated } from "@concert/contracts";
import { runMain, startMysqlService, type UnitOfWork } from "@concert/platform";
import type { DataSource } from "typeorm";
import { loadSeatConfig } from "./config";
import { onScheduleCreated } from "./events/schedule-created";
import { seatRoutes } from "./http/routes";
import { ScheduleInventory, Seat } from "./infra/entities";
import { SeatHolds } from "./infra/holds";
import { Seats1763700000200 } from "./infra/migrations/1763700000200-seats";
import { UserHolds1763700000210 } from "./infra/migrations/1763700000210-user-holds";
import { ScheduleStartsAt1763700000220 } from "./infra/migrations/1763700000220-schedule-starts-at";
import { SeatsPerFan1763700000230 } from "./infra/migrations/1763700000230-seats-per-fan";
import { WaitingList1763700000240 } from "./infra/migrations/1763700000240-waiting-list";
import { OfferSource1763700000250 } from "./infra/migrations/1763700000250-offer-source";
import { SeatMaps } from "./infra/seat-maps";
import { HoldSweeper } from "./infra/sweeper";

runMain(async () => {
  const config = loadSeatConfig();
  // One seat-map snapshot store, told by every seat change this replica makes (API and sweeper).
  let seats: { holds: SeatHolds; maps: SeatMaps } | undefined;
  const seatsOf = (ds: DataSource, uow: UnitOfWork) => {
    if (!seats) {
      const maps = new SeatMaps(ds, config.SEAT_MAP_MAX_AGE_MS);
      seats = { maps, holds: new SeatHolds(uow, config.ROUTING_HOLD_SECONDS, (scheduleId) => maps.changed(scheduleId)) };
    }
    return seats;
  };
  await startMysqlService({
    name: "seat",
    config,
    entities: [ScheduleInventory, Seat],
    migrations: [Seats1763700000200, UserHolds1763700000210, ScheduleStartsAt1763700000220, SeatsPerFan1763700000230, WaitingList1763700000240, OfferSource1763700000250],
    routes: ({ ds, uow }) => {
      const { holds, maps } = seatsOf(ds, uow);
      return [seatRoutes(ds, holds, maps)];
    },
    subscribe: ({ subscriptions, uow }) => {
      subscriptions.on(ScheduleCreated, onScheduleCreated(uow));
    },
    workers: ({ ds, uow, log }) => [
      new HoldSweeper(seatsOf(ds, uow).holds, log, config.HOLD_SWEEP_INTERVAL_MS, config.HOLD_GRACE_SECONDS * 1000),
    ],
  });
});
