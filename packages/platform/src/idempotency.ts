import { createHash } from "node:crypto";
import { type DaprClient, StateConcurrencyEnum, StateConsistencyEnum } from "@dapr/dapr";
import type { Context, Next } from "koa";
import type { DataSource, MigrationInterface, QueryRunner } from "typeorm";
import { PRINCIPAL_HEADERS } from "./auth";
import { HttpProblem, problems, toProblem } from "./errors";

/**
 * A stable, UUID-shaped id for what a caller's Idempotency-Key creates (a reservation, a
 * charge): a retry after a lost answer then names the same thing, and the owner's own
 * idempotency (a hold keyed by reservation, a ledger row keyed by charge) makes it apply once.
 */
export function idOfIdempotencyKey(userId: string, purpose: string, key: string): string {
  const h = sha256([userId, purpose, key].join("\n"));
  // RFC 9562 version 8 (custom) with the RFC variant: a valid UUID for every validator.
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The first answer given to an Idempotency-Key, or a claim while that request is running. */
export interface IdempotencyRecord {
  requestHash: string;
  status?: number;
  contentType?: string;
  body?: unknown;
}

export interface IdempotencyStore {
  /** Claims the key for this request; returns the existing record when it was claimed before. */
  claim(key: string, requestHash: string): Promise<IdempotencyRecord | undefined>;
  complete(key: string, record: Required<Pick<IdempotencyRecord, "status" | "contentType">> & { body: unknown }): Promise<void>;
  /** Forgets a claim whose request failed on our side, so a retry can run again. */
  abandon(key: string): Promise<void>;
}

const KEY = /^[A-Za-z0-9._:-]{1,128}$/;
/**
 * A claim older than this whose request never answered (a crash) may be taken over: no request
 * runs that long (the gateway gives up on a call after 20 s at most).
 */
const STALE_CLAIM_SECONDS = 30;
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/**
 * `Idempotency-Key` on unsafe requests: the same key and body replays the first final answer
 * (marked `Idempotency-Replayed: true`), the same key with another body is 422, and a key whose
 * first request is still running is 409. A 5xx or a 202 is not kept: the request runs again.
 * Keys are scoped to the caller, method and path.
 */
export function idempotent(store: IdempotencyStore) {
  return async (ctx: Context, next: Next) => {
    const header = ctx.get("idempotency-key");
    if (!header) return next();
    if (!KEY.test(header)) throw problems.validation([{ field: "Idempotency-Key", message: "1-128 letters, digits, . _ : -" }]);
    const key = sha256([ctx.get(PRINCIPAL_HEADERS.userId), ctx.method, ctx.path, header].join("\n"));
    const requestHash = sha256(JSON.stringify(ctx.request.body ?? null));
    const first = await store.claim(key, requestHash);
    if (first) {
      if (first.requestHash !== requestHash) {
        throw new HttpProblem(422, "idempotency-key-reused", "Idempotency key reused", "This Idempotency-Key was used with a different request.");
      }
      // Its own type and a Retry-After: a client tells "try again shortly" (the first request is
      // running, or crashed and its claim goes stale) from a conflict with the world.
      if (first.status === undefined) {
        throw new HttpProblem(409, "request-in-progress", "Request in progress", "A request with this Idempotency-Key is still being processed.", { retryAfter: 1 });
      }
      ctx.status = first.status;
      ctx.type = first.contentType ?? "application/json";
      ctx.body = first.body;
      ctx.set("Idempotency-Replayed", "true");
      return;
    }
    try {
      await next();
    } catch (err) {
      const problem = toProblem(err);
      if (problem.status < 500) await store.complete(key, { status: problem.status, contentType: "application/problem+json", body: problem.toJSON(ctx.path) });
      else await store.abandon(key);
      throw err;
    }
    // A 202 ("accepted, still running") is not an outcome: a retry with the key must see the
    // final answer once there is one, not this one replayed.
    if (ctx.status >= 500 || ctx.status === 202) await store.abandon(key);
    else await store.complete(key, { status: ctx.status, contentType: ctx.response.type || "application/json", body: ctx.body });
  };
}

/** Idempotency records in the service's own MySQL database. */
export class MysqlIdempotencyStore implements IdempotencyStore {
  constructor(private readonly ds: DataSource) {}

  async claim(key: string, requestHash: string): Promise<IdempotencyRecord | undefined> {
    const res: { affectedRows: number } = await this.ds.query(
      "INSERT IGNORE INTO idempotency_keys (idem_key, request_hash) VALUES (?, ?)",
      [key, requestHash],
    );
    if (res.affectedRows === 1) return undefined;
    const takeover: { affectedRows: number } = await this.ds.query(
      `UPDATE idempotency_keys SET request_hash = ?, created_at = NOW(3)
       WHERE idem_key = ? AND status IS NULL AND created_at < NOW(3) - INTERVAL ? SECOND`,
      [requestHash, key, STALE_CLAIM_SECONDS],
    );
    if (takeover.affectedRows === 1) return undefined;
    const [row] = (await this.ds.query(
      "SELECT request_hash AS requestHash, status, content_type AS contentType, body FROM idempotency_keys WHERE idem_key = ?",
      [key],
    )) as Array<{ requestHash: string; status: number | null; contentType: string | null; body: unknown }>;
    if (!row) return this.claim(key, requestHash);
    return {
      requestHash: row.requestHash,
      // The driver returns JSON columns parsed.
      ...(row.status === null ? {} : { status: row.status, contentType: row.contentType ?? undefined, body: typeof row.body === "string" ? JSON.parse(row.body) : row.body }),
    };
  }

  async complete(key: string, r: { status: number; contentType: string; body: unknown }): Promise<void> {
    await this.ds.query("UPDATE idempotency_keys SET status = ?, content_type = ?, body = ? WHERE idem_key = ?", [
      r.status,
      r.contentType,
      JSON.stringify(r.body ?? null),
      key,
    ]);
  }

  async abandon(key: string): Promise<void> {
    await this.ds.query("DELETE FROM idempotency_keys WHERE idem_key = ? AND status IS NULL", [key]);
  }
}

export class CreateIdempotencyTable1763700000001 implements MigrationInterface {
  name = "CreateIdempotencyTable1763700000001";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE IF NOT EXISTS idempotency_keys (
      idem_key CHAR(64) NOT NULL PRIMARY KEY,
      request_hash CHAR(64) NOT NULL,
      status SMALLINT NULL,
      content_type VARCHAR(100) NULL,
      body JSON NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      KEY ix_idempotency_created (created_at)
    ) ENGINE=InnoDB`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE IF EXISTS idempotency_keys");
  }
}

/** A record as the Dapr store keeps it: with when it was claimed, to tell a crashed claim. */
type StoredRecord = IdempotencyRecord & { claimedAt?: number };

/** Idempotency records in a Dapr state store (for services whose state lives there). */
export class DaprIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly dapr: DaprClient,
    private readonly storeName: string,
    private readonly ttlSeconds = 86_400,
    private readonly staleClaimSeconds = STALE_CLAIM_SECONDS,
  ) {}

  private stateKey = (key: string) => `idempotency-${key}`;

  /**
   * A claim is an insert (first-write without an ETag). One that was never answered (a crash)
   * is taken over once it is STALE_CLAIM_SECONDS old, with its ETag so one retry wins. Every
   * record lives ttlSeconds; a row past its TTL is invisible to reads but stays in the table
   * until the store's cleanup, so a claim that finds nothing readable replaces it.
   */
  async claim(key: string, requestHash: string): Promise<IdempotencyRecord | undefined> {
    const stateKey = this.stateKey(key);
    const claim: StoredRecord = { requestHash, claimedAt: Date.now() };
    if (await this.save(stateKey, claim, { firstWrite: true })) return undefined;
    const [item] = (await this.dapr.state.getBulk(this.storeName, [stateKey])) as Array<{ data?: StoredRecord | ""; etag?: string }>;
    const existing = item?.data || undefined;
    if (!existing) {
      if (await this.save(stateKey, claim, {})) return undefined;
      throw new Error("idempotency claim failed");
    }
    const stale = existing.status === undefined && Date.now() - (existing.claimedAt ?? 0) > this.staleClaimSeconds * 1000;
    if (stale && item?.etag && (await this.save(stateKey, claim, { firstWrite: true, etag: item.etag }))) return undefined;
    return existing;
  }

  private async save(key: string, value: StoredRecord, how: { firstWrite?: boolean; etag?: string }): Promise<boolean> {
    const saved = await this.dapr.state.save(this.storeName, [
      {
        key,
        value,
        ...(how.etag ? { etag: how.etag } : {}),
        ...(how.firstWrite
          ? { options: { concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE, consistency: StateConsistencyEnum.CONSISTENCY_STRONG } }
          : {}),
        metadata: { ttlInSeconds: String(this.ttlSeconds) },
      },
    ]);
    return !saved.error;
  }

  async complete(key: string, r: { status: number; contentType: string; body: unknown }): Promise<void> {
    const existing = (await this.dapr.state.get(this.storeName, this.stateKey(key))) as IdempotencyRecord;
    const saved = await this.dapr.state.save(this.storeName, [
      { key: this.stateKey(key), value: { ...existing, ...r }, metadata: { ttlInSeconds: String(this.ttlSeconds) } },
    ]);
    if (saved.error) throw saved.error;
  }

  async abandon(key: string): Promise<void> {
    await this.dapr.state.delete(this.storeName, this.stateKey(key));
  }
}
