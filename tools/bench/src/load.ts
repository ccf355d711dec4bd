import autocannon from "autocannon";
import { type CpuProfile, profiled } from "./cpu";

/** One request of a phase, prepared before the clock starts. */
export interface Prepared {
  method: "GET" | "POST";
  url: string;
  /** Or a function, read when the request is sent (an admission pass refreshed meanwhile). */
  headers?: Record<string, string> | (() => Record<string, string>);
  body?: unknown;
  /** Sees the answer (status and body) of this request. */
  onAnswer?: (status: number, body: string) => void;
}

export interface PhaseResult {
  name: string;
  requests: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  maxMs: number;
  statuses: Record<string, number>;
  cpu: CpuProfile;
  /** CPU of the whole stack per request (ms): what one request costs the machine. */
  cpuMsPerRequest: number;
}

/**
 * Runs prepared requests through autocannon, `connections` at a time, each exactly once (or,
 * with `seconds`, cycling through them until the time is up), and profiles the stack's CPU
 * meanwhile. Every request goes to its own absolute URL (one origin per phase).
 */
export async function load(name: string, prepared: Prepared[], opts: { connections: number; seconds?: number }): Promise<PhaseResult> {
  if (!prepared.length) throw new Error(`phase ${name}: nothing to send`);
  const origin = new URL(prepared[0]!.url).origin;
  const statuses: Record<string, number> = {};
  let next = 0;
  const { result, cpu } = await profiled(
    () =>
      new Promise<autocannon.Result>((resolve, reject) => {
        autocannon(
          {
            url: origin,
            connections: Math.min(opts.connections, prepared.length),
            ...(opts.seconds ? { duration: opts.seconds } : { amount: prepared.length }),
            timeout: 30,
            requests: [
              {
                setupRequest: (req, context: object) => {
                  const p = prepared[next++ % prepared.length]!;
                  (context as { prepared?: Prepared }).prepared = p;
                  const u = new URL(p.url);
                  return {
                    ...req,
                    method: p.method,
                    path: u.pathname + u.search,
                    headers: { ...(p.body !== undefined ? { "content-type": "application/json" } : {}), ...(typeof p.headers === "function" ? p.headers() : p.headers) },
                    ...(p.body !== undefined ? { body: JSON.stringify(p.body) } : {}),
                  };
                },
                onResponse: (status, body, context: object) => {
                  statuses[status] = (statuses[status] ?? 0) + 1;
                  (context as { prepared?: Prepared }).prepared?.onAnswer?.(status, body);
                },
              },
            ],
          },
          (err, res) => (err ? reject(err) : resolve(res)),
        );
      }),
  );
  const requests = result.requests.total;
  const errors = result.errors + result.timeouts;
  if (errors) statuses.errors = errors;
  return {
    name,
    requests,
    rps: Math.round(requests / cpu.wallSeconds),
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    maxMs: result.latency.max,
    statuses,
    cpu,
    cpuMsPerRequest: Math.round(((cpu.totalSeconds * 1000) / Math.max(1, requests)) * 10) / 10,
  };
}

export const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

/** Runs `work` over `items`, at most `limit` at a time. */
export async function eachLimit<T>(items: T[], limit: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i]!, i);
    }),
  );
}
