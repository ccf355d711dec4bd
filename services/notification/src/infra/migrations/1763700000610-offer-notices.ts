import type { MigrationInterface, QueryRunner } from "typeorm";

/** Notices about waiting-list offers (docs/waiting-list.md): about an offer, not a reservation. */
export class OfferNotices1763700000610 implements MigrationInterface {
  name = "OfferNotices1763700000610";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notices
      MODIFY reservation_id CHAR(36) NULL,
      ADD COLUMN offer_id CHAR(36) NULL AFTER reservation_id,
      MODIFY kind ENUM('confirmed','failed','expired','cancelled','offered','offer_expired') NOT NULL,
      ADD UNIQUE KEY ux_notices_offer_kind (offer_id, kind)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DELETE FROM notices WHERE offer_id IS NOT NULL");
    await q.query(`ALTER TABLE notices DROP KEY ux_notices_offer_kind, DROP COLUMN offer_id,
      MODIFY kind ENUM('confirmed','failed','expired','cancelled') NOT NULL, MODIFY reservation_id CHAR(36) NOT NULL`);
  }
}
