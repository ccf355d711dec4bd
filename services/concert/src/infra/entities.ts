import { DEFAULT_MAX_SEATS_PER_FAN, type SeatSection } from "@concert/contracts";
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from "typeorm";

@Entity("concerts")
@Index("ix_concerts_created", ["createdAt"])
export class Concert {
  @PrimaryColumn({ type: "char", length: 36 })
  id!: string;

  @Column({ type: "varchar", length: 200 })
  title!: string;

  @Column({ type: "varchar", length: 200 })
  venue!: string;

  @Column({ type: "text", nullable: true })
  description!: string | null;

  @CreateDateColumn({ name: "created_at", type: "datetime", precision: 3 })
  createdAt!: Date;
}

@Entity("schedules")
@Index("ix_schedules_concert", ["concertId", "startsAt"])
export class Schedule {
  @PrimaryColumn({ type: "char", length: 36 })
  id!: string;

  @Column({ name: "concert_id", type: "char", length: 36 })
  concertId!: string;

  @Column({ name: "starts_at", type: "datetime", precision: 3 })
  startsAt!: Date;

  @Column({ name: "booking_opens_at", type: "datetime", precision: 3 })
  bookingOpensAt!: Date;

  @Column({ name: "total_seats", type: "int" })
  totalSeats!: number;

  @Column({ name: "max_seats_per_fan", type: "smallint", default: DEFAULT_MAX_SEATS_PER_FAN })
  maxSeatsPerFan!: number;

  @Column({ type: "json" })
  sections!: SeatSection[];

  @Column({ name: "sold_out_at", type: "datetime", precision: 3, nullable: true })
  soldOutAt!: Date | null;

  @CreateDateColumn({ name: "created_at", type: "datetime", precision: 3 })
  createdAt!: Date;
}
