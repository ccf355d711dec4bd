import { type Logger, PollingWorker } from "@concert/platform";
import type { SeatHolds } from "./holds";

/**
 * Releases holds that outlived their expiry by a grace period: the saga's timer normally
 * releases them; this catches sagas that died. Safe with several replicas (the release is
 * conditional on the hold still being expired).
 */
export class HoldSweeper extends PollingWorker {
  constructor(
    private readonly holds: SeatHolds,
    log: Logger,
    private readonly intervalMs: number,
    private readonly graceMs: number,
  ) {
    super(log, "hold sweep");
  }

  protected round(): Promise<number> {
    return this.sweep();
  }

  protected delayMs(): number {
    return this.intervalMs;
  }

  async sweep(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.graceMs);
    let released = 0;
    for (const reservationId of await this.holds.expiredHolds(before)) {
      const seats = await this.holds.release(reservationId, "expired", before);
      if (seats.length) {
        released += seats.length;
        this.log.info({ reservationId, seats: seats.length }, "released an expired hold");
      }
    }
    return released;
  }
}
