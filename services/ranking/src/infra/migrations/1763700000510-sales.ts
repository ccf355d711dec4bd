import type { MigrationInterface, QueryRunner } from "typeorm";

/** The operator console's read model: each schedule's capacity and its reservations' states. */
export class Sales1763700000510 implements MigrationInterface {
  name = "Sales1763700000510";

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE schedules ADD COLUMN capacity INT NULL");
    await q.query(`CREATE TABLE sales (
      reservation_id CHAR(36) NOT NULL PRIMARY KEY,
      schedule_id CHAR(36) NOT NULL,
      seats INT NOT NULL,
      amount BIGINT NOT NULL,
      state ENUM('HELD', 'CONFIRMED', 'RELEASED', 'CANCELLED') NOT NULL,
      confirmed_at DATETIME(3) NULL,
      KEY ix_sales_schedule (schedule_id, state),
      KEY ix_sales_minute (schedule_id, confirmed_at)
    ) ENGINE=InnoDB`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE sales");
    await q.query("ALTER TABLE schedules DROP COLUMN capacity");
  }
}
