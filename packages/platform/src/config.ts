import { z } from "zod";

/** Raised when the environment does not describe a valid configuration; start-up stops on it. */
export class ConfigError extends Error {
  constructor(readonly service: string, readonly problems: string[]) {
    super(`invalid configuration for ${service}:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

const port = z.coerce.number().int().min(0).max(65535);
const flag = z.enum(["true", "false"]).transform((v) => v === "true");

/** What every service reads: its HTTP port, logging and its Dapr sidecar. */
export const serviceEnv = {
  PORT: port,
  /** Address the HTTP server binds: loopback locally (the sidecar is beside it), 0.0.0.0 in a pod. */
  HOST: z.string().min(1).default("127.0.0.1"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DAPR_HOST: z.string().default("127.0.0.1"),
  DAPR_HTTP_PORT: port.default(3500),
  /** Token this app sends to its sidecar (daprd's DAPR_API_TOKEN). */
  DAPR_API_TOKEN: z.string().min(16).optional(),
  /** Token the sidecar sends to this app (daprd's APP_API_TOKEN); required by internal services. */
  APP_API_TOKEN: z.string().min(16).optional(),
  PUBSUB_NAME: z.string().min(1).default("pubsub"),
  /** Largest JSON body accepted, in bytes. */
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(64 * 1024),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
  /** The event watchdog (docs/operations.md): beat interval, when silence is unhealthy, when it restarts the sidecar (0: never). */
  EVENT_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
  EVENT_STALE_AFTER_MS: z.coerce.number().int().min(100).default(20_000),
  EVENT_RESTART_AFTER_MS: z.coerce.number().int().min(0).default(60_000),
};

/** A service that owns a MySQL database through TypeORM. */
export const databaseEnv = {
  DB_HOST: z.string().default("127.0.0.1"),
  DB_PORT: port.default(3306),
  DB_USER: z.string().min(1),
  DB_PASSWORD: z.string().min(1),
  DB_NAME: z.string().regex(/^[A-Za-z0-9_]+$/, "letters, digits and _ only"),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  MIGRATE_ON_START: flag.default(true),
  /** Apply pending migrations and exit (the chart's init container does this before start). */
  MIGRATE_ONLY: flag.default(false),
  /** How often old outbox, inbox and idempotency rows are purged (ms), and how old they must be. */
  HOUSEKEEPING_INTERVAL_MS: z.coerce.number().int().min(100).default(3_600_000),
  OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(1).default(7),
  INBOX_RETENTION_DAYS: z.coerce.number().int().min(1).default(14),
  IDEMPOTENCY_RETENTION_HOURS: z.coerce.number().int().min(1).default(24),
};

export type ServiceConfig = z.infer<z.ZodObject<typeof serviceEnv>>;
export type DatabaseConfig = z.infer<z.ZodObject<typeof databaseEnv>>;

/**
 * Reads and validates configuration from the environment. Values are never echoed in the
 * error (they may be secrets); only the variable names and what is wrong with them.
 */
export function loadConfig<S extends z.ZodRawShape>(
  service: string,
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      service,
      result.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`),
    );
  }
  return result.data;
}
