import { join } from "node:path";
import type { LocalSecrets } from "./secrets";

/** Where the project lives and where local runs keep their state (git-ignored). */
export const ROOT = join(__dirname, "..", "..", "..");
export const RUN_DIR = process.env.CONCERT_RUN_DIR ?? join(ROOT, ".run");

/** Loopback ports of the local stack (must match scripts/lib.sh); all below the ephemeral range. */
export const INFRA = {
  mariadbPort: 13306,
  redisUrl: "redis://127.0.0.1:16379",
  placement: "127.0.0.1:25005",
  scheduler: "127.0.0.1:25006",
  /** Dapr Sentry (scripts/infra.sh): the CA of the sidecars' mTLS identities. */
  sentry: "127.0.0.1:25007",
  zipkinUrl: "http://127.0.0.1:9411",
  /** The local operator's account (tests, bench, the invariant checker): rights on every database. */
  dbUser: "ops",
  dbPassword: "ops-dev",
};

/** A service's own MySQL account, with rights on its own database only (scripts/infra.sh). */
export const dbAccountOf = (database: string) => ({ user: database, password: `${database}-dev` });

export interface ServiceSpec {
  name: string;
  appPort: number;
  daprHttpPort: number;
  daprGrpcPort: number;
  internalGrpcPort: number;
  metricsPort: number;
  /** Owns a MySQL database of its own name. */
  database: boolean;
  /** Service-specific settings for local runs. */
  env?: (secrets: LocalSecrets) => Record<string, string>;
  /** A plain process without a Dapr sidecar (the external platform's stand-in). */
  sidecar?: false;
  /** Where its entry point lives, when not services/<name>. */
  dir?: string;
}

export const MOCK_DATAPLATFORM_URL = "http://127.0.0.1:4080";

const spec = (name: string, n: number, extra: Partial<ServiceSpec> = {}): ServiceSpec => ({
  name,
  appPort: 3000 + n,
  daprHttpPort: 3500 + n,
  daprGrpcPort: 21100 + n,
  internalGrpcPort: 21200 + n,
  metricsPort: 9100 + n,
  database: true,
  ...extra,
});

/** Every service, in start order. Adding a service: one line here (docs/adding-a-service.md). */
export const SERVICES: ServiceSpec[] = [
  spec("concert", 1),
  // Short sweeper grace locally, so a hold left by a dead saga is visibly released in seconds.
  spec("seat", 2, { env: () => ({ HOLD_SWEEP_INTERVAL_MS: "500", HOLD_GRACE_SECONDS: "1", ROUTING_HOLD_SECONDS: "20" }) }),
  spec("user", 3, {
    env: (s) => ({ JWT_PRIVATE_KEY: s.jwtPrivateKey, ADMIN_EMAIL: "admin@concert.local", ADMIN_PASSWORD: s.adminPassword }),
  }),
  spec("queue", 4, {
    database: false,
    env: (s) => ({
      REDIS_URL: INFRA.redisUrl,
      QUEUE_TICK_MS: "200",
      QUEUE_ACTIVE_CAPACITY: "1000",
      QUEUE_ADMISSION_PER_SECOND: "200",
      QUEUE_PASS_SECRET: s.queuePassSecret,
    }),
  }),
  spec("wallet", 5),
  spec("reservation", 6, {
    database: false,
    env: () => ({ WALLET_BREAKER_RESET_MS: "3000" }),
  }),
  spec("ranking", 7),
  spec("dataplatform", 8, {
    // Short backoff locally, so deliveries resume within seconds of the platform's recovery.
    env: () => ({ DATA_PLATFORM_URL: MOCK_DATAPLATFORM_URL, DATA_PLATFORM_BREAKER_RESET_MS: "2000", DELIVERY_BACKOFF_MAX_MS: "3000", DELIVERY_BACKOFF_BASE_MS: "200" }),
  }),
  spec("notification", 9),
  spec("mypage", 10),
  spec("waitlist", 12),
  spec("web", 11, { database: false }),
  spec("mock-dataplatform", 80, { appPort: 4080, database: false, sidecar: false, dir: "tools/mock-dataplatform" }),
  spec("gateway", 0, { appPort: 8080, database: false, env: (s) => ({ QUEUE_PASS_SECRET: s.queuePassSecret, REDIS_URL: INFRA.redisUrl }) }),
];

export function serviceSpec(name: string): ServiceSpec {
  const s = SERVICES.find((x) => x.name === name);
  if (!s) throw new Error(`unknown service ${name}; known: ${SERVICES.map((x) => x.name).join(", ")}`);
  return s;
}
