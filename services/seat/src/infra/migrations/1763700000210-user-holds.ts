import type { MigrationInterface, QueryRunner } from "typeorm";

/** One live hold per user and schedule (seat hoarding): the row is the user's claim. */
export class UserHolds1763700000210 implements MigrationInterface {
  name = "UserHolds1763700000210";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE user_holds (
      schedule_id CHAR(36) NOT NULL,
      user_id CHAR(36) NOT NULL,
      reservation_id CHAR(36) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (schedule_id, user_id),
      UNIQUE KEY ux_user_holds_reservation (reservation_id)
    ) ENGINE=InnoDB`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE user_holds");
  }
}
