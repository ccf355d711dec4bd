import { randomUUID } from "node:crypto";
import {
  type HoldSeatsRequest,
  ScheduleSoldOut,
  SeatsHeld,
  SeatsReleased,
  type SeatReleaseReason,
} from "@concert/contracts";
import { problems, type Transaction, type UnitOfWork } from "@concert/platform";
import type { z } from "zod";
import { bookingOpen, decideHold, type SeatRow } from "../domain/holds";
import { ScheduleInventory } from "./entities";

export interface HoldView {
  reservationId: string;
  scheduleId: string;
  concertId: string;
  /** When the show starts (null for a schedule announced before seat knew it). */
  startsAt: string | null;
  seatNumbers: string[];
  amount: number;
  status: "HELD" | "RESERVED";
  expiresAt: string | null;
}

type Reason = z.infer<typeof SeatReleaseReason>;

interface HeldRow {
  scheduleId: string;
  concertId: string;
  startsAt: Date | null;
  seatNumber: string;
  status: "HELD" | "RESERVED";
  price: number;
  holdExpiresAt: Date | null;
}

const HELD_ROWS = `SELECT s.schedule_id AS scheduleId, i.concert_id AS concertId, i.starts_at AS startsAt, s.seat_number AS seatNumber, s.status, s.price,
    s.hold_expires_at AS holdExpiresAt
  FROM seats s JOIN schedule_inventories i ON i.schedule_id = s.schedule_id
  WHERE s.reservation_id = ? AND s.status IN ('HELD', 'RESERVED') ORDER BY s.seat_number`;

function view(reservationId: string, rows: HeldRow[]): HoldView {
  const expiries = rows.map((r) => r.holdExpiresAt).filter((d): d is Date => d !== null);
  return {
    reservationId,
    scheduleId: rows[0]!.scheduleId,
    concertId: rows[0]!.concertId,
    startsAt: rows[0]!.startsAt?.toISOString() ?? null,
    seatNumbers: rows.map((r) => r.seatNumber),
    amount: rows.reduce((s, r) => s + r.price, 0),
    status: rows.every((r) => r.status === "RESERVED") ? "RESERVED" : "HELD",
    expiresAt: expiries.length ? new Date(Math.min(...expiries.map(Number))).toISOString() : null,
  };
}

/**
 * Seat holds. Every decision is made on rows locked with SELECT ... FOR UPDATE inside one
 * transaction, so concurrent holds on overlapping seats serialize in the database: a seat is
 * held by at most one reservation, and a hold takes all its seats or none.
 */
export class SeatHolds {
  constructor(
    private readonly uow: UnitOfWork,
    /** How long released seats wait in a routing hold for the waiting list before going on sale (s). */
    private readonly routingHoldSeconds: number,
    /** Told after a committed change of a schedule's seats (the seat-map snapshot). */
    private readonly changed: (scheduleId: string) => void = () => undefined,
  ) {}

