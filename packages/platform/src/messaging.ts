import { randomUUID } from "node:crypto";
import type { DaprClient } from "@dapr/dapr";
import type { EventContract, PayloadOf } from "@concert/contracts";
import type { DataSource, EntityManager, MigrationInterface, QueryRunner } from "typeorm";
import { currentContext } from "./context";
import type { Logger } from "./logger";
import { PollingWorker } from "./worker";

/** Creates the outbox and inbox tables; list it first in every service's migrations. */
export class CreateMessagingTables1763700000000 implements MigrationInterface {
  name = "CreateMessagingTables1763700000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE IF NOT EXISTS outbox (
      seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      event_id CHAR(36) NOT NULL,
      topic VARCHAR(128) NOT NULL,
      type VARCHAR(128) NOT NULL,
      partition_key VARCHAR(128) NULL,
      payload JSON NOT NULL,
      traceparent VARCHAR(64) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      published_at DATETIME(3) NULL,
      UNIQUE KEY ux_outbox_event_id (event_id),
      KEY ix_outbox_pending (published_at, seq)
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE IF NOT EXISTS inbox (
      consumer VARCHAR(128) NOT NULL,
      event_id VARCHAR(64) NOT NULL,
      processed_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (consumer, event_id)
    ) ENGINE=InnoDB`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE IF EXISTS inbox");
    await q.query("DROP TABLE IF EXISTS outbox");
  }
}

/** A transaction that can also record events to publish once it commits. */
export interface Transaction {
  readonly manager: EntityManager;
  publish<C extends EventContract>(contract: C, data: PayloadOf<C>, partitionKey?: string): void;
}

/**
 * The unit of work of a MySQL-backed service: runs `work` in one TypeORM transaction, writes
 * the events it published into the outbox table inside that same transaction, and wakes the
 * relay after commit. Nothing is published for a transaction that rolls back.
 */
export class UnitOfWork {
  constructor(
    private readonly ds: DataSource,
    private readonly relay?: OutboxRelay,
  ) {}

  async run<T>(work: (tx: Transaction) => Promise<T>, options: { isolation?: IsolationLevel } = {}): Promise<T> {
    const result = await retryOnDeadlock(() =>
      options.isolation
        ? this.ds.transaction(options.isolation, (manager) => this.inTransaction(manager, work))
        : this.ds.transaction((manager) => this.inTransaction(manager, work)),
    );
    this.relay?.wake();
    return result;
  }

  /**
   * Applies an event once per consumer: the inbox row and the effect commit together, so a
   * redelivered or concurrently delivered event is skipped. Returns false for a duplicate.
   */
  async runOnce(consumer: string, eventId: string, work: (tx: Transaction) => Promise<void>): Promise<boolean> {
    const applied = await retryOnDeadlock(() => this.ds.transaction(async (manager) => {
      const res: { affectedRows: number } = await manager.query(
        "INSERT IGNORE INTO inbox (consumer, event_id) VALUES (?, ?)",
        [consumer, eventId],
      );
      if (res.affectedRows === 0) return false;
      await this.inTransaction(manager, work);
      return true;
    }));
    if (applied) this.relay?.wake();
    return applied;
  }

  private async inTransaction<T>(manager: EntityManager, work: (tx: Transaction) => Promise<T>): Promise<T> {
    const rows: unknown[][] = [];
    const traceparent = currentContext()?.traceparent ?? null;
    const result = await work({
      manager,
      publish: (contract, data, partitionKey) => {
        const payload = JSON.stringify(contract.schema.parse(data));
        rows.push([randomUUID(), contract.topic, contract.type, partitionKey ?? null, payload, traceparent]);
      },
    });
    if (rows.length) {
      await manager.query(
        "INSERT INTO outbox (event_id, topic, type, partition_key, payload, traceparent) VALUES ?",
        [rows],
      );
    }
    return result;
  }
}

type IsolationLevel = "READ UNCOMMITTED" | "READ COMMITTED" | "REPEATABLE READ" | "SERIALIZABLE";

/** MySQL's error number of a failed query, whether TypeORM wrapped the driver's error or not. */
export const mysqlErrno = (err: unknown): number | undefined =>
  (err as { driverError?: { errno?: number } }).driverError?.errno ?? (err as { errno?: number }).errno;

/** A unique key refused the row (ER_DUP_ENTRY). */
export const isDuplicateKey = (err: unknown) => mysqlErrno(err) === 1062;

/** InnoDB picked this transaction as a deadlock victim (1213) or it waited too long (1205). */
const isRetryable = (err: unknown) => {
  const errno = mysqlErrno(err);
  return errno === 1213 || errno === 1205;
};

/** Runs a whole transaction again when the database aborted it to break a deadlock. */
async function retryOnDeadlock<T>(attempt: () => Promise<T>, tries = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= tries || !isRetryable(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * i + Math.random() * 10));
    }
  }
}

export interface RelayOptions {
  pubsubName: string;
  /** CloudEvent `source` of what this service publishes. */
  source: string;
  pollIntervalMs?: number;
  batchSize?: number;
}

/**
 * Relays outbox rows to Dapr pub/sub in commit order. Rows are claimed with
 * `FOR UPDATE SKIP LOCKED`, so replicas share the work without publishing a row twice in the
 * normal case; a crash between publish and mark republishes the row with the same CloudEvent
 * id, which consumers' inboxes absorb.
 */
export class OutboxRelay extends PollingWorker {
  /** Consecutive failed publishes: the next poll backs off exponentially (sidecar or broker down). */
  private failures = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly dapr: DaprClient,
    log: Logger,
    private readonly options: RelayOptions,
  ) {
    super(log, "outbox relay");
  }

  /** Publishes pending rows until none is left or publishing fails. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const { published, more } = await this.drainBatch();
      total += published;
      if (!more) return total;
    }
  }

  protected round(): Promise<number> {
    return this.drain();
  }

  protected delayMs(): number {
    return Math.min((this.options.pollIntervalMs ?? 1_000) * 2 ** this.failures, 30_000);
  }

  private async drainBatch(): Promise<{ published: number; more: boolean }> {
    const limit = this.options.batchSize ?? 100;
    // READ COMMITTED: the claim takes record locks only, no gap lock after the last pending row,
    // so business transactions keep inserting new outbox rows while a batch is being published.
    return this.ds.transaction("READ COMMITTED", async (m) => {
      const rows: OutboxRow[] = await m.query(
        `SELECT seq, event_id, topic, type, partition_key, payload, traceparent FROM outbox
         WHERE published_at IS NULL ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      const done: string[] = [];
      let failed = false;
      for (const row of rows) {
        if (!(await this.publish(row))) {
          failed = true;
          break;
        }
        done.push(row.seq);
      }
      if (done.length) await m.query("UPDATE outbox SET published_at = NOW(3) WHERE seq IN (?)", [done]);
      this.failures = failed ? Math.min(this.failures + 1, 10) : 0;
      return { published: done.length, more: !failed && rows.length === limit };
    });
  }

  private async publish(row: OutboxRow): Promise<boolean> {
    const metadata: Record<string, string> = {
      "cloudevent.id": row.event_id,
      "cloudevent.type": row.type,
      "cloudevent.source": this.options.source,
    };
    if (row.traceparent) metadata["cloudevent.traceparent"] = row.traceparent;
    if (row.partition_key) metadata.partitionKey = row.partition_key;
    const payload = typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload;
    const res = await this.dapr.pubsub.publish(this.options.pubsubName, row.topic, payload, {
      contentType: "application/json",
      metadata,
    });
    if (res.error) {
      this.log.warn({ err: String(res.error), topic: row.topic, eventId: row.event_id }, "outbox publish failed; will retry");
      return false;
    }
    return true;
  }
}

interface OutboxRow {
  seq: string;
  event_id: string;
  topic: string;
  type: string;
  partition_key: string | null;
  payload: unknown;
  traceparent: string | null;
}
