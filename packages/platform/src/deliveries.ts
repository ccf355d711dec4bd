import type { DataSource, EntityManager, MigrationInterface, QueryRunner } from "typeorm";
import type { Logger } from "./logger";
import { PollingWorker } from "./worker";

export interface DeliveryOptions {
  pollIntervalMs?: number;
  batchSize?: number;
  /** Deliveries sent at once within a round (default 8). */
  concurrency?: number;
  /**
   * Deliveries with the same order key are sent one after the other, in the order they were
   * recorded (a reservation's completion before its cancellation); others go side by side.
   */
  orderKey?: (key: string) => string;
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
      // Rows of one order key form a lane sent in order; a failure ends its lane for this round
      // so nothing overtakes it. Lanes run side by side, `concurrency` at a time.
      const lanes = new Map<string, typeof rows>();
      for (const row of rows) {
        const lane = this.options.orderKey?.(row.delivery_key) ?? row.delivery_key;
        lanes.set(lane, [...(lanes.get(lane) ?? []), row]);
      }
      const sent: string[] = [];
      const failed: Array<{ id: string; attempts: number; error: string }> = [];
      const held: Array<{ id: string; attempts: number }> = [];
      const queue = [...lanes.values()];
      const runLane = async (): Promise<void> => {
        for (let lane = queue.shift(); lane; lane = queue.shift()) {
          for (const [i, row] of lane.entries()) {
            const payload = (typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload) as P;
            try {
              await this.send(payload, row.delivery_key);
              sent.push(row.id);
            } catch (err) {
              failed.push({ id: row.id, attempts: row.attempts, error: String((err as Error).message ?? err).slice(0, 500) });
              // The rest of the lane waits as long as the failed one, so it cannot overtake it.
              for (const later of lane.slice(i + 1)) held.push({ id: later.id, attempts: row.attempts });
              break;
            }
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 8, queue.length) }, runLane));
      if (sent.length) {
        await m.query("UPDATE deliveries SET delivered_at = NOW(3), attempts = attempts + 1, last_error = NULL WHERE id IN (?)", [sent]);
      }
      for (const f of failed) {
        const delay = Math.min(base * 2 ** f.attempts, max);
        await m.query("UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = NOW(3) + INTERVAL ? MICROSECOND, last_error = ? WHERE id = ?", [
          delay * 1000,
          f.error,
          f.id,
        ]);
      }
      for (const h of held) {
        const delay = Math.min(base * 2 ** h.attempts, max);
        await m.query("UPDATE deliveries SET next_attempt_at = NOW(3) + INTERVAL ? MICROSECOND WHERE id = ?", [delay * 1000, h.id]);
      }
      const delivered = sent.length;
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
