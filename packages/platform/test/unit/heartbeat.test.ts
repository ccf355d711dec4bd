import type { Heartbeat } from "@concert/contracts";
import { EventWatchdog, type EventWatchdogOptions } from "../../src/heartbeat";
import { createLogger } from "../../src/logger";

const log = createLogger("test", "silent");

/** A watchdog with short timings, wired to plain functions standing for its path. */
function watchdog(path: { publishes?: boolean; echoes?: boolean; lastDeliveryAt?: (topic?: string) => number; producerHealthy?: boolean } = {}) {
  const sent: Heartbeat[] = [];
  let restarts = 0;
  const options: EventWatchdogOptions = {
    app: "mypage",
    intervalMs: 20,
    staleAfterMs: 150,
    restartAfterMs: 300,
    send: async (beat) => {
      if (path.publishes === false) throw new Error("broker unreachable");
      sent.push(beat);
      if (path.echoes !== false) setImmediate(() => w.seen(beat));
    },
    lastDeliveryAt: path.lastDeliveryAt ?? (() => 0),
    restartSidecar: async () => {
      restarts++;
    },
    sourceHealthy: async () => path.producerHealthy ?? true,
    expectBeats: [{ topic: "reservation-events", app: "reservation" }],
  };
  const w = new EventWatchdog(options, log);
  return { w, sent, restarts: () => restarts };
}

const until = async (what: string, probe: () => boolean, ms = 2_000) => {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("event watchdog", () => {
  it("is healthy while its own beats come back, and ignores other apps' beats", async () => {
    const { w, sent } = watchdog();
    w.start();
    await until("two beats", () => sent.length >= 2);
    w.seen({ app: "seat", beatId: "4c1d6d2e-8a43-4bd5-9a9f-2b8f0e0f4a11", sentAt: new Date(0).toISOString() });
    await w.stop();
    expect(w.status()).toMatchObject({ state: "ok", healthy: true, publishFailures: 0, sidecarRestarts: 0 });
    expect(w.status().lagMs).toBeLessThan(150);
    expect(w.metrics()).toContain('events_heartbeat_healthy{app="mypage"} 1');
  });

  it("goes stale and restarts the sidecar once per window when beats go out but nothing comes back", async () => {
    const { w, restarts } = watchdog({ echoes: false });
    w.start();
    await until("stale", () => w.status().state === "stale");
    expect(w.status().healthy).toBe(false);
    await until("a restart", () => restarts() === 1);
    // Re-armed: the fresh sidecar gets a whole window before the next restart.
    expect(w.status().sidecarRestarts).toBe(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(restarts()).toBe(1);
    await w.stop();
    expect(w.metrics()).toContain('events_sidecar_restarts_total{app="mypage"} 1');
  });

  it("reports a broker it cannot publish to, without restarting the sidecar", async () => {
    const { w, restarts } = watchdog({ publishes: false });
    w.start();
    await until("not-publishing", () => w.status().state === "not-publishing");
    await new Promise((r) => setTimeout(r, 400));
    await w.stop();
    expect(w.status()).toMatchObject({ state: "not-publishing", healthy: false });
    expect(restarts()).toBe(0);
  });

  it("leaves a consumer that is busy with other events alone (a backlog is lag, not a lost consumer)", async () => {
    const { w, restarts } = watchdog({ echoes: false, lastDeliveryAt: () => Date.now() });
    w.start();
    await until("stale", () => w.status().state === "stale");
    await new Promise((r) => setTimeout(r, 400));
    await w.stop();
    expect(restarts()).toBe(0);
  });

  it("restarts the sidecar when one topic goes quiet while its producer's beats flow (and its own come back)", async () => {
    const { w, restarts } = watchdog();
    w.start();
    await until("a restart for the quiet topic", () => restarts() === 1);
    await w.stop();
    expect(w.status().healthy).toBe(true);
    expect(w.metrics()).toMatch(/events_topic_silence_seconds\{app="mypage",topic="reservation-events",source="reservation"\} /);
  });

  it("leaves a quiet topic alone while its producer is down, or while the producer's beats keep arriving", async () => {
    const down = watchdog({ producerHealthy: false });
    down.w.start();
    const alive = watchdog();
    alive.w.start();
    const beats = setInterval(() => alive.w.seen({ app: "reservation", beatId: "4c1d6d2e-8a43-4bd5-9a9f-2b8f0e0f4a11", sentAt: new Date().toISOString() }, "reservation-events"), 20);
    await new Promise((r) => setTimeout(r, 600));
    clearInterval(beats);
    await Promise.all([down.w.stop(), alive.w.stop()]);
    expect(down.restarts()).toBe(0);
    expect(alive.restarts()).toBe(0);
  });

  it("calls late beats lagging", () => {
    const { w } = watchdog();
    w.seen({ app: "mypage", beatId: "4c1d6d2e-8a43-4bd5-9a9f-2b8f0e0f4a11", sentAt: new Date(Date.now() - 1_000).toISOString() });
    expect(w.status()).toMatchObject({ state: "lagging", healthy: false });
  });
});
