import { type Logger, PollingWorker } from "@concert/platform";
import type { WaitingLists } from "./waiting-list";

/** Passes on offers nobody claimed in time. Safe with several replicas (each offer is locked). */
export class OfferExpiry extends PollingWorker {
  constructor(
    private readonly lists: WaitingLists,
    log: Logger,
    private readonly intervalMs: number,
  ) {
    super(log, "offer expiry");
  }

  protected round(): Promise<number> {
    return this.lists.expireDue();
  }

  protected delayMs(): number {
    return this.intervalMs;
  }
}
