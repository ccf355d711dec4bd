import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { apiAt } from "../support/stack";

/** Helpers for tests against the local single-node cluster (scripts/k8s.sh up). */
export const ROOT = join(__dirname, "..", "..");
export const NAMESPACE = process.env.K8S_NAMESPACE ?? "concert-booking";
export const GATEWAY = `http://127.0.0.1:${process.env.K8S_GATEWAY_PORT ?? 18080}`;
export const ZIPKIN = `http://127.0.0.1:${process.env.K8S_ZIPKIN_PORT ?? 19411}`;
export const api = apiAt(GATEWAY);

/** KUBECONFIG and PATH (the cluster's kubectl) as `scripts/k8s.sh env` prints them. */
const clusterEnv: NodeJS.ProcessEnv = (() => {
  const env = { ...process.env };
  const lines = execFileSync(join(ROOT, "scripts", "k8s.sh"), ["env"], { encoding: "utf8" }).split(/[\n;]/);
  for (const line of lines) {
    const m = /^export (\w+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2].replace(/^["']|["']$/g, "").replace(/\$PATH|\$\{PATH\}/, process.env.PATH ?? "");
  }
  return env;
})();

export interface Run {
  status: number | null;
  /** What it printed on stdout. */
  stdout: string;
  /** stdout and stderr, for failure messages. */
  output: string;
}

/** Runs a project script or a cluster tool; never throws, returns its exit status and output. */
export function run(cmd: string, args: string[], timeoutMs = 600_000): Run {
  const r = spawnSync(cmd, args, { cwd: ROOT, env: clusterEnv, encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout ?? "", output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

export function kubectl<T = any>(...args: string[]): T {
  const r = run("kubectl", [...args, "-o", "json"], 60_000);
  if (r.status !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.output}`);
  return JSON.parse(r.stdout) as T;
}

/** The last lines of a long output, for a failure message that fits on a screen. */
export const tail = (text: string, lines = 40) => text.split("\n").slice(-lines).join("\n");

interface Pod {
  metadata: { name: string; labels?: Record<string, string> };
  status: { phase: string; conditions?: Array<{ type: string; status: string }>; containerStatuses?: Array<{ name: string; ready: boolean; restartCount: number }> };
}

/** Every pod of a namespace: its name, Ready condition and containers. */
export function pods(namespace: string) {
  return kubectl<{ items: Pod[] }>("get", "pods", "-n", namespace).items.map((p) => ({
    name: p.metadata.name,
    app: p.metadata.labels?.["app.kubernetes.io/name"] ?? p.metadata.labels?.app ?? "",
    ready: p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
    containers: (p.status.containerStatuses ?? []).map((c) => ({ name: c.name, ready: c.ready })),
  }));
}

/** GET through the API server's service proxy: an in-cluster Service without exposing a port. */
export function serviceGet<T = any>(service: string, port: number, path: string): T {
  const r = run("kubectl", ["get", "--raw", `/api/v1/namespaces/${NAMESPACE}/services/${service}:${port}/proxy${path}`], 30_000);
  if (r.status !== 0) throw new Error(`proxy to ${service}${path}: ${r.output}`);
  return JSON.parse(r.stdout) as T;
}
