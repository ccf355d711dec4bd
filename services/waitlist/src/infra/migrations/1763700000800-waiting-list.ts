import type { MigrationInterface, QueryRunner } from "typeorm";

export class WaitingList1763700000800 implements MigrationInterface {
  name = "WaitingList1763700000800";

  async up(q: QueryRunner): Promise<void> {
    // One row per schedule with a list: its lock, so releases of one schedule are served in turn.
    await q.query(`CREATE TABLE lists (
      schedule_id CHAR(36) NOT NULL PRIMARY KEY,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
    ) ENGINE=InnoDB`);
    // seq is the line's order. live_user is the user while the entry waits or holds an offer,
    // NULL once it ended: one live entry per user and schedule, any number of ended ones.
    await q.query(`CREATE TABLE entries (
      seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      id CHAR(36) NOT NULL,
      schedule_id CHAR(36) NOT NULL,
      concert_id CHAR(36) NOT NULL,
      user_id CHAR(36) NOT NULL,
      seat_count TINYINT NOT NULL,
      section VARCHAR(8) NULL,
      status ENUM('WAITING', 'OFFERED', 'CLAIMED', 'LEFT', 'EXPIRED') NOT NULL,
      live_user CHAR(36) NULL,
      joined_at DATETIME(3) NOT NULL,
      ended_at DATETIME(3) NULL,
      UNIQUE KEY ux_entries_id (id),
      UNIQUE KEY ux_entries_live (schedule_id, live_user),
      KEY ix_entries_line (schedule_id, status, seq),
      KEY ix_entries_user (user_id, schedule_id)
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE offers (
      id CHAR(36) NOT NULL PRIMARY KEY,
      entry_id CHAR(36) NOT NULL,
      schedule_id CHAR(36) NOT NULL,
      user_id CHAR(36) NOT NULL,
      seat_numbers JSON NOT NULL,
      amount INT NOT NULL,
      status ENUM('OFFERED', 'CLAIMED', 'EXPIRED', 'DECLINED') NOT NULL,
      expires_at DATETIME(3) NOT NULL,
      reservation_id CHAR(36) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      ended_at DATETIME(3) NULL,
      KEY ix_offers_due (status, expires_at),
      KEY ix_offers_entry (entry_id)
    ) ENGINE=InnoDB`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE offers");
    await q.query("DROP TABLE entries");
    await q.query("DROP TABLE lists");
  }
}
