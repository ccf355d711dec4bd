import { randomUUID } from "node:crypto";
import { type JoinWaitingListRequest, OfferClaimed, OfferExpired, SeatsOffered, WaitingListJoined, WaitingListLeft } from "@concert/contracts";
import {
  idOfIdempotencyKey,
  isDuplicateKey,
  type Logger,
  problems,
  type Transaction,
  type UnitOfWork,
  type Upstream,
  type UpstreamResponse,
  upstreamProblem,
} from "@concert/platform";
import type { DataSource } from "typeorm";
import { allocate, type WaitingEntry } from "../domain/allocation";

export type EntryStatus = "WAITING" | "OFFERED" | "CLAIMED" | "LEFT" | "EXPIRED";
export type OfferStatus = "OFFERED" | "CLAIMED" | "EXPIRED" | "DECLINED";

export interface OfferView {
  offerId: string;
  seatNumbers: string[];
  amount: number;
  status: OfferStatus;
  expiresAt: string;
  reservationId: string | null;
}

export interface EntryView {
  entryId: string;
  scheduleId: string;
  concertId: string;
  seatCount: number;
  section: string | null;
  status: EntryStatus;
  /** Place among the entries still waiting (1 = next), while waiting. */
  position: number | null;
  joinedAt: string;
  /** The entry's latest offer, if it had one. */
  offer: OfferView | null;
}

interface EntryRow {
  seq: string;
  id: string;
  scheduleId: string;
  concertId: string;
  userId: string;
  seatCount: number;
  section: string | null;
  status: EntryStatus;
  joinedAt: Date;
}

interface OfferRow {
  id: string;
  entryId: string;
  scheduleId: string;
  userId: string;
  seatNumbers: string[] | string;
  amount: number;
  status: OfferStatus;
  expiresAt: Date;
  reservationId: string | null;
}

const ENTRY = `SELECT seq, id, schedule_id AS scheduleId, concert_id AS concertId, user_id AS userId, seat_count AS seatCount, section, status,
  joined_at AS joinedAt FROM entries`;
const OFFER = `SELECT id, entry_id AS entryId, schedule_id AS scheduleId, user_id AS userId, seat_numbers AS seatNumbers, amount, status,
  expires_at AS expiresAt, reservation_id AS reservationId FROM offers`;

const seatsOf = (o: OfferRow): string[] => (typeof o.seatNumbers === "string" ? JSON.parse(o.seatNumbers) : o.seatNumbers);
const offerView = (o: OfferRow): OfferView => ({
  offerId: o.id,
  seatNumbers: seatsOf(o),
  amount: Number(o.amount),
  status: o.status,
  expiresAt: o.expiresAt.toISOString(),
  reservationId: o.reservationId,
});
const entryFacts = (e: EntryRow) => ({ entryId: e.id, userId: e.userId, scheduleId: e.scheduleId, concertId: e.concertId });

export interface WaitingListOptions {
  claimSeconds: number;
  holdMarginSeconds: number;
}

/**
 * The waiting lists (docs/waiting-list.md). The seats themselves stay with the seat service:
 * every move of them (routing hold -> offer -> reservation, or back) is one of its conditional
 * transfers, so a seat has one owner whatever this service does or fails to do. This service
 * keeps the line and the offers, and serves a schedule's releases one at a time (its list row).
 */
export class WaitingLists {
  constructor(
    private readonly ds: DataSource,
    private readonly uow: UnitOfWork,
    private readonly seat: Upstream,
    private readonly reservation: Upstream,
    private readonly options: WaitingListOptions,
    private readonly log: Logger,
  ) {}

  async join(userId: string, scheduleId: string, req: JoinWaitingListRequest, now = new Date()): Promise<EntryView> {
    await this.refuseSecondEntry(userId, scheduleId);
    const entryId = randomUUID();
    try {
      await this.uow.run(async (tx) => {
        // The list's lock from the switch to routing until the entry is in: a release served
        // meanwhile waits for it, and leftover seats are never sent on sale past a fan joining.
        await tx.manager.query("INSERT IGNORE INTO lists (schedule_id) VALUES (?)", [scheduleId]);
        await tx.manager.query("SELECT schedule_id FROM lists WHERE schedule_id = ? FOR UPDATE", [scheduleId]);
        // The seat service says whether anything is on sale, and from now on routes released seats here.
        const routed = await this.seat.call({ method: "POST", path: `/schedules/${scheduleId}/waitlist`, body: req.section ? { section: req.section } : {} });
        if (routed.status !== 200) throw upstreamProblem(routed);
        const { concertId, maxSeatsPerFan } = routed.body as { concertId: string; maxSeatsPerFan: number | null };
        if (maxSeatsPerFan !== null && req.seatCount > maxSeatsPerFan) {
          throw problems.conflict(`At most ${maxSeatsPerFan} seats per fan for this schedule.`, { maxSeatsPerFan });
        }
        await tx.manager.query(
          `INSERT INTO entries (id, schedule_id, concert_id, user_id, seat_count, section, status, live_user, joined_at)
           VALUES (?, ?, ?, ?, ?, ?, 'WAITING', ?, ?)`,
          [entryId, scheduleId, concertId, userId, req.seatCount, req.section ?? null, userId, now],
        );
        tx.publish(
          WaitingListJoined,
          { entryId, userId, scheduleId, concertId, seatCount: req.seatCount, section: req.section ?? null, joinedAt: now.toISOString() },
          scheduleId,
        );
      });
    } catch (err) {
      if (isDuplicateKey(err)) await this.refuseSecondEntry(userId, scheduleId);
      throw err;
    }
    return this.mine(userId, scheduleId);
  }

