import type { MigrationInterface, QueryRunner } from "typeorm";

/** Fair use at a sale opening: the most seats one fan holds or buys in a schedule. */
export class MaxSeatsPerFan1763700000110 implements MigrationInterface {
  name = "MaxSeatsPerFan1763700000110";

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE schedules ADD COLUMN max_seats_per_fan SMALLINT NOT NULL DEFAULT 8 AFTER total_seats");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE schedules DROP COLUMN max_seats_per_fan");
  }
}
