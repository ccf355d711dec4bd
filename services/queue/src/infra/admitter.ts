import { type Logger, PollingWorker } from "@concert/platform";
import type { QueueConfig } from "../config";
import type { RedisQueue } from "./redis-queue";

/** Every tick, for each concert with a line: expire, drop idle waiters, admit FIFO within capacity and rate. */
export class Admitter extends PollingWorker {
  constructor(
    private readonly queue: RedisQueue,
    private readonly config: QueueConfig,
    log: Logger,
  ) {
    super(log, "admission tick");
  }

  protected round(): Promise<void> {
    return this.tick(Date.now());
  }

  protected delayMs(): number {
    return this.config.QUEUE_TICK_MS;
  }

  async tick(now: number): Promise<void> {
    const c = this.config;
    for (const concertId of await this.queue.concertsWithQueues()) {
      const r = await this.queue.admit(
        concertId,
        now,
        c.QUEUE_ACTIVE_CAPACITY,
        c.QUEUE_ADMISSION_PER_SECOND,
        c.QUEUE_ACTIVE_TTL_SECONDS * 1000,
        now - c.QUEUE_IDLE_TIMEOUT_SECONDS * 1000,
      );
      if (r.admitted || r.expired || r.dropped) this.log.debug({ concertId, ...r }, "admission");
    }
  }
}
