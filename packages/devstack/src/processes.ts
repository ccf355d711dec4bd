import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { localSecrets, tokensOf } from "./secrets";
import { dbAccountOf, INFRA, ROOT, RUN_DIR, type ServiceSpec, SERVICES, serviceSpec } from "./services";

const DAPR_VERSION = process.env.DAPR_VERSION ?? "1.18.2";
const CACHE = process.env.CONCERT_CACHE ?? join(homedir(), ".cache", "concert-booking");
const LOG_DIR = join(RUN_DIR, "logs");
const PID_DIR = join(RUN_DIR, "pids");

export const daprd = () => join(CACHE, "dapr", DAPR_VERSION, "bin", "daprd");
export const logFile = (proc: string) => join(LOG_DIR, `${proc}.log`);
const pidFile = (proc: string) => join(PID_DIR, `${proc}.pid`);
const childPidFile = (proc: string) => join(PID_DIR, `${proc}.child.pid`);
const SUPERVISOR = join(__dirname, "supervise.js");

/** The environment a service's app process runs with. */
export function appEnv(s: ServiceSpec, extra: Record<string, string> = {}): Record<string, string> {
  const secrets = localSecrets();
  const tokens = tokensOf(s.name);
  const db = dbAccountOf(s.name);
  return {
    PATH: process.env.PATH ?? "",
    NODE_ENV: "development",
    PORT: String(s.appPort),
    LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
    DAPR_HTTP_PORT: String(s.daprHttpPort),
    DAPR_GRPC_PORT: String(s.daprGrpcPort),
    DAPR_API_TOKEN: tokens.daprApiToken,
    APP_API_TOKEN: tokens.appApiToken,
    ...(s.database
      ? { DB_PORT: String(INFRA.mariadbPort), DB_USER: db.user, DB_PASSWORD: db.password, DB_NAME: s.name }
      : {}),
    ...s.env?.(secrets),
    ...extra,
  };
}

function daprdArgs(s: ServiceSpec): string[] {
  return [
    "--app-id", s.name,
    "--app-port", String(s.appPort),
    "--app-protocol", "http",
    "--app-channel-address", "127.0.0.1",
    "--dapr-listen-addresses", "127.0.0.1",
    "--dapr-http-port", String(s.daprHttpPort),
    "--dapr-grpc-port", String(s.daprGrpcPort),
    "--dapr-internal-grpc-port", String(s.internalGrpcPort),
    "--dapr-internal-grpc-listen-address", "127.0.0.1",
    "--metrics-port", String(s.metricsPort),
    "--metrics-listen-address", "127.0.0.1",
    "--resources-path", join(ROOT, "components"),
    "--config", join(ROOT, "components", "config.yaml"),
    // mTLS between sidecars and with placement and scheduler, identities from Sentry: Dapr's
    // access control (components/config.yaml) then knows which app calls.
    "--enable-mtls",
    "--sentry-address", INFRA.sentry,
    "--control-plane-trust-domain", "localhost",
    "--placement-host-address", INFRA.placement,
    "--scheduler-host-address", INFRA.scheduler,
    "--enable-app-health-check",
    "--app-health-check-path", "/healthz",
    // A saturated machine can keep an event loop busy past the default 500 ms x 3: daprd would
    // then call the app unhealthy, refuse its calls and close its subscriptions (docs/operations.md).
    "--app-health-probe-interval", "2",
    "--app-health-probe-timeout", "1500",
    "--app-health-threshold", "3",
    "--dapr-graceful-shutdown-seconds", "5",
    "--log-level", process.env.DAPR_LOG_LEVEL ?? "warn",
    "--log-as-json",
  ];
}

/** Starts `cmd` under the supervisor (restarted when it dies, as a pod's container would be). */
function launch(proc: string, cmd: string, args: string[], env: Record<string, string>): void {
  mkdirSync(LOG_DIR, { recursive: true });
  mkdirSync(PID_DIR, { recursive: true });
  const out = openSync(logFile(proc), "a");
  const supervised = [SUPERVISOR, childPidFile(proc), "--", cmd, ...args];
  const child = spawn(process.execPath, supervised, { cwd: ROOT, env, detached: true, stdio: ["ignore", out, out] });
  child.unref();
  writeFileSync(pidFile(proc), String(child.pid));
}