  async hold(req: HoldSeatsRequest, now = new Date()): Promise<{ created: boolean; hold: HoldView }> {
    const result = await this.uow.run(async (tx) => {
      const inventory = await tx.manager.findOneBy(ScheduleInventory, { scheduleId: req.scheduleId });
      if (!inventory) throw problems.notFound(`Schedule ${req.scheduleId}`);
      if (!bookingOpen(inventory.bookingOpensAt, now)) {
        throw problems.conflict("Booking for this schedule has not opened yet.", { bookingOpensAt: inventory.bookingOpensAt.toISOString() });
      }
      const rows: SeatRow[] = await tx.manager.query(
        `SELECT seat_number AS seatNumber, status, reservation_id AS reservationId, user_id AS userId, price FROM seats
         WHERE schedule_id = ? AND seat_number IN (?) ORDER BY seat_number FOR UPDATE`,
        [req.scheduleId, req.seatNumbers],
      );
      const source = req.fromHold ? { fromHold: req.fromHold, userId: req.userId } : undefined;
      const decision = decideHold(req.seatNumbers, rows, req.reservationId, source);
      if (decision.kind === "unavailable") {
        throw problems.conflict("Some of the seats are not available.", { unavailableSeats: decision.seatNumbers });
      }
      if (decision.kind === "hold") {
        // A transfer from the waiting list: from its routing hold to an offer, or from an offer
        // to the fan's reservation (which keeps the fan's one live hold).
        const from = req.fromHold ? await this.listHoldKind(tx, req.fromHold) : undefined;
        if (req.fromHold) await tx.manager.query("UPDATE user_holds SET reservation_id = ? WHERE reservation_id = ?", [req.reservationId, req.fromHold]);
        if (req.userId) {
          await this.claimForUser(tx, req.scheduleId, req.userId, req.reservationId);
          if (inventory.maxSeatsPerFan !== null) {
            await this.withinSeatsPerFan(tx, req.scheduleId, req.userId, req.seatNumbers.length, inventory.maxSeatsPerFan, req.fromHold);
          }
        }
        const expiresAt = new Date(now.getTime() + req.holdSeconds * 1000);
        await tx.manager.query(
          `UPDATE seats SET status = 'HELD', reservation_id = ?, user_id = ?, hold_expires_at = ?, version = version + 1
           WHERE schedule_id = ? AND seat_number IN (?)`,
          [req.reservationId, req.userId ?? null, expiresAt, req.scheduleId, req.seatNumbers],
        );
        if (req.fromHold) {
          await tx.manager.query(
            "DELETE FROM list_holds WHERE hold_id = ? AND NOT EXISTS (SELECT 1 FROM seats WHERE reservation_id = ? AND status = 'HELD')",
            [req.fromHold, req.fromHold],
          );
        }
        if (from === "ROUTING") {
          // An offer: the waiting list tells of it (SeatsOffered); it is no reservation's hold.
          await tx.manager.query("INSERT IGNORE INTO list_holds (hold_id, schedule_id, kind, from_hold) VALUES (?, ?, 'OFFER', ?)", [
            req.reservationId,
            req.scheduleId,
            req.fromHold,
          ]);
        } else {
          tx.publish(
            SeatsHeld,
            { scheduleId: req.scheduleId, reservationId: req.reservationId, seatNumbers: [...req.seatNumbers].sort(), amount: decision.amount, expiresAt: expiresAt.toISOString() },
            req.scheduleId,
          );
        }
      }
      return { created: decision.kind === "hold", hold: view(req.reservationId, await tx.manager.query(HELD_ROWS, [req.reservationId])) };
    });
    if (result.created) this.changed(req.scheduleId);
    return result;
  }

  /**
   * Routes the schedule's released seats to its waiting list from now on, if nothing is on sale
   * (in `section`, if named): a fan joins only a list of what is sold out. Under the schedule's
   * lock, which every release takes shared, so no release falls between the check and the switch.
   */
  async routeToWaitingList(scheduleId: string, section: string | undefined, now = new Date()): Promise<{ concertId: string; maxSeatsPerFan: number | null }> {
    return this.uow.run(async (tx) => {
      const [inventory]: Array<{ concertId: string; maxSeatsPerFan: number | null; waitlistedAt: Date | null }> = await tx.manager.query(
        "SELECT concert_id AS concertId, max_seats_per_fan AS maxSeatsPerFan, waitlisted_at AS waitlistedAt FROM schedule_inventories WHERE schedule_id = ? FOR UPDATE",
        [scheduleId],
      );
      if (!inventory) throw problems.notFound(`Schedule ${scheduleId}`);
      const inSection = section ? " AND section = ?" : "";
      const args = section ? [scheduleId, section] : [scheduleId];
      const [counts]: Array<{ seats: number; available: number | null }> = await tx.manager.query(
        `SELECT COUNT(*) AS seats, SUM(status = 'AVAILABLE') AS available FROM seats WHERE schedule_id = ?${inSection}`,
        args,
      );
      if (!Number(counts!.seats)) throw problems.notFound(`Section ${section} of schedule ${scheduleId}`);
      const available = Number(counts!.available ?? 0);
      if (available > 0) throw problems.conflict("Seats are still on sale: book them instead.", { availableSeats: available });
      if (!inventory.waitlistedAt) await tx.manager.query("UPDATE schedule_inventories SET waitlisted_at = ? WHERE schedule_id = ?", [now, scheduleId]);
      return { concertId: inventory.concertId, maxSeatsPerFan: inventory.maxSeatsPerFan };
    });
  }

