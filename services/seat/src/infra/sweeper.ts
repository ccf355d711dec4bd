import type { Logger, Worker } from "@concert/platform";
import type { SeatHolds } from "./holds";

/**
 * Releases holds that outlived their expiry by a grace period: the saga's timer normally
 * releases them; this catches sagas that died. Safe with several replicas (the release is
 * conditional on the hold still being expired).
 */
export class HoldSweeper implements Worker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly holds: SeatHolds,
    private readonly log: Logger,
    private readonly intervalMs: number,
    private readonly graceMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then(
          () => undefined,
          (err: unknown) => this.log.warn({ err }, "hold sweep failed"),
        )
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
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
