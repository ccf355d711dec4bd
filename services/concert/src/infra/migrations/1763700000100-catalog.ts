import type { MigrationInterface, QueryRunner } from "typeorm";

export class Catalog1763700000100 implements MigrationInterface {
  name = "Catalog1763700000100";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE concerts (
      id CHAR(36) NOT NULL PRIMARY KEY,
      title VARCHAR(200) NOT NULL,
      venue VARCHAR(200) NOT NULL,
      description TEXT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      KEY ix_concerts_created (created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
    await q.query(`CREATE TABLE schedules (
      id CHAR(36) NOT NULL PRIMARY KEY,
      concert_id CHAR(36) NOT NULL,
      starts_at DATETIME(3) NOT NULL,
      booking_opens_at DATETIME(3) NOT NULL,
      total_seats INT NOT NULL,
      sections JSON NOT NULL,
      sold_out_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      KEY ix_schedules_concert (concert_id, starts_at),
      CONSTRAINT fk_schedules_concert FOREIGN KEY (concert_id) REFERENCES concerts (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE schedules");
    await q.query("DROP TABLE concerts");
  }
}
