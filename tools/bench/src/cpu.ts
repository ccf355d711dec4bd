import { readdirSync, readFileSync } from "node:fs";

/**
 * Where the CPU went during a phase: user+system time of every process of the local stack,
 * read from /proc before and after, grouped by role ("app:seat", "daprd:seat", "mariadb",
 * "kafka", …). On a machine where the whole stack shares a few cores this is the profile that
 * says which process a request's cost lands in; per-function profiles (node --cpu-prof) then
 * zoom into one of them.
 */
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function roleOf(args: string[]): string | undefined {
  const joined = args.join(" ");
  const bin = args[0]?.split("/").at(-1) ?? "";
  if (bin === "daprd") return `daprd:${args[args.indexOf("--app-id") + 1]}`;
  if (bin === "placement" || bin === "scheduler") return `dapr-${bin}`;
  if (bin === "mariadbd" || bin === "mysqld") return "mariadb";
  if (bin.startsWith("redis-server")) return "redis";
  if (bin === "java" && joined.includes("kafka.Kafka")) return "kafka";
  if (bin === "java" && joined.includes("zipkin")) return "zipkin";
  const main = /\/(services|tools)\/([^/]+)\/dist\/main\.js/.exec(joined);
  if (bin === "node" && main) return main[1] === "tools" ? main[2] : `app:${main[2]}`;
  return undefined;
}

function snapshot(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
      const role = pid === String(process.pid) ? "bench (load generator)" : roleOf(args);
      if (!role) continue;
      // Fields after the command name (which may contain spaces): utime is 14th, stime 15th.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks.set(role, (ticks.get(role) ?? 0) + Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended between readdir and read.
    }
  }
  return ticks;
}

export interface CpuProfile {
  /** CPU seconds per role during the phase, largest first. */
  seconds: Record<string, number>;
  totalSeconds: number;
  wallSeconds: number;
  /** Cores busy on average (total CPU seconds / wall seconds). */
  coresBusy: number;
}

/** Runs `work` and returns its result with the CPU each process of the stack spent meanwhile. */
export async function profiled<T>(work: () => Promise<T>): Promise<{ result: T; cpu: CpuProfile }> {
  const before = snapshot();
  const t0 = Date.now();
  const result = await work();
  const wallSeconds = (Date.now() - t0) / 1000;
  const after = snapshot();
  const seconds: Record<string, number> = {};
  let total = 0;
  const entries = [...after].map(([role, t]) => [role, (t - (before.get(role) ?? 0)) / TICKS_PER_SECOND] as const);
  for (const [role, s] of entries.sort((a, b) => b[1] - a[1])) {
    if (s <= 0) continue;
    seconds[role] = Math.round(s * 100) / 100;
    total += s;
  }
  return {
    result,
    cpu: { seconds, totalSeconds: Math.round(total * 100) / 100, wallSeconds, coresBusy: Math.round((total / wallSeconds) * 100) / 100 },
  };
}
