import {
  createApp,
  createDaprClient,
  createLogger,
  DaprIdempotencyStore,
  runMain,
  sdkLogger,
  serve,
  shutdownBreakers,
  sidecarHealthy,
  Subscriptions,
  Upstream,
  watchEvents,
} from "@concert/platform";
import { RESERVATION_TOPIC } from "@concert/contracts";
import { DaprWorkflowClient, WorkflowRuntime } from "@dapr/dapr";
import { loadReservationConfig } from "./config";
import { reservationRoutes } from "./http/routes";
import { ReservationStore } from "./infra/store";
import { WorkflowWorker } from "./infra/workflow-worker";
import { BOOKING_WORKFLOW, bookingActivities, bookingWorkflow } from "./workflows/booking";
import { CANCELLATION_WORKFLOW, cancellationActivities, cancellationWorkflow } from "./workflows/cancellation";

runMain(async () => {
  const config = loadReservationConfig();
  const log = createLogger("reservation", config.LOG_LEVEL);
  const dapr = createDaprClient(config, log);
  const store = new ReservationStore(dapr, config.STATE_STORE);
  const seat = new Upstream("seat", config, { timeoutMs: 5_000 });
  // The payment path's breaker: a failing or slow wallet opens it, payments then fail fast.
  const wallet = new Upstream("wallet", config, {
    timeoutMs: config.WALLET_TIMEOUT_MS,
    resetTimeoutMs: config.WALLET_BREAKER_RESET_MS,
  });

  const grpc = {
    daprHost: config.DAPR_HOST,
    daprPort: String(config.DAPR_GRPC_PORT),
    ...(config.DAPR_API_TOKEN ? { daprApiToken: config.DAPR_API_TOKEN } : {}),
    logger: sdkLogger(log),
  };
  const workflows = new DaprWorkflowClient(grpc);
  const booking = bookingActivities({ store, seat, wallet, log });
  const cancellation = cancellationActivities({ store, seat, wallet });
  const worker = new WorkflowWorker(
    () => {
      const runtime = new WorkflowRuntime(grpc);
      runtime.registerWorkflowWithName(BOOKING_WORKFLOW, bookingWorkflow(booking));
      runtime.registerWorkflowWithName(CANCELLATION_WORKFLOW, cancellationWorkflow(cancellation));
      for (const [name, fn] of Object.entries({ ...booking, ...cancellation })) runtime.registerActivityWithName(name, fn);
      return runtime;
    },
    config,
    log,
  );

  // The reservation app consumes nothing, but its events leave through Dapr's outbox, whose
  // internal consumer lives in this app's sidecar: heartbeats through the outbox, read back
  // from the reservation topic, watch that path.
  const subscriptions = new Subscriptions(config.PUBSUB_NAME, { consumer: "reservation" });
  const events = watchEvents("reservation", config, dapr, subscriptions, log, {
    topic: RESERVATION_TOPIC,
    send: (beat) => store.heartbeat(beat),
  });
  const app = createApp({
    config,
    log,
    subscriptions,
    events,
    requireAppToken: true,
    routers: [reservationRoutes({ config, store, workflows, seat, wallet, idempotency: new DaprIdempotencyStore(dapr, config.STATE_STORE) })],
    readiness: [
      { name: "sidecar", check: () => sidecarHealthy(config) },
      // Without a connected worker no saga moves: not ready, and the keeper starts a new one.
      { name: "workflow-worker", check: () => worker.connected() },
    ],
  });
  await serve(app, config, log, [() => events.stop(), () => worker.stop(), () => workflows.stop(), async () => shutdownBreakers()]);
  worker.start();
  events.start();
});
