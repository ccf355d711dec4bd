import { CreateDeliveriesTable1763700000002, DeliveryQueue, runMain, startMysqlService } from "@concert/platform";
import { loadDataplatformConfig } from "./config";
import { type ReservationRecord, subscribeDeliveries } from "./events/handlers";
import { DataPlatformClient } from "./infra/platform-client";

runMain(async () => {
  const config = loadDataplatformConfig();
  const client = new DataPlatformClient(config);
  let deliveries: DeliveryQueue<ReservationRecord> | undefined;
  await startMysqlService({
    name: "dataplatform",
    config,
    entities: [],
    migrations: [CreateDeliveriesTable1763700000002],
    routes: () => [],
    subscribe: ({ subscriptions, uow }) => subscribeDeliveries(subscriptions, uow, () => deliveries?.wake()),
    workers: ({ ds, log }) => {
      deliveries = new DeliveryQueue(ds, client.send, log, {
        backoffBaseMs: config.DELIVERY_BACKOFF_BASE_MS,
        backoffMaxMs: config.DELIVERY_BACKOFF_MAX_MS,
        // Keys are "<reservation>:<what>": one reservation's records arrive in order.
        orderKey: (key) => key.split(":")[0]!,
      });
      return [deliveries];
    },
  });
});
