import type { DataSource } from "typeorm";
import type { Logger } from "./logger";
import { PollingWorker } from "./worker";

export interface Retention {
  intervalMs: number;
  /** Published outbox rows older than this are deleted (they were relayed long ago). */
  outboxDays: number;
  /** Inbox marks older than this: longer than the broker keeps a message it could redeliver. */
  inboxDays: number;
  /** Idempotency records older than this: a key replays its answer this long. */
  idempotencyHours: number;
}

/** Rows per DELETE, and DELETEs per table per round: bounded work, short row locks. */
const BATCH = 1_000;
const MAX_BATCHES = 50;

/**
 * Keeps the messaging tables of a MySQL service from growing forever: published outbox rows,
 * old inbox marks and expired idempotency records are deleted in small batches, one table at a
 * time. Safe with several replicas (each DELETE is idempotent).
 */
export class Housekeeper extends PollingWorker {
  private idempotencyTable?: boolean;

  constructor(
    private readonly ds: DataSource,
    log: Logger,
    private readonly retention: Retention,
  ) {
    super(log, "housekeeping");
  }

  protected delayMs(): number {
    return this.retention.intervalMs;
  }

  protected async round(): Promise<number> {
    const r = this.retention;
    let removed = await this.purge("DELETE FROM outbox WHERE published_at < NOW(3) - INTERVAL ? DAY ORDER BY seq LIMIT ?", r.outboxDays);
    removed += await this.purge("DELETE FROM inbox WHERE processed_at < NOW(3) - INTERVAL ? DAY LIMIT ?", r.inboxDays);
    this.idempotencyTable ??= (await this.ds.query("SHOW TABLES LIKE 'idempotency_keys'")).length > 0;
    if (this.idempotencyTable) {
      removed += await this.purge("DELETE FROM idempotency_keys WHERE created_at < NOW(3) - INTERVAL ? HOUR LIMIT ?", r.idempotencyHours);
    }
    if (removed) this.log.info({ removed }, "purged old outbox, inbox and idempotency rows");
    return removed;
  }

  private async purge(sql: string, age: number): Promise<number> {
    let removed = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const res: { affectedRows: number } = await this.ds.query(sql, [age, BATCH]);
      removed += res.affectedRows;
      if (res.affectedRows < BATCH) break;
    }
    return removed;
  }
}
