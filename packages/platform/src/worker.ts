import type { Logger } from "./logger";

/** Background work started with the service and stopped before its database closes. */
export interface Worker {
  start(): void;
  stop(): Promise<void>;
}

/**
 * Runs `round()` every interval, never two at once; `wake()` asks for a round now (after a
 * commit) instead of at the next tick. `delayMs()` may stretch the interval (backoff). A failed
 * round is logged and the next one runs as usual.
 */
export abstract class PollingWorker implements Worker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;

  protected constructor(
    protected readonly log: Logger,
    private readonly what: string,
  ) {}

  protected abstract round(): Promise<unknown>;

  /** Milliseconds until the next round. */
  protected abstract delayMs(): number;

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.round().then(
      () => undefined,
      (err: unknown) => this.log.warn({ err }, `${this.what} failed; will retry`),
    );
    void this.running.finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      } else this.schedule();
    });
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), this.delayMs());
    this.timer.unref();
  }
}
