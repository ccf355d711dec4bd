import type { MigrationInterface, QueryRunner } from "typeorm";

/** When the show starts: reservations learn it with their hold (the cancellation cutoff). */
export class ScheduleStartsAt1763700000220 implements MigrationInterface {
  name = "ScheduleStartsAt1763700000220";

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE schedule_inventories ADD COLUMN starts_at DATETIME(3) NULL AFTER concert_id");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE schedule_inventories DROP COLUMN starts_at");
  }
}
