import type { MigrationInterface, QueryRunner } from "typeorm";

export class ReadModels1763700000700 implements MigrationInterface {
  name = "ReadModels1763700000700";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE my_reservations (
      reservation_id CHAR(36) NOT NULL PRIMARY KEY,
      user_id CHAR(36) NULL,
      schedule_id CHAR(36) NOT NULL,
      concert_id CHAR(36) NULL,
      seat_numbers JSON NOT NULL,
      amount BIGINT NULL,
      status VARCHAR(20) NULL,
      status_rank TINYINT NOT NULL DEFAULT -1,
      reason VARCHAR(40) NULL,
      refunded_amount BIGINT NULL,
      hold_expires_at DATETIME(3) NULL,
      KEY ix_my_reservations_user (user_id)
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE reservation_timeline (
      event_id VARCHAR(64) NOT NULL PRIMARY KEY,
      reservation_id CHAR(36) NOT NULL,
      step VARCHAR(30) NOT NULL,
      detail VARCHAR(100) NULL,
      at DATETIME(3) NOT NULL,
      KEY ix_timeline_reservation (reservation_id, at)
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE wallet_history (
      event_id VARCHAR(64) NOT NULL PRIMARY KEY,
      user_id CHAR(36) NOT NULL,
      kind ENUM('CHARGE','PAYMENT','PAYMENT_DECLINED','REFUND') NOT NULL,
      amount BIGINT NOT NULL,
      balance_after BIGINT NULL,
      reservation_id CHAR(36) NULL,
      at DATETIME(3) NOT NULL,
      KEY ix_wallet_history_user (user_id, at)
    ) ENGINE=InnoDB`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE wallet_history");
    await q.query("DROP TABLE reservation_timeline");
    await q.query("DROP TABLE my_reservations");
  }
}
