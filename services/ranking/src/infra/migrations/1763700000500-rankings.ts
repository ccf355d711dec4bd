import type { MigrationInterface, QueryRunner } from "typeorm";

export class Rankings1763700000500 implements MigrationInterface {
  name = "Rankings1763700000500";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE schedules (
      schedule_id CHAR(36) NOT NULL PRIMARY KEY,
      concert_id CHAR(36) NOT NULL,
      concert_title VARCHAR(200) NOT NULL,
      booking_opens_at DATETIME(3) NOT NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
    await q.query(`CREATE TABLE sold_out (
      schedule_id CHAR(36) NOT NULL PRIMARY KEY,
      concert_id CHAR(36) NOT NULL,
      booking_opens_at DATETIME(3) NOT NULL,
      sold_out_at DATETIME(3) NOT NULL,
      seconds_to_sell_out BIGINT NOT NULL,
      KEY ix_sold_out_fastest (seconds_to_sell_out)
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE popularity (
      concert_id CHAR(36) NOT NULL PRIMARY KEY,
      completed INT NOT NULL DEFAULT 0,
      cancelled INT NOT NULL DEFAULT 0,
      seats_sold INT NOT NULL DEFAULT 0,
      KEY ix_popularity (seats_sold)
    ) ENGINE=InnoDB`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE popularity");
    await q.query("DROP TABLE sold_out");
    await q.query("DROP TABLE schedules");
  }
}
