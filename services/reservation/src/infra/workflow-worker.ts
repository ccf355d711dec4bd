import type { WorkflowRuntime } from "@dapr/dapr";
import { type Logger, type ServiceConfig, sidecarFetch, sidecarHealthy, type Worker } from "@concert/platform";

/**
 * Keeps this app's workflow worker connected to its sidecar. The SDK's worker reconnects after
 * a dropped stream only if it had dropped before: when the very first stream breaks (the
 * sidecar restarted: a crash, or the event watchdog restarting it) the worker ends for good,
 * the sidecar has no worker, and every booking saga stalls with "did not find address for
 * actor". The sidecar's metadata says how many workers are connected; when none is for two
 * checks in a row while the sidecar is up, a fresh runtime is started.
 */
export class WorkflowWorker implements Worker {
  private runtime?: WorkflowRuntime;
  private timer?: NodeJS.Timeout;
  private misses = 0;
  private checking = false;
  restarts = 0;

  constructor(
    private readonly create: () => WorkflowRuntime,
    private readonly config: ServiceConfig,
    private readonly log: Logger,
    private readonly checkEveryMs = 2_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), this.checkEveryMs);
    this.timer.unref();
    void this.check();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.runtime?.stop().catch(() => undefined);
  }

  /** Whether the sidecar has a workflow worker of this app connected. */
  async connected(): Promise<boolean> {
    try {
      const res = await sidecarFetch(this.config, "/v1.0/metadata", { timeoutMs: 1_000 });
      const meta = (await res.json()) as { workflows?: { connectedWorkers?: number } };
      return (meta.workflows?.connectedWorkers ?? 0) > 0;
    } catch {
      return false;
    }
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      if (!this.runtime) {
        if (await sidecarHealthy(this.config)) await this.replace();
        return;
      }
      if (await this.connected()) {
        this.misses = 0;
        return;
      }
      if (++this.misses < 2 || !(await sidecarHealthy(this.config))) return;
      this.restarts++;
      this.log.warn({ restarts: this.restarts }, "no workflow worker connected to the sidecar; starting a fresh one");
      await this.replace();
    } finally {
      this.checking = false;
    }
  }

  private async replace(): Promise<void> {
    await this.runtime?.stop().catch(() => undefined);
    this.misses = 0;
    this.runtime = this.create();
    await this.runtime.start().then(
      () => this.log.info("workflow runtime started"),
      (err: unknown) => this.log.warn({ err }, "workflow runtime did not start; will retry"),
    );
  }
}
