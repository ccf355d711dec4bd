import { SeatsReleased } from "@concert/contracts";
import type { Subscriptions } from "@concert/platform";
import type { WaitingLists } from "../infra/waiting-list";

/** Seats released in a schedule with a waiting list arrive in a routing hold: offer them. */
export function subscribeReleases(subscriptions: Subscriptions, lists: () => WaitingLists): void {
  subscriptions.on(SeatsReleased, async (e) => {
    if (e.data.routingHold) await lists().offerReleased(e.data.scheduleId, e.data.routingHold);
  });
}
