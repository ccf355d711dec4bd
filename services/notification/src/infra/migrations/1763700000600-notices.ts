import type { MigrationInterface, QueryRunner } from "typeorm";

export class Notices1763700000600 implements MigrationInterface {
  name = "Notices1763700000600";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE notices (
      id CHAR(36) NOT NULL PRIMARY KEY,
      user_id CHAR(36) NOT NULL,
      reservation_id CHAR(36) NOT NULL,
      kind ENUM('confirmed','failed','expired','cancelled') NOT NULL,
      title VARCHAR(200) NOT NULL,
      message VARCHAR(1000) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      UNIQUE KEY ux_notices_reservation_kind (reservation_id, kind),
      KEY ix_notices_user (user_id, created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE notices");
  }
}
