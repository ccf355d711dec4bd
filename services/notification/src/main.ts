import { CreateDeliveriesTable1763700000002, DeliveryQueue, runMain, startMysqlService } from "@concert/platform";
import { loadNotificationConfig } from "./config";
import { type NoticeMessage, subscribeNotices } from "./events/handlers";
import { noticeRoutes } from "./http/routes";
import { Notices1763700000600 } from "./infra/migrations/1763700000600-notices";
import { OfferNotices1763700000610 } from "./infra/migrations/1763700000610-offer-notices";

runMain(async () => {
  const config = loadNotificationConfig();
  let deliveries: DeliveryQueue<NoticeMessage> | undefined;
  await startMysqlService({
    name: "notification",
    config,
    entities: [],
    migrations: [CreateDeliveriesTable1763700000002, Notices1763700000600, OfferNotices1763700000610],
    routes: ({ ds }) => [noticeRoutes(ds)],
    subscribe: ({ subscriptions, uow }) => subscribeNotices(subscriptions, uow, () => deliveries?.wake()),
    workers: ({ ds, dapr, log }) => {
      // The channel is whatever the binding component is (local files here, e-mail or a push
      // service in production); the notice id keeps a retried send recognisable.
      deliveries = new DeliveryQueue<NoticeMessage>(
        ds,
        async (notice) => {
          await dapr.binding.send(config.NOTICE_BINDING, config.NOTICE_BINDING_OPERATION, notice, { fileName: `${notice.id}.json` });
        },
        log,
      );
      return [deliveries];
    },
  });
});
