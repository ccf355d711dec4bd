import { runMain, startMysqlService, Upstream } from "@concert/platform";
import { loadWaitlistConfig } from "./config";
import { subscribeReleases } from "./events/seats-released";
import { waitlistRoutes } from "./http/routes";
import { OfferExpiry } from "./infra/expiry";
import { WaitingList1763700000800 } from "./infra/migrations/1763700000800-waiting-list";
import { WaitingLists } from "./infra/waiting-list";

runMain(async () => {
  const config = loadWaitlistConfig();
  const seat = new Upstream("seat", config, { timeoutMs: 5_000 });
  // A claim waits for the reservation's synchronous hold, as a booking does.
  const reservation = new Upstream("reservation", config, { timeoutMs: 10_000 });
  let lists: WaitingLists | undefined;
  await startMysqlService({
    name: "waitlist",
    config,
    entities: [],
    migrations: [WaitingList1763700000800],
    routes: ({ ds, uow, log }) => {
      lists = new WaitingLists(ds, uow, seat, reservation, { claimSeconds: config.WAITLIST_CLAIM_SECONDS, holdMarginSeconds: config.OFFER_HOLD_MARGIN_SECONDS }, log);
      return [waitlistRoutes(lists)];
    },
    subscribe: ({ subscriptions }) => subscribeReleases(subscriptions, () => lists!),
    workers: ({ log }) => [new OfferExpiry(lists!, log, config.OFFER_SWEEP_INTERVAL_MS)],
  });
});
