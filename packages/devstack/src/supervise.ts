#!/usr/bin/env node
/**
 * Keeps one process of the local stack running, as Kubernetes keeps a container running:
 * `supervise <child-pid-file> -- <command> [args...]` starts the command, and when it exits
 * on its own (a crash, a SIGKILL, or a sidecar asked to shut down by its app's event watchdog)
 * starts it again after a backoff (1 s, doubling to 10 s while it keeps dying within 10 s).
 * SIGTERM/SIGINT are passed on to the child once, and the supervisor exits after it. The child's pid is written to
 * `<child-pid-file>` so a fault test can kill the child alone.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";

const [pidFile, dashes, cmd, ...args] = process.argv.slice(2);
if (!pidFile || dashes !== "--" || !cmd) {
  process.stderr.write("usage: supervise <child-pid-file> -- <command> [args...]\n");
  process.exit(2);
}

let child: ChildProcess | undefined;
let stopping = false;
let backoffMs = 500;

function note(message: string): void {
  process.stdout.write(`${JSON.stringify({ level: "warn", supervisor: true, time: new Date().toISOString(), msg: message })}\n`);
}

function start(): void {
  const startedAt = Date.now();
  // Its own process group: a stop signal reaches it once, from here. daprd treats a second
  // SIGTERM as "exit now", skipping its graceful shutdown (leaving its Kafka group, draining).
  child = spawn(cmd!, args, { stdio: "inherit", env: process.env, detached: true });
  if (child.pid) writeFileSync(pidFile!, String(child.pid));
  child.once("exit", (code, signal) => {
    child = undefined;
    if (stopping) {
      rmSync(pidFile!, { force: true });
      process.exit(0);
    }
    backoffMs = Date.now() - startedAt > 10_000 ? 1_000 : Math.min(backoffMs * 2, 10_000);
    note(`${cmd} exited (code ${code}, signal ${signal}); restarting in ${backoffMs} ms`);
    setTimeout(start, backoffMs);
  });
}

for (const sig of ["SIGTERM", "SIGINT"] as const) {
  process.on(sig, () => {
    stopping = true;
    if (!child) process.exit(0);
    child.kill(sig);
  });
}
start();
