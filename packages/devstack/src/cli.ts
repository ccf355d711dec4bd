#!/usr/bin/env node
import { signToken } from "./tokens";
import { startAll, stopAll, stopService, startService } from "./processes";
import { INFRA, MOCK_DATAPLATFORM_URL, SERVICES, serviceSpec } from "./services";
import { randomUUID } from "node:crypto";
import { seedDemoConcert } from "./demo";

const USAGE = `usage: devstack <command>
  start [service...]   start services with their sidecars (all by default) and wait until ready
  stop [service...]    stop services and sidecars (all by default)
  restart service...   stop then start services
  run                  start everything, print the URLs, stop on Ctrl-C
  token [admin|user]   print a local access token for the gateway`;

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case "start":
      await startAll(rest.length ? rest : undefined);
      break;
    case "stop":
      if (rest.length) await Promise.all(rest.map((n) => stopService(n)));
      else await stopAll();
      break;
    case "run": {
      await startAll();
      const gw = serviceSpec("gateway");
      await seedDemoConcert(`http://127.0.0.1:${gw.appPort}`).then(
        (title) => title && process.stdout.write(`\ndemo concert ready to book: ${title}\n`),
        (err: Error) => process.stderr.write(`\nno demo concert: ${err.message}\n`),
      );
      process.stdout.write(
        `\nconcert-booking is running\n  web app  http://127.0.0.1:${gw.appPort}/   (operator: admin@concert.local, password in .run/secrets.json)\n  gateway  http://127.0.0.1:${gw.appPort}/api/concerts\n  openapi  http://127.0.0.1:${gw.appPort}/api/openapi.json\n  zipkin   ${INFRA.zipkinUrl}/zipkin/\n  data platform (mock) ${MOCK_DATAPLATFORM_URL}/admin/received\n  logs     .run/logs/\n  services ${SERVICES.map((s) => s.name).join(", ")}\nCtrl-C stops the services (make infra-down stops the stack).\n`,
      );
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await stopAll();
      break;
    }
    case "token": {
      const role = rest[0] === "user" ? "user" : "admin";
      process.stdout.write(`${await signToken(rest[1] ?? randomUUID(), role)}\n`);
      break;
    }
    case "restart":
      for (const n of rest) {
        await stopService(n);
        await startService(n);
      }
      break;
    default:
      process.stderr.write(`${USAGE}\n`);
      process.exitCode = cmd ? 2 : 0;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