  /**
   * A routing hold as the waiting list sees it: the seats it still has, and the offers already
   * made from it that still hold seats (made by a transfer whose answer may not have arrived).
   */
  async routing(holdId: string): Promise<{ seatNumbers: string[]; offers: HoldView[] }> {
    return this.uow.run(async (tx) => {
      const rows: HeldRow[] = await tx.manager.query(HELD_ROWS, [holdId]);
      // One query for every offer made from it, grouped here.
      const offered: Array<HeldRow & { holdId: string }> = await tx.manager.query(
        `SELECT s.reservation_id AS holdId, s.schedule_id AS scheduleId, i.concert_id AS concertId, i.starts_at AS startsAt, s.seat_number AS seatNumber,
           s.status, s.price, s.hold_expires_at AS holdExpiresAt
         FROM list_holds l JOIN seats s ON s.reservation_id = l.hold_id AND s.status = 'HELD' JOIN schedule_inventories i ON i.schedule_id = s.schedule_id
         WHERE l.from_hold = ? AND l.kind = 'OFFER' ORDER BY s.reservation_id, s.seat_number`,
        [holdId],
      );
      const byOffer = new Map<string, HeldRow[]>();
      for (const r of offered) byOffer.set(r.holdId, [...(byOffer.get(r.holdId) ?? []), r]);
      const offers = [...byOffer].map(([offerId, held]) => view(offerId, held));
      if (!rows.length && !offers.length) throw problems.notFound(`Routing hold ${holdId}`);
      return { seatNumbers: rows.map((r) => r.seatNumber), offers };
    });
  }

  async get(reservationId: string): Promise<HoldView> {
    return this.uow.run(async (tx) => {
      const rows: HeldRow[] = await tx.manager.query(HELD_ROWS, [reservationId]);
      if (!rows.length) throw problems.notFound(`Hold of reservation ${reservationId}`);
      return view(reservationId, rows);
    });
  }

  /**
   * HELD -> RESERVED, only for the reservation that still holds the seats. Idempotent. Marks the
   * schedule sold out (once) when its last seat is reserved.
   */
  async confirm(reservationId: string, now = new Date()): Promise<HoldView> {
    // READ COMMITTED: the sold-out count must see confirmations committed just before ours.
    const confirmed = await this.uow.run(
      async (tx) => {
        const scheduleId = (await tx.manager.query("SELECT schedule_id AS scheduleId FROM seats WHERE reservation_id = ? LIMIT 1", [reservationId]))[0]
          ?.scheduleId as string | undefined;
        if (!scheduleId) throw problems.conflict("This reservation holds no seats (released or expired).");
        // One confirmation per schedule at a time, so exactly one of them sees the last seat go.
        const inventory: Array<{ concertId: string; bookingOpensAt: Date; soldOutAt: Date | null }> = await tx.manager.query(
          "SELECT concert_id AS concertId, booking_opens_at AS bookingOpensAt, sold_out_at AS soldOutAt FROM schedule_inventories WHERE schedule_id = ? FOR UPDATE",
          [scheduleId],
        );
        const rows: HeldRow[] = await tx.manager.query(`${HELD_ROWS} FOR UPDATE`, [reservationId]);
        if (!rows.length) throw problems.conflict("This reservation holds no seats (released or expired).");
        // An expired hold is not confirmed, even if nobody released it yet: its seats are the next buyer's.
        if (rows.some((r) => r.status === "HELD" && r.holdExpiresAt !== null && r.holdExpiresAt <= now)) {
          throw problems.conflict("The hold on these seats has expired.");
        }
        if (rows.some((r) => r.status === "HELD")) {
          await tx.manager.query("UPDATE seats SET status = 'RESERVED', hold_expires_at = NULL, version = version + 1 WHERE reservation_id = ? AND status = 'HELD'", [reservationId]);
          await tx.manager.query("DELETE FROM user_holds WHERE reservation_id = ?", [reservationId]);
          await this.markSoldOutIfLast(tx, scheduleId, inventory[0]!);
        }
        return view(reservationId, await tx.manager.query(HELD_ROWS, [reservationId]));
      },
      { isolation: "READ COMMITTED" },
    );
    this.changed(confirmed.scheduleId);
    return confirmed;
  }

