import type { DataSource, EntityManager, MigrationInterface, QueryRunner } from "typeorm";
import type { Logger } from "./logger";
import { PollingWorker } from "./worker";

export interface DeliveryOptions {
  pollIntervalMs?: number;
  batchSize?: number;
  /** Backoff after a failed attempt: base * 2^(attempts-1), capped. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

/**
 * Work that must reach something outside the database at least once (an external platform, a
 * notification channel): recorded with a unique key in the consumer's transaction, then sent by
 * a worker that retries with exponential backoff until it succeeds. The key travels with every
 * attempt, so the receiver can keep exactly one per key.
 */
export class DeliveryQueue<P> extends PollingWorker {
  constructor(
    private readonly ds: DataSource,
    private readonly send: (payload: P, key: string) => Promise<void>,
    log: Logger,
    private readonly options: DeliveryOptions = {},
  ) {
    super(log, "delivery round");
  }

  /** Records a delivery in the caller's transaction; the same key twice is one delivery. */
  static async enqueue(manager: EntityManager, key: string, payload: unknown): Promise<void> {
    await manager.query("INSERT IGNORE INTO deliveries (delivery_key, payload) VALUES (?, ?)", [key, JSON.stringify(payload)]);
  }

  protected round(): Promise<number> {
    return this.drain();
  }

  protected delayMs(): number {
    return this.options.pollIntervalMs ?? 500;
  }

  /** Attempts every delivery that is due; returns how many succeeded. */
  async drain(): Promise<number> {
    const base = this.options.backoffBaseMs ?? 500;
    const max = this.options.backoffMaxMs ?? 60_000;
    // READ COMMITTED: record locks only, so consumers keep enqueuing while a round sends.
    return this.ds.transaction("READ COMMITTED", async (m) => {
      const rows: Array<{ id: string; delivery_key: string; payload: unknown; attempts: number }> = await m.query(
        `SELECT id, delivery_key, payload, attempts FROM deliveries
         WHERE delivered_at IS NULL AND next_attempt_at <= NOW(3) ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize ?? 50],
      );
      let delivered = 0;
      for (const row of rows) {
        const payload = (typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload) as P;
        try {
          await this.send(payload, row.delivery_key);
          await m.query("UPDATE deliveries SET delivered_at = NOW(3), attempts = attempts + 1, last_error = NULL WHERE id = ?", [row.id]);
          delivered++;
        } catch (err) {
          const delay = Math.min(base * 2 ** row.attempts, max);
          await m.query(
            "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = NOW(3) + INTERVAL ? MICROSECOND, last_error = ? WHERE id = ?",
            [delay * 1000, String((err as Error).message ?? err).slice(0, 500), row.id],
          );
        }
      }
      return delivered;
    });
  }
}

export class CreateDeliveriesTable1763700000002 implements MigrationInterface {
  name = "CreateDeliveriesTable1763700000002";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE IF NOT EXISTS deliveries (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      delivery_key VARCHAR(128) NOT NULL,
      payload JSON NOT NULL,
      attempts INT NOT NULL DEFAULT 0,
      next_attempt_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      delivered_at DATETIME(3) NULL,
      last_error VARCHAR(500) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      UNIQUE KEY ux_deliveries_key (delivery_key),
      KEY ix_deliveries_due (delivered_at, next_attempt_at)
    ) ENGINE=InnoDB`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE IF EXISTS deliveries");
  }
}
