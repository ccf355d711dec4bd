import type { MigrationInterface, QueryRunner } from "typeorm";

export class Users1763700000300 implements MigrationInterface {
  name = "Users1763700000300";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE users (
      id CHAR(36) NOT NULL PRIMARY KEY,
      email VARCHAR(254) NOT NULL,
      password_hash VARCHAR(255) NOT NULL,
      name VARCHAR(100) NOT NULL,
      role ENUM('user','admin') NOT NULL DEFAULT 'user',
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      UNIQUE KEY ux_users_email (email)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE users");
  }
}
