import pino, { type Logger } from "pino";
import { currentContext } from "./context";

export type { Logger };

/** Paths that must never reach a log line. */
const REDACT = [
  "password",
  "*.password",
  "token",
  "*.token",
  "accessToken",
  "*.accessToken",
  "req.headers.authorization",
  'req.headers["dapr-api-token"]',
  "headers.authorization",
  'headers["dapr-api-token"]',
];

/** JSON logs, one line each, carrying the trace id of the request or event being handled. */
export function createLogger(service: string, level = "info"): Logger {
  return pino({
    level,
    base: { service },
    redact: { paths: REDACT, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const ctx = currentContext();
      return ctx ? { traceId: ctx.traceId } : {};
    },
  });
}
