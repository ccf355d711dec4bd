import type { MigrationInterface, QueryRunner } from "typeorm";

export class Seats1763700000200 implements MigrationInterface {
  name = "Seats1763700000200";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE schedule_inventories (
      schedule_id CHAR(36) NOT NULL PRIMARY KEY,
      concert_id CHAR(36) NOT NULL,
      total_seats INT NOT NULL,
      booking_opens_at DATETIME(3) NOT NULL,
      sold_out_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE seats (
      schedule_id CHAR(36) NOT NULL,
      seat_number VARCHAR(32) NOT NULL,
      section VARCHAR(8) NOT NULL,
      row_no SMALLINT NOT NULL,
      seat_no SMALLINT NOT NULL,
      price INT NOT NULL,
      status ENUM('AVAILABLE','HELD','RESERVED') NOT NULL DEFAULT 'AVAILABLE',
      reservation_id CHAR(36) NULL,
      hold_expires_at DATETIME(3) NULL,
      version INT NOT NULL DEFAULT 1,
      PRIMARY KEY (schedule_id, seat_number),
      KEY ix_seats_schedule_status (schedule_id, status),
      KEY ix_seats_hold_expiry (status, hold_expires_at),
      KEY ix_seats_reservation (reservation_id),
      CONSTRAINT fk_seats_inventory FOREIGN KEY (schedule_id) REFERENCES schedule_inventories (schedule_id)
    ) ENGINE=InnoDB`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE seats");
    await q.query("DROP TABLE schedule_inventories");
  }
}
