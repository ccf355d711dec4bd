import {
  createApp,
  createDaprClient,
  createLogger,
  daprDeadLetters,
  runMain,
  serve,
  sidecarHealthy,
  Subscriptions,
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
  const subscriptions = new Subscriptions(config.PUBSUB_NAME, {
    consumer: "queue",
    deadLetters: daprDeadLetters(createDaprClient(config, log), config.PUBSUB_NAME),
  });
  subscribeToReservations(subscriptions, queue, queue.redis);
  const app = createApp({
    config,
    log,
    requireAppToken: true,
    routers: [queueRoutes(queue, config)],
    subscriptions,
    readiness: [
      { name: "redis", check: () => queue.ping() },
      { name: "sidecar", check: () => sidecarHealthy(config) },
    ],
  });
  admitter.start();
  await serve(app, config, log, [() => admitter.stop(), () => queue.close()]);
});
