import type { MigrationInterface, QueryRunner } from "typeorm";

/** A payment can be voided before it ever arrives: a late debit with its id is then refused. */
export class VoidPayments1763700000401 implements MigrationInterface {
  name = "VoidPayments1763700000401";

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE payments MODIFY status ENUM('APPROVED','DECLINED','VOIDED') NOT NULL");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DELETE FROM payments WHERE status = 'VOIDED'");
    await q.query("ALTER TABLE payments MODIFY status ENUM('APPROVED','DECLINED') NOT NULL");
  }
}
