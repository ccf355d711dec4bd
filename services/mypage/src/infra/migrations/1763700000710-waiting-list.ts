import type { MigrationInterface, QueryRunner } from "typeorm";

/** The user's waiting-list entries and their offers (docs/waiting-list.md), one row per entry. */
export class WaitingList1763700000710 implements MigrationInterface {
  name = "WaitingList1763700000710";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE my_waiting_list (
      entry_id CHAR(36) NOT NULL PRIMARY KEY,
      user_id CHAR(36) NOT NULL,
      schedule_id CHAR(36) NOT NULL,
      concert_id CHAR(36) NOT NULL,
      seat_count TINYINT NULL,
      section VARCHAR(8) NULL,
      status VARCHAR(16) NOT NULL,
      status_rank TINYINT NOT NULL,
      joined_at DATETIME(3) NULL,
      offer_id CHAR(36) NULL,
      offer_seats JSON NULL,
      offer_amount INT NULL,
      offer_expires_at DATETIME(3) NULL,
      reservation_id CHAR(36) NULL,
      KEY ix_my_waiting_list_user (user_id)
    ) ENGINE=InnoDB`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE my_waiting_list");
  }
}
