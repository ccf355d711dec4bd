import "reflect-metadata";
import { DataSource, type MigrationInterface } from "typeorm";
import type { DatabaseConfig } from "./config";
import { CreateIdempotencyTable1763700000001 } from "./idempotency";
import { CreateMessagingTables1763700000000 } from "./messaging";

export interface DatabaseOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: Function[];
  migrations: Array<new () => MigrationInterface>;
}

/**
 * The service's own MySQL database through one pooled TypeORM DataSource. Outbox and inbox
 * tables come with it. Schema changes only by migrations, never `synchronize`.
 */
export function createDataSource(config: DatabaseConfig, options: DatabaseOptions): DataSource {
  return new DataSource({
    type: "mysql",
    host: config.DB_HOST,
    port: config.DB_PORT,
    username: config.DB_USER,
    password: config.DB_PASSWORD,
    database: config.DB_NAME,
    timezone: "Z",
    charset: "utf8mb4",
    poolSize: config.DB_POOL_SIZE,
    extra: { connectionLimit: config.DB_POOL_SIZE, waitForConnections: true, enableKeepAlive: true },
    entities: options.entities,
    migrations: [CreateMessagingTables1763700000000, CreateIdempotencyTable1763700000001, ...options.migrations],
    migrationsTableName: "migrations",
    synchronize: false,
    logging: ["error"],
  });
}

/** Connects, and applies pending migrations when the config says so (local runs, the chart's Job). */
export async function openDatabase(ds: DataSource, config: DatabaseConfig): Promise<DataSource> {
  await ds.initialize();
  if (config.MIGRATE_ON_START || config.MIGRATE_ONLY) await ds.runMigrations({ transaction: "each" });
  return ds;
}

export async function databaseHealthy(ds: DataSource): Promise<boolean> {
  if (!ds.isInitialized) return false;
  await ds.query("SELECT 1");
  return true;
}
