import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Fair use: a schedule's cap of seats per fan, and who holds or bought each seat, so a new hold
 * counts what the fan already has in the schedule.
 */
export class SeatsPerFan1763700000230 implements MigrationInterface {
  name = "SeatsPerFan1763700000230";

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE schedule_inventories ADD COLUMN max_seats_per_fan SMALLINT NULL AFTER total_seats");
    await q.query("ALTER TABLE seats ADD COLUMN user_id CHAR(36) NULL AFTER reservation_id, ADD INDEX ix_seats_schedule_user (schedule_id, user_id)");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE seats DROP INDEX ix_seats_schedule_user, DROP COLUMN user_id");
    await q.query("ALTER TABLE schedule_inventories DROP COLUMN max_seats_per_fan");
  }
}
