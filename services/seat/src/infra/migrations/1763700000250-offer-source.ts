import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Which routing hold an offer's seats came from: the waiting list finds the offers a release
 * already made (a lost answer, a retried transaction) and records them instead of making more.
 */
export class OfferSource1763700000250 implements MigrationInterface {
  name = "OfferSource1763700000250";

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE list_holds ADD COLUMN from_hold CHAR(36) NULL AFTER kind, ADD INDEX ix_list_holds_from (from_hold)");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE list_holds DROP INDEX ix_list_holds_from, DROP COLUMN from_hold");
  }
}