  /**
   * HELD or RESERVED -> AVAILABLE for every seat of the reservation. Idempotent: releasing what
   * is no longer held changes nothing. With `expiredBefore`, only holds that expired before it.
   * A schedule with a waiting list gets the seats instead, in a routing hold (never on sale
   * meanwhile); a routing hold itself is released on sale (nobody on the list wanted them).
   */
  async release(reservationId: string, reason: Reason, expiredBefore?: Date, now = new Date()): Promise<string[]> {
    const released = await this.uow.run(async (tx) => {
      const [first] = await tx.manager.query("SELECT schedule_id AS scheduleId FROM seats WHERE reservation_id = ? LIMIT 1", [reservationId]);
      if (!first) return [];
      const scheduleId: string = first.scheduleId;
      // Shared: releases run side by side, but not beside a fan joining the list (routeToWaitingList).
      const [inventory]: Array<{ waitlistedAt: Date | null }> = await tx.manager.query(
        "SELECT waitlisted_at AS waitlistedAt FROM schedule_inventories WHERE schedule_id = ? LOCK IN SHARE MODE",
        [scheduleId],
      );
      const rows: Array<{ seatNumber: string }> = await tx.manager.query(
        `SELECT seat_number AS seatNumber FROM seats
         WHERE reservation_id = ? AND ${expiredBefore ? "status = 'HELD' AND hold_expires_at < ?" : "status IN ('HELD', 'RESERVED')"}
         ORDER BY seat_number FOR UPDATE`,
        expiredBefore ? [reservationId, expiredBefore] : [reservationId],
      );
      if (!rows.length) return [];
      const seatNumbers = rows.map((r) => r.seatNumber);
      const kind = await this.listHoldKind(tx, reservationId);
      const routingHold = inventory?.waitlistedAt && kind !== "ROUTING" ? randomUUID() : undefined;
      if (routingHold) {
        await tx.manager.query(
          `UPDATE seats SET status = 'HELD', reservation_id = ?, user_id = NULL, hold_expires_at = ?, version = version + 1
           WHERE schedule_id = ? AND seat_number IN (?) AND reservation_id = ?`,
          [routingHold, new Date(now.getTime() + this.routingHoldSeconds * 1000), scheduleId, seatNumbers, reservationId],
        );
        await tx.manager.query("INSERT INTO list_holds (hold_id, schedule_id, kind) VALUES (?, ?, 'ROUTING')", [routingHold, scheduleId]);
      } else {
        await tx.manager.query(
          `UPDATE seats SET status = 'AVAILABLE', reservation_id = NULL, user_id = NULL, hold_expires_at = NULL, version = version + 1
           WHERE schedule_id = ? AND seat_number IN (?) AND reservation_id = ?`,
          [scheduleId, seatNumbers, reservationId],
        );
      }
      await tx.manager.query("DELETE FROM user_holds WHERE reservation_id = ?", [reservationId]);
      if (kind) await tx.manager.query("DELETE FROM list_holds WHERE hold_id = ? AND NOT EXISTS (SELECT 1 FROM seats WHERE reservation_id = ?)", [reservationId, reservationId]);
      tx.publish(
        SeatsReleased,
        {
          scheduleId,
          reservationId,
          seatNumbers,
          reason,
          ...(kind ? { holdKind: kind === "ROUTING" ? ("routing" as const) : ("offer" as const) } : {}),
          ...(routingHold ? { routingHold } : {}),
        },
        scheduleId,
      );
      return { scheduleId, seatNumbers };
    });
    if (!Array.isArray(released)) this.changed(released.scheduleId);
    return Array.isArray(released) ? released : released.seatNumbers;
  }