  /** The user's live entry on the schedule, else their latest one (how it ended). */
  async mine(userId: string, scheduleId: string): Promise<EntryView> {
    const [e]: EntryRow[] = await this.ds.query(`${ENTRY} WHERE user_id = ? AND schedule_id = ? ORDER BY live_user IS NULL, seq DESC LIMIT 1`, [userId, scheduleId]);
    if (!e) throw problems.notFound("Your entry on this waiting list");
    const [place]: Array<{ n: string }> =
      e.status === "WAITING" ? await this.ds.query("SELECT COUNT(*) AS n FROM entries WHERE schedule_id = ? AND status = 'WAITING' AND seq <= ?", [scheduleId, e.seq]) : [];
    const [offer]: OfferRow[] = await this.ds.query(`${OFFER} WHERE entry_id = ? ORDER BY created_at DESC LIMIT 1`, [e.id]);
    return {
      ...entryFacts(e),
      seatCount: e.seatCount,
      section: e.section,
      status: e.status,
      position: place ? Number(place.n) : null,
      joinedAt: e.joinedAt.toISOString(),
      offer: offer ? offerView(offer) : null,
    };
  }

  /** Leaves the line; an open offer is declined and its seats pass on to the next in line. */
  async leave(userId: string, scheduleId: string, now = new Date()): Promise<EntryView> {
    await this.uow.run(async (tx) => {
      // Offer, then entry: the order claims and expiries lock them in.
      const [live]: Array<{ id: string }> = await tx.manager.query("SELECT id FROM entries WHERE schedule_id = ? AND live_user = ?", [scheduleId, userId]);
      if (!live) throw problems.notFound("Your entry on this waiting list");
      const [open]: OfferRow[] = await tx.manager.query(`${OFFER} WHERE entry_id = ? AND status = 'OFFERED' FOR UPDATE`, [live.id]);
      const [e]: EntryRow[] = await tx.manager.query(`${ENTRY} WHERE id = ? AND live_user IS NOT NULL FOR UPDATE`, [live.id]);
      if (!e) throw problems.notFound("Your entry on this waiting list");
      if (open) {
        await this.releaseOffer(open.id, "released");
        await tx.manager.query("UPDATE offers SET status = 'DECLINED', ended_at = ? WHERE id = ?", [now, open.id]);
      }
      await this.end(tx, e.id, "LEFT", now);
      tx.publish(WaitingListLeft, { ...entryFacts(e), leftAt: now.toISOString() }, scheduleId);
    });
    return this.mine(userId, scheduleId);
  }

  /**
   * The offer becomes the fan's reservation (PENDING_PAYMENT, the normal saga), its seats moved
   * from the offer's hold. The offer's row is locked throughout, so its expiry waits for the
   * claim or the claim finds it expired: never both. A repeated claim answers the same reservation
   * (the reservation's Idempotency-Key is the offer's id).
   */
  async claim(userId: string, offerId: string, now = new Date()): Promise<UpstreamResponse> {
    return this.uow.run(async (tx) => {
      const [o]: OfferRow[] = await tx.manager.query(`${OFFER} WHERE id = ? FOR UPDATE`, [offerId]);
      if (!o || o.userId !== userId) throw problems.notFound(`Offer ${offerId}`);
      const open = o.status === "OFFERED" && o.expiresAt.getTime() > now.getTime();
      if (!open && o.status !== "CLAIMED") {
        throw problems.conflict("This offer has ended; its seats went to the next in line.", { status: o.status === "OFFERED" ? "EXPIRED" : o.status });
      }
      const res = await this.reservation.call({
        method: "POST",
        path: "/offer-reservations",
        body: { scheduleId: o.scheduleId, seatNumbers: seatsOf(o), fromHold: o.id },
        headers: { "idempotency-key": o.id },
        principal: { userId, role: "user" },
      });
      if (res.status !== 201 && res.status !== 200) throw upstreamProblem(res);
      if (o.status === "OFFERED") await this.claimed(tx, o, (res.body as { reservationId: string }).reservationId, now);
      return res;
    });
  }

