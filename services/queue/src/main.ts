import {
  createApp,
  createDaprClient,
  createLogger,
  daprDeadLetters,
  runMain,
  serve,
  sidecarHealthy,
  Subscriptions,
  watchEvents,
} from "@concert/platform";
import { loadQueueConfig } from "./config";
import { subscribeToReservations } from "./events/reservations";
import { queueRoutes } from "./http/routes";
import { Admitter } from "./infra/admitter";
import { RedisQueue } from "./infra/redis-queue";

runMain(async () => {
  const config = loadQueueConfig();
  const log = createLogger("queue", config.LOG_LEVEL);
  const queue = RedisQueue.connect(config.REDIS_URL);
  const admitter = new Admitter(queue, config, log);
  const dapr = createDaprClient(config, log);
  const subscriptions = new Subscriptions(config.PUBSUB_NAME, { consumer: "queue", deadLetters: daprDeadLetters(dapr, config.PUBSUB_NAME) });
  subscribeToReservations(subscriptions, queue, queue.redis);
  const events = watchEvents("queue", config, dapr, subscriptions, log);
  const app = createApp({
    config,
    log,
    requireAppToken: true,
    routers: [queueRoutes(queue, config)],
    subscriptions,
    events,
    readiness: [
      { name: "redis", check: () => queue.ping() },
      { name: "sidecar", check: () => sidecarHealthy(config) },
    ],
  });
  admitter.start();
  events.start();
  await serve(app, config, log, [() => events.stop(), () => admitter.stop(), () => queue.close()]);
});
