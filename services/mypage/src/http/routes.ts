import { uuidParam } from "@concert/contracts";
import { PRINCIPAL_HEADERS, problems, Router, validate } from "@concert/platform";
import type { Context } from "koa";
import type { DataSource } from "typeorm";

const own = (ctx: Context): string => {
  const userId = validate(uuidParam, ctx.params.userId, "path");
  if (ctx.get(PRINCIPAL_HEADERS.userId) !== userId) throw problems.notFound("My page");
  return userId;
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** My page: two queries per view, whatever the number of reservations. */
export function mypageRoutes(ds: DataSource): Router {
  const router = new Router();

  router.get("/users/:userId/reservations", async (ctx) => {
    const userId = own(ctx);
    const rows: Array<Record<string, any>> = await ds.query(
      `SELECT reservation_id, schedule_id, concert_id, seat_numbers, amount, status, reason, refunded_amount, hold_expires_at
       FROM my_reservations WHERE user_id = ? ORDER BY reservation_id`,
      [userId],
    );
    const steps: Array<Record<string, any>> = rows.length
      ? await ds.query(
          "SELECT reservation_id, step, detail, at FROM reservation_timeline WHERE reservation_id IN (?) ORDER BY at, step",
          [rows.map((r) => r.reservation_id)],
        )
      : [];
    const timelines = new Map<string, Array<Record<string, any>>>();
    for (const st of steps) timelines.set(st.reservation_id, [...(timelines.get(st.reservation_id) ?? []), st]);
    ctx.body = {
      items: rows.map((r) => ({
        reservationId: r.reservation_id,
        scheduleId: r.schedule_id,
        concertId: r.concert_id,
        seatNumbers: typeof r.seat_numbers === "string" ? JSON.parse(r.seat_numbers) : r.seat_numbers,
        amount: r.amount === null ? null : Number(r.amount),
        status: r.status,
        reason: r.reason,
        refundedAmount: r.refunded_amount === null ? null : Number(r.refunded_amount),
        holdExpiresAt: iso(r.hold_expires_at),
        timeline: (timelines.get(r.reservation_id) ?? []).map((s) => ({ step: s.step, ...(s.detail ? { detail: s.detail } : {}), at: iso(s.at) })),
      })),
    };
  });

  router.get("/users/:userId/wallet-history", async (ctx) => {
    const userId = own(ctx);
    const rows: Array<Record<string, any>> = await ds.query(
      "SELECT kind, amount, balance_after, reservation_id, at FROM wallet_history WHERE user_id = ? ORDER BY at, event_id",
      [userId],
    );
    ctx.body = {
      items: rows.map((r) => ({
        kind: r.kind,
        amount: Number(r.amount),
        balanceAfter: r.balance_after === null ? null : Number(r.balance_after),
        reservationId: r.reservation_id,
        at: iso(r.at),
      })),
    };
  });

  /** The user's waiting-list entries, the open ones first, with their offers. */
  router.get("/users/:userId/waiting-list", async (ctx) => {
    const userId = own(ctx);
    const rows: Array<Record<string, any>> = await ds.query(
      `SELECT entry_id, schedule_id, concert_id, seat_count, section, status, joined_at, offer_id, offer_seats, offer_amount, offer_expires_at, reservation_id
       FROM my_waiting_list WHERE user_id = ? ORDER BY status_rank, joined_at DESC`,
      [userId],
    );
    ctx.body = {
      items: rows.map((r) => ({
        entryId: r.entry_id,
        scheduleId: r.schedule_id,
        concertId: r.concert_id,
        seatCount: r.seat_count,
        section: r.section,
        status: r.status,
        joinedAt: iso(r.joined_at),
        offer: r.offer_id
          ? {
              offerId: r.offer_id,
              seatNumbers: typeof r.offer_seats === "string" ? JSON.parse(r.offer_seats) : r.offer_seats,
              amount: r.offer_amount === null ? null : Number(r.offer_amount),
              expiresAt: iso(r.offer_expires_at),
              reservationId: r.reservation_id,
            }
          : null,
      })),
    };
  });

  return router;
}