  /**
   * Released seats in a routing hold (SeatsReleased with `routingHold`): offered in line order,
   * the rest back on sale. Under the schedule's list lock, so two releases serve two entries in
   * turn. Offers a transfer already made (an answer lost, a transaction retried) are recorded,
   * not made again; a redelivery serves only what the hold still has.
   */
  async offerReleased(scheduleId: string, routingHold: string, now = new Date()): Promise<void> {
    let failure: unknown;
    await this.uow.run(async (tx) => {
      await tx.manager.query("SELECT schedule_id FROM lists WHERE schedule_id = ? FOR UPDATE", [scheduleId]);
      const held = await this.seat.call({ method: "GET", path: `/holds/${routingHold}/routing` });
      if (held.status === 404) return; // served already
      if (held.status !== 200) throw upstreamProblem(held);
      const hold = held.body as { seatNumbers: string[]; offers: Array<{ reservationId: string; seatNumbers: string[]; amount: number; expiresAt: string }> };
      // Locked: a fan leaving meanwhile waits, and is never offered seats after leaving.
      const waiting: Array<WaitingEntry & { concertId: string }> = await tx.manager.query(
        `SELECT id, user_id AS userId, concert_id AS concertId, seat_count AS seatCount, section FROM entries
         WHERE schedule_id = ? AND status = 'WAITING' ORDER BY seq FOR UPDATE`,
        [scheduleId],
      );
      type Waiting = (typeof waiting)[number];
      const offerIdOf = (entry: Waiting) => idOfIdempotencyKey(entry.id, "offer", routingHold);
      const window = new Date(now.getTime() + this.options.claimSeconds * 1000);
      const record = async (entry: Waiting, offerId: string, seatNumbers: string[], amount: number, expiresAt = window) => {
        await tx.manager.query(
          "INSERT INTO offers (id, entry_id, schedule_id, user_id, seat_numbers, amount, status, expires_at) VALUES (?, ?, ?, ?, ?, ?, 'OFFERED', ?)",
          [offerId, entry.id, scheduleId, entry.userId, JSON.stringify(seatNumbers), amount, expiresAt],
        );
        await tx.manager.query("UPDATE entries SET status = 'OFFERED' WHERE id = ? AND status = 'WAITING'", [entry.id]);
        const facts = { entryId: entry.id, userId: entry.userId, scheduleId, concertId: entry.concertId };
        tx.publish(SeatsOffered, { ...facts, offerId, seatNumbers, amount, expiresAt: expiresAt.toISOString() }, scheduleId);
      };

      // Offers made before without their record: recorded now for their entry, if it still
      // waits; otherwise their seats go back through the list.
      let pending = [...waiting];
      for (const made of hold.offers) {
        const [known] = await tx.manager.query("SELECT id FROM offers WHERE id = ?", [made.reservationId]);
        if (known) continue;
        const entry = pending.find((w) => offerIdOf(w) === made.reservationId);
        if (entry) {
          // Its window counts from when its seats were held (the hold outlasts it by the margin).
          const expiresAt = new Date(Date.parse(made.expiresAt) - this.options.holdMarginSeconds * 1000);
          await record(entry, made.reservationId, made.seatNumbers, made.amount, expiresAt);
          pending = pending.filter((w) => w !== entry);
        } else {
          await this.releaseOffer(made.reservationId, "released");
        }
      }

      // One entry at a time, in line order, from the seats still left: seats an entry could not
      // take (a hold of its own in progress, its seats-per-fan cap) stay for the next.
      let left = hold.seatNumbers;
      for (;;) {
        const next = allocate(pending, left).offers[0];
        if (!next) break;
        const { entry, seatNumbers } = next;
        pending = pending.filter((w) => w !== entry);
        const offerId = offerIdOf(entry);
        let moved: UpstreamResponse;
        try {
          moved = await this.seat.call({
            method: "POST",
            path: "/holds",
            body: {
              reservationId: offerId,
              scheduleId,
              seatNumbers,
              userId: entry.userId,
              holdSeconds: this.options.claimSeconds + this.options.holdMarginSeconds,
              fromHold: routingHold,
            },
          });
        } catch (err) {
          // Whether it was made is unknown: the redelivery finds it among the hold's offers.
          failure = err;
          break;
        }
        if (moved.status !== 201 && moved.status !== 200) {
          this.log.info({ entryId: entry.id, status: moved.status, problem: moved.body }, "waiting-list entry skipped for this release");
          continue;
        }
        await record(entry, offerId, seatNumbers, (moved.body as { amount: number }).amount);
        left = left.filter((n) => !seatNumbers.includes(n));
      }
      if (failure || !left.length) return;
      // What nobody took goes on sale (a routing hold's release never routes again).
      await this.seat.call({ method: "POST", path: `/holds/${routingHold}/release`, body: { reason: "released" } }).catch((err: unknown) => {
        failure = err;
      });
    });
    if (failure) throw failure;
  }