function pidOf(proc: string): number | undefined {
  if (!existsSync(pidFile(proc))) return undefined;
  const pid = Number(readFileSync(pidFile(proc), "utf8"));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export const isRunning = (proc: string) => pidOf(proc) !== undefined;

/** Sends `signal` to the supervised process itself (not its supervisor); its pid, or undefined when not running. */
function signalChild(proc: string, signal: NodeJS.Signals): number | undefined {
  if (!existsSync(childPidFile(proc))) return undefined;
  const pid = Number(readFileSync(childPidFile(proc), "utf8"));
  try {
    process.kill(pid, signal);
    return pid;
  } catch {
    return undefined;
  }
}

/** Kills the supervised process as a crash would (SIGKILL): the supervisor starts it again. */
export const crash = (proc: string) => signalChild(proc, "SIGKILL");
/** Stops a supervised process without killing it (SIGSTOP): it holds what it was sent, answers nothing. */
export const freeze = (proc: string) => signalChild(proc, "SIGSTOP");
/** Lets a frozen process go on (SIGCONT) with whatever it was sent meanwhile. */
export const thaw = (proc: string) => signalChild(proc, "SIGCONT");

async function waitFor(what: string, log: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      const tail = existsSync(log) ? readFileSync(log, "utf8").split("\n").slice(-25).join("\n") : "(no log)";
      throw new Error(`${what} did not become ready within ${timeoutMs / 1000}s (log: ${log})\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ok = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok;

/** Starts a real daprd for `s` (unless running) and waits until its API answers. */
export async function startSidecar(s: ServiceSpec): Promise<void> {
  if (!isRunning(`${s.name}-daprd`)) {
    const tokens = tokensOf(s.name);
    launch(`${s.name}-daprd`, daprd(), daprdArgs(s), {
      PATH: process.env.PATH ?? "",
      APP_API_TOKEN: tokens.appApiToken,
      DAPR_API_TOKEN: tokens.daprApiToken,
      DAPR_TRUST_ANCHORS: readFileSync(join(RUN_DIR, "sentry", "ca.crt"), "utf8"),
    });
  }
  await waitFor(`${s.name} sidecar`, logFile(`${s.name}-daprd`), 60_000, () =>
    ok(`http://127.0.0.1:${s.daprHttpPort}/v1.0/healthz`),
  );
}

/** Starts a service's app and its daprd sidecar (unless running) and waits until both are ready. */
export async function startService(name: string, extraEnv: Record<string, string> = {}): Promise<void> {
  const s = serviceSpec(name);
  const main = join(ROOT, s.dir ?? join("services", name), "dist", "main.js");
  if (!existsSync(main)) throw new Error(`${main} is missing: run the build (npx tsc -b) first`);
  if (!isRunning(`${name}-app`)) launch(`${name}-app`, process.execPath, ["--enable-source-maps", main], appEnv(s, extraEnv));
  if (s.sidecar !== false) await startSidecar(s);
  await waitFor(`${name} app`, logFile(`${name}-app`), 60_000, () => ok(`http://127.0.0.1:${s.appPort}/readyz`));
  // daprd holds calls to an app it has not yet probed healthy (every 2 s): ready means
  // reachable through its own sidecar too.
  if (s.sidecar !== false) {
    const headers = { "dapr-api-token": tokensOf(name).daprApiToken };
    await waitFor(`${name} through its sidecar`, logFile(`${name}-daprd`), 60_000, async () =>
      (await fetch(`http://127.0.0.1:${s.daprHttpPort}/v1.0/invoke/${name}/method/healthz`, { headers, signal: AbortSignal.timeout(1_000) })).ok,
    );
  }
}

/**
 * Stops one process: SIGTERM (graceful: the supervisor passes it on once and exits after its
 * child) or SIGKILL (a crash: the child and its supervisor), and waits until both are gone.
 */
async function stopProcess(proc: string, signal: NodeJS.Signals): Promise<void> {
  const pid = pidOf(proc);
  const kill = (target: number, sig: NodeJS.Signals) => {
    try {
      process.kill(target, sig);
    } catch {
      // Already gone.
    }
  };
  if (pid !== undefined) {
    if (signal === "SIGKILL") {
      kill(-pid, "SIGKILL");
      crash(proc);
    } else kill(pid, signal);
    const deadline = Date.now() + 15_000;
    while (isRunning(proc)) {
      if (Date.now() > deadline) {
        kill(-pid, "SIGKILL");
        crash(proc);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  rmSync(pidFile(proc), { force: true });
  rmSync(childPidFile(proc), { force: true });
}

export async function stopService(name: string, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  await stopProcess(`${name}-app`, signal);
  await stopSidecar(name, signal);
}

export const stopSidecar = (name: string, signal: NodeJS.Signals = "SIGTERM") => stopProcess(`${name}-daprd`, signal);
/** Stops only the app (its sidecar stays), e.g. SIGKILL to simulate a crash. */
export const stopApp = (name: string, signal: NodeJS.Signals = "SIGTERM") => stopProcess(`${name}-app`, signal);

export async function startAll(names = SERVICES.map((s) => s.name)): Promise<void> {
  // The first sidecar alone: it creates the shared SQLite name-resolution file and its tables.
  // Sidecars migrating a new file at once collide ("database is locked"), and the losers run
  // without name resolution. Then the rest side by side: they start independently.
  const withSidecar = names.filter((n) => serviceSpec(n).sidecar !== false);
  const first = withSidecar[0];
  if (first) await startService(first);
  await Promise.all(names.filter((n) => n !== first).map((n) => startService(n)));
}

export async function stopAll(): Promise<void> {
  await Promise.all(SERVICES.map((s) => stopService(s.name)));
}
