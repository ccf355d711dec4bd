import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, VersionColumn } from "typeorm";
import type { SeatStatus } from "../domain/seat";

/** One schedule's inventory: created from ScheduleCreated, marked when it sells out. */
@Entity("schedule_inventories")
export class ScheduleInventory {
  @PrimaryColumn({ name: "schedule_id", type: "char", length: 36 })
  scheduleId!: string;

  @Column({ name: "concert_id", type: "char", length: 36 })
  concertId!: string;

  /** Null for schedules announced before the column existed. */
  @Column({ name: "starts_at", type: "datetime", precision: 3, nullable: true })
  startsAt!: Date | null;

  @Column({ name: "total_seats", type: "int" })
  totalSeats!: number;

  /** Null for schedules announced before the cap existed. */
  @Column({ name: "max_seats_per_fan", type: "smallint", nullable: true })
  maxSeatsPerFan!: number | null;

  @Column({ name: "booking_opens_at", type: "datetime", precision: 3 })
  bookingOpensAt!: Date;

  @Column({ name: "sold_out_at", type: "datetime", precision: 3, nullable: true })
  soldOutAt!: Date | null;

  /** Since when released seats go to the waiting list instead of back on sale (null: never). */
  @Column({ name: "waitlisted_at", type: "datetime", precision: 3, nullable: true })
  waitlistedAt!: Date | null;

  @CreateDateColumn({ name: "created_at", type: "datetime", precision: 3 })
  createdAt!: Date;
}

/**
 * A seat of a schedule. Holds and confirmations are decided by conditional UPDATEs on
 * (status, reservation_id), so two reservations can never own the same seat.
 */
@Entity("seats")
@Index("ix_seats_schedule_status", ["scheduleId", "status"])
@Index("ix_seats_hold_expiry", ["status", "holdExpiresAt"])
@Index("ix_seats_reservation", ["reservationId"])
export class Seat {
  @PrimaryColumn({ name: "schedule_id", type: "char", length: 36 })
  scheduleId!: string;

  @PrimaryColumn({ name: "seat_number", type: "varchar", length: 32 })
  seatNumber!: string;

  @Column({ type: "varchar", length: 8 })
  section!: string;

  @Column({ name: "row_no", type: "smallint" })
  row!: number;

  @Column({ name: "seat_no", type: "smallint" })
  number!: number;

  @Column({ type: "int" })
  price!: number;

  @Column({ type: "enum", enum: ["AVAILABLE", "HELD", "RESERVED"], default: "AVAILABLE" })
  status!: SeatStatus;

  @Column({ name: "reservation_id", type: "char", length: 36, nullable: true })
  reservationId!: string | null;

  /** The fan who holds or bought it (counted against the schedule's seats per fan). */
  @Column({ name: "user_id", type: "char", length: 36, nullable: true })
  userId!: string | null;

  @Column({ name: "hold_expires_at", type: "datetime", precision: 3, nullable: true })
  holdExpiresAt!: Date | null;

  @VersionColumn()
  version!: number;
}
