import { createHash } from "node:crypto";
import { problems } from "@concert/platform";
import type { DataSource } from "typeorm";
import { countSeats, type SeatStatus } from "../domain/seat";
import { ScheduleInventory, Seat } from "./entities";

export interface SeatMapSnapshot {
  /** The map as JSON bytes, encoded once for every reader. */
  body: Buffer;
  /** A strong validator of those bytes, for If-None-Match. */
  etag: string;
  builtAt: number;
}

/**
 * The seat map of a schedule, as everyone waiting for a sale reads it many times a second.
 * One snapshot per schedule, encoded once and shared: it is rebuilt when this replica changed a
 * seat of the schedule (hold, confirm, release: see `changed`) and at most `maxAgeMs` after it
 * was built (changes made by other replicas). Concurrent readers of a stale map wait for one
 * rebuild instead of each querying. A map is a view: holds are decided in the database, so a
 * seat shown available a moment too long is answered 409 when taken.
 */
export class SeatMaps {
  private readonly snapshots = new Map<string, SeatMapSnapshot>();
  private readonly building = new Map<string, Promise<SeatMapSnapshot>>();
  /** Bumped by every change, so a rebuild that started before a change is not kept as fresh. */
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly ds: DataSource,
    private readonly maxAgeMs: number,
    private readonly maxSchedules = 1_000,
  ) {}

  /** This replica changed seats of `scheduleId`: the next read rebuilds its map. */
  changed(scheduleId: string): void {
    this.snapshots.delete(scheduleId);
    this.building.delete(scheduleId);
    this.generations.set(scheduleId, (this.generations.get(scheduleId) ?? 0) + 1);
  }

  async get(scheduleId: string, now = Date.now()): Promise<SeatMapSnapshot> {
    const hit = this.snapshots.get(scheduleId);
    if (hit && now - hit.builtAt < this.maxAgeMs) return hit;
    let pending = this.building.get(scheduleId);
    if (!pending) {
      const generation = this.generations.get(scheduleId) ?? 0;
      pending = this.build(scheduleId).then((snapshot) => {
        if ((this.generations.get(scheduleId) ?? 0) === generation) this.keep(scheduleId, snapshot);
        return snapshot;
      });
      pending.finally(() => {
        if (this.building.get(scheduleId) === pending) this.building.delete(scheduleId);
      }).catch(() => undefined);
      this.building.set(scheduleId, pending);
    }
    return pending;
  }

  private keep(scheduleId: string, snapshot: SeatMapSnapshot): void {
    if (!this.snapshots.has(scheduleId) && this.snapshots.size >= this.maxSchedules) {
      this.snapshots.delete(this.snapshots.keys().next().value!);
    }
    this.snapshots.set(scheduleId, snapshot);
  }

  private async build(scheduleId: string): Promise<SeatMapSnapshot> {
    const builtAt = Date.now();
    const inventory = await this.ds.getRepository(ScheduleInventory).findOneBy({ scheduleId });
    if (!inventory) throw problems.notFound(`Schedule ${scheduleId}`);
    const seats = await this.ds.getRepository(Seat).find({
      where: { scheduleId },
      select: { seatNumber: true, section: true, row: true, number: true, price: true, status: true },
      order: { section: "ASC", row: "ASC", number: "ASC" },
    });
    const counts = countSeats(tally(seats));
    const body = Buffer.from(
      JSON.stringify({
        scheduleId,
        // Now, not historically: seats returned by a cancellation are on sale again.
        soldOut: counts.reserved === counts.total,
        ...counts,
        seats: seats.map((s) => ({ seatNumber: s.seatNumber, section: s.section, row: s.row, number: s.number, price: s.price, status: s.status })),
      }),
    );
    return { body, etag: `"${createHash("sha1").update(body).digest("base64url")}"`, builtAt };
  }
}

export function tally(seats: ReadonlyArray<{ status: SeatStatus }>) {
  const byStatus = new Map<SeatStatus, number>();
  for (const s of seats) byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
  return [...byStatus].map(([status, count]) => ({ status, count }));
}
