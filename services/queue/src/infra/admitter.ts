import type { Logger, Worker } from "@concert/platform";
import { admissionsPerTick } from "../domain/token";
import type { QueueConfig } from "../config";
import type { RedisQueue } from "./redis-queue";

/** Every tick, for each concert with a line: expire, drop idle waiters, admit FIFO within capacity and rate. */
export class Admitter implements Worker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly queue: RedisQueue,
    private readonly config: QueueConfig,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.tick(Date.now())
        .catch((err: unknown) => this.log.warn({ err }, "admission tick failed"))
        .finally(() => (this.running = undefined));
    }, this.config.QUEUE_TICK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async tick(now: number): Promise<void> {
    const c = this.config;
    const maxAdmit = admissionsPerTick(c.QUEUE_ADMISSION_PER_SECOND, c.QUEUE_TICK_MS);
    for (const concertId of await this.queue.concertsWithQueues()) {
      const r = await this.queue.admit(
        concertId,
        now,
        c.QUEUE_ACTIVE_CAPACITY,
        maxAdmit,
        c.QUEUE_ACTIVE_TTL_SECONDS * 1000,
        now - c.QUEUE_IDLE_TIMEOUT_SECONDS * 1000,
      );
      if (r.admitted || r.expired || r.dropped) this.log.debug({ concertId, ...r }, "admission");
    }
  }
}