  /**
   * Offers past their claim window: expired, and their seats passed on (back through the list).
   * An offer whose seats already became its fan's reservation (a claim that lost its answer) is
   * recorded as claimed instead: it ends one way only.
   */
  async expireDue(now = new Date(), limit = 50): Promise<number> {
    const due: Array<{ id: string }> = await this.ds.query("SELECT id FROM offers WHERE status = 'OFFERED' AND expires_at <= ? ORDER BY expires_at LIMIT ?", [now, limit]);
    let expired = 0;
    for (const { id } of due) {
      const done = await this.uow.run(async (tx) => {
        const [o]: OfferRow[] = await tx.manager.query(`${OFFER} WHERE id = ? AND status = 'OFFERED' FOR UPDATE`, [id]);
        if (!o) return false; // claimed meanwhile
        const [e]: EntryRow[] = await tx.manager.query(`${ENTRY} WHERE id = ? FOR UPDATE`, [o.entryId]);
        const released = await this.releaseOffer(o.id, "expired");
        const reservationId = idOfIdempotencyKey(o.userId, "reservation", o.id);
        if (!released.length && (await this.seat.call({ method: "GET", path: `/holds/${reservationId}` })).status === 200) {
          await this.claimed(tx, o, reservationId, now);
          return false;
        }
        await tx.manager.query("UPDATE offers SET status = 'EXPIRED', ended_at = ? WHERE id = ?", [now, o.id]);
        await this.end(tx, o.entryId, "EXPIRED", now);
        tx.publish(OfferExpired, { ...entryFacts(e!), offerId: o.id, seatNumbers: seatsOf(o), expiredAt: now.toISOString() }, o.scheduleId);
        return true;
      });
      if (done) expired++;
    }
    return expired;
  }

  /** How long the schedule's line is, for the operator's console. */
  async stats(scheduleId: string): Promise<{ waiting: number; offered: number; seatsAsked: number }> {
    const [row]: Array<{ waiting: string | null; offered: string | null; seats: string | null }> = await this.ds.query(
      `SELECT SUM(status = 'WAITING') AS waiting, SUM(status = 'OFFERED') AS offered, SUM(IF(status = 'WAITING', seat_count, 0)) AS seats
       FROM entries WHERE schedule_id = ? AND live_user IS NOT NULL`,
      [scheduleId],
    );
    return { waiting: Number(row?.waiting ?? 0), offered: Number(row?.offered ?? 0), seatsAsked: Number(row?.seats ?? 0) };
  }

  private async refuseSecondEntry(userId: string, scheduleId: string): Promise<void> {
    const [live] = await this.ds.query("SELECT id FROM entries WHERE schedule_id = ? AND live_user = ?", [scheduleId, userId]);
    if (live) throw problems.conflict("You are already on this schedule's waiting list.", { entryId: live.id });
  }

  /** The offer's seats leave it: the seat service routes them back to this list (the schedule has one). */
  private async releaseOffer(offerId: string, reason: "released" | "expired"): Promise<string[]> {
    const res = await this.seat.call({ method: "POST", path: `/holds/${offerId}/release`, body: { reason } });
    if (res.status !== 200) throw upstreamProblem(res);
    return (res.body as { released: string[] }).released;
  }

  /** The offer became its fan's reservation: offer and entry CLAIMED, and OfferClaimed. */
  private async claimed(tx: Transaction, o: OfferRow, reservationId: string, now: Date): Promise<void> {
    const [e]: EntryRow[] = await tx.manager.query(`${ENTRY} WHERE id = ?`, [o.entryId]);
    await tx.manager.query("UPDATE offers SET status = 'CLAIMED', reservation_id = ?, ended_at = ? WHERE id = ?", [reservationId, now, o.id]);
    await this.end(tx, o.entryId, "CLAIMED", now);
    tx.publish(OfferClaimed, { ...entryFacts(e!), offerId: o.id, reservationId, seatNumbers: seatsOf(o), claimedAt: now.toISOString() }, o.scheduleId);
  }

  private async end(tx: Transaction, entryId: string, status: EntryStatus, now: Date): Promise<void> {
    await tx.manager.query("UPDATE entries SET status = ?, live_user = NULL, ended_at = ? WHERE id = ?", [status, now, entryId]);
  }
}