  /** Reservations whose hold expired before `before` (sagas that died); for the sweeper. */
  async expiredHolds(before: Date, limit = 100): Promise<string[]> {
    return this.uow.run(async (tx) => {
      const rows: Array<{ reservationId: string }> = await tx.manager.query(
        "SELECT DISTINCT reservation_id AS reservationId FROM seats WHERE status = 'HELD' AND hold_expires_at < ? LIMIT ?",
        [before, limit],
      );
      return rows.map((r) => r.reservationId);
    });
  }

  /**
   * Fair use: what the fan already holds or bought in the schedule, plus this hold, stays within
   * the schedule's cap. Runs after the fan's claim (`claimForUser`), which serializes the fan's
   * holds on the schedule, so two at once cannot both count the same room.
   */
  private async withinSeatsPerFan(tx: Transaction, scheduleId: string, userId: string, asked: number, max: number, movedFrom?: string): Promise<void> {
    // Seats a transfer moves (an offer becoming the fan's reservation) are not counted twice.
    const [{ n }] = await tx.manager.query(
      "SELECT COUNT(*) AS n FROM seats WHERE schedule_id = ? AND user_id = ? AND status IN ('HELD', 'RESERVED') AND NOT reservation_id <=> ?",
      [scheduleId, userId, movedFrom ?? null],
    );
    const already = Number(n);
    if (already + asked > max) {
      throw problems.conflict(`At most ${max} seats per fan for this schedule: you hold or bought ${already}.`, { maxSeatsPerFan: max, seatsAlready: already });
    }
  }

  /**
   * The user's one live hold on this schedule: a second one is refused until the first is paid,
   * cancelled or expired (seat hoarding). The claim row commits with the hold or not at all.
   */
  private async claimForUser(tx: Transaction, scheduleId: string, userId: string, reservationId: string): Promise<void> {
    const res: { affectedRows: number } = await tx.manager.query(
      "INSERT IGNORE INTO user_holds (schedule_id, user_id, reservation_id) VALUES (?, ?, ?)",
      [scheduleId, userId, reservationId],
    );
    if (res.affectedRows === 1) return;
    const [held] = await tx.manager.query("SELECT reservation_id AS reservationId FROM user_holds WHERE schedule_id = ? AND user_id = ? FOR UPDATE", [scheduleId, userId]);
    if (held && held.reservationId !== reservationId) {
      throw problems.conflict("You already hold seats for this schedule: pay for them or cancel that reservation first.", {
        heldReservationId: held.reservationId,
      });
    }
  }

  /** ROUTING or OFFER for a hold the waiting list made (locked), nothing for a reservation's. */
  private async listHoldKind(tx: Transaction, holdId: string): Promise<"ROUTING" | "OFFER" | undefined> {
    const [row] = await tx.manager.query("SELECT kind FROM list_holds WHERE hold_id = ? FOR UPDATE", [holdId]);
    return row?.kind;
  }

  private async markSoldOutIfLast(
    tx: Transaction,
    scheduleId: string,
    inventory: { concertId: string; bookingOpensAt: Date; soldOutAt: Date | null },
  ): Promise<void> {
    if (inventory.soldOutAt) return;
    const left = await tx.manager.query("SELECT 1 FROM seats WHERE schedule_id = ? AND status <> 'RESERVED' LIMIT 1", [scheduleId]);
    if (left.length) return;
    const soldOutAt = new Date();
    await tx.manager.query("UPDATE schedule_inventories SET sold_out_at = ? WHERE schedule_id = ?", [soldOutAt, scheduleId]);
    tx.publish(
      ScheduleSoldOut,
      { scheduleId, concertId: inventory.concertId, bookingOpensAt: inventory.bookingOpensAt.toISOString(), soldOutAt: soldOutAt.toISOString() },
      scheduleId,
    );
  }
}
