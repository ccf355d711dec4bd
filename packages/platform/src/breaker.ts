import CircuitBreaker from "opossum";

export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerOptions {
  /** A call slower than this counts as a failure (ms). */
  timeout?: number;
  /** Failure percentage over the rolling window that opens the breaker. */
  errorThresholdPercentage?: number;
  /** How long the breaker stays open before a half-open probe (ms). */
  resetTimeout?: number;
  /** Calls in the window before the percentage is considered. */
  volumeThreshold?: number;
  rollingCountTimeout?: number;
  /** Errors for which this returns true do not count as failures (e.g. a 4xx answer). */
  isFailure?: (err: unknown) => boolean;
}

export interface BreakerSnapshot {
  name: string;
  state: BreakerState;
  failures: number;
  successes: number;
  rejects: number;
  timeouts: number;
  fallbacks: number;
}

const DEFAULTS = {
  timeout: 3_000,
  errorThresholdPercentage: 50,
  resetTimeout: 10_000,
  volumeThreshold: 5,
  rollingCountTimeout: 10_000,
};

/** Every breaker a process made, for health output and metrics. */
const registry = new Map<string, CircuitBreaker>();

function stateOf(b: CircuitBreaker): BreakerState {
  if (b.opened) return "open";
  if (b.halfOpen) return "half-open";
  return "closed";
}

/**
 * Wraps `action` in an opossum breaker registered under `name`. `fallback` answers while the
 * breaker is open or the call failed; without one the breaker's error propagates.
 */
export function createBreaker<A extends unknown[], R>(
  name: string,
  action: (...args: A) => Promise<R>,
  options: BreakerOptions = {},
  fallback?: (...args: [...A, Error]) => R | Promise<R>,
): CircuitBreaker<A, R> {
  if (registry.has(name)) throw new Error(`a breaker named ${name} already exists`);
  const { isFailure, ...rest } = options;
  const breaker = new CircuitBreaker<A, R>(action, {
    ...DEFAULTS,
    ...rest,
    name,
    ...(isFailure ? { errorFilter: (err: unknown) => !isFailure(err) } : {}),
  });
  if (fallback) breaker.fallback(fallback as (...args: unknown[]) => R);
  registry.set(name, breaker as unknown as CircuitBreaker);
  return breaker;
}

export function breakerSnapshots(): BreakerSnapshot[] {
  return [...registry.values()].map((b) => {
    const s = b.stats;
    return {
      name: b.name,
      state: stateOf(b),
      failures: s.failures,
      successes: s.successes,
      rejects: s.rejects,
      timeouts: s.timeouts,
      fallbacks: s.fallbacks,
    };
  });
}

/** Prometheus text exposition of every breaker's state and counters. */
export function breakerMetrics(): string {
  const lines = [
    "# HELP circuit_breaker_open 1 when the breaker is open, 0.5 half-open, 0 closed.",
    "# TYPE circuit_breaker_open gauge",
  ];
  const snaps = breakerSnapshots();
  for (const s of snaps) {
    lines.push(`circuit_breaker_open{breaker="${s.name}"} ${s.state === "open" ? 1 : s.state === "half-open" ? 0.5 : 0}`);
  }
  for (const key of ["failures", "successes", "rejects", "timeouts", "fallbacks"] as const) {
    lines.push(`# TYPE circuit_breaker_${key} gauge`);
    for (const s of snaps) lines.push(`circuit_breaker_${key}{breaker="${s.name}"} ${s[key]}`);
  }
  return lines.join("\n") + "\n";
}

/** Stops every breaker's timers (shutdown and tests). */
export function shutdownBreakers(): void {
  for (const b of registry.values()) b.shutdown();
  registry.clear();
}

export type Breaker<A extends unknown[], R> = CircuitBreaker<A, R>;
