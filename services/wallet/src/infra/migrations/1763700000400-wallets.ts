import type { MigrationInterface, QueryRunner } from "typeorm";

export class Wallets1763700000400 implements MigrationInterface {
  name = "Wallets1763700000400";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE wallets (
      user_id CHAR(36) NOT NULL PRIMARY KEY,
      wallet_id CHAR(36) NOT NULL,
      balance BIGINT NOT NULL DEFAULT 0,
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      CONSTRAINT ck_wallet_balance CHECK (balance >= 0)
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE payments (
      payment_id CHAR(36) NOT NULL PRIMARY KEY,
      user_id CHAR(36) NOT NULL,
      reservation_id CHAR(36) NOT NULL,
      amount BIGINT NOT NULL,
      status ENUM('APPROVED','DECLINED') NOT NULL,
      refunded_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      KEY ix_payments_user (user_id),
      KEY ix_payments_reservation (reservation_id)
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE ledger (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      user_id CHAR(36) NOT NULL,
      kind ENUM('CHARGE','PAYMENT','REFUND') NOT NULL,
      amount BIGINT NOT NULL,
      balance_after BIGINT NOT NULL,
      reference CHAR(36) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      UNIQUE KEY ux_ledger_movement (kind, reference),
      KEY ix_ledger_user (user_id, id)
    ) ENGINE=InnoDB`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE ledger");
    await q.query("DROP TABLE payments");
    await q.query("DROP TABLE wallets");
  }
}
