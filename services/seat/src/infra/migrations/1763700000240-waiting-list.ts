import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The waiting list (docs/waiting-list.md): a schedule with one routes its released seats into a
 * routing hold instead of back on sale, and the holds the list makes are known as such.
 */
export class WaitingList1763700000240 implements MigrationInterface {
  name = "WaitingList1763700000240";

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE schedule_inventories ADD COLUMN waitlisted_at DATETIME(3) NULL AFTER sold_out_at");
    await q.query(`CREATE TABLE list_holds (
      hold_id CHAR(36) NOT NULL PRIMARY KEY,
      schedule_id CHAR(36) NOT NULL,
      kind ENUM('ROUTING', 'OFFER') NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
    ) ENGINE=InnoDB`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE list_holds");
    await q.query("ALTER TABLE schedule_inventories DROP COLUMN waitlisted_at");
  }
}
