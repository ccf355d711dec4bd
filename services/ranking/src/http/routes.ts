import { uuidParam } from "@concert/contracts";
import { problems, Router, validate } from "@concert/platform";
import type { DataSource } from "typeorm";
import { z } from "zod";

const top = z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) });

/** Minutes of bookings the console shows (its "bookings per minute" chart). */
export const SALES_MINUTES = 15;

/** Public rankings (read through the gateway without authentication) and the sales console's read model (admins). */
export function rankingRoutes(ds: DataSource): Router {
  const router = new Router();

  router.get("/rankings/sold-out", async (ctx) => {
    const { limit } = validate(top, ctx.query, "query");
    const rows: Array<Record<string, unknown>> = await ds.query(
      `SELECT s.schedule_id AS scheduleId, s.concert_id AS concertId, c.concert_title AS concertTitle,
              s.booking_opens_at AS bookingOpensAt, s.sold_out_at AS soldOutAt, s.seconds_to_sell_out AS secondsToSellOut
       FROM sold_out s LEFT JOIN schedules c ON c.schedule_id = s.schedule_id
       ORDER BY s.seconds_to_sell_out, s.sold_out_at LIMIT ?`,
      [limit],
    );
    ctx.body = { items: rows.map((r, i) => ({ rank: i + 1, ...r, secondsToSellOut: Number(r.secondsToSellOut) })) };
  });

  router.get("/rankings/popular", async (ctx) => {
    const { limit } = validate(top, ctx.query, "query");
    const rows: Array<Record<string, unknown>> = await ds.query(
      `SELECT p.concert_id AS concertId, MAX(c.concert_title) AS concertTitle, p.completed, p.cancelled, p.seats_sold AS seatsSold
       FROM popularity p LEFT JOIN schedules c ON c.concert_id = p.concert_id
       WHERE p.seats_sold > 0
       GROUP BY p.concert_id, p.completed, p.cancelled, p.seats_sold
       ORDER BY p.seats_sold DESC, p.completed DESC LIMIT ?`,
      [limit],
    );
    ctx.body = { items: rows.map((r, i) => ({ rank: i + 1, ...r })) };
  });

  router.get("/sales/:scheduleId", async (ctx) => {
    const scheduleId = validate(uuidParam, ctx.params.scheduleId, "path").toLowerCase();
    const [schedule]: Array<Record<string, unknown>> = await ds.query(
      `SELECT s.concert_id AS concertId, s.concert_title AS concertTitle, s.booking_opens_at AS bookingOpensAt, s.capacity,
              o.sold_out_at AS soldOutAt, o.seconds_to_sell_out AS secondsToSellOut
       FROM schedules s LEFT JOIN sold_out o ON o.schedule_id = s.schedule_id WHERE s.schedule_id = ?`,
      [scheduleId],
    );
    if (!schedule) throw problems.notFound("Schedule (not yet in the sales read model)");
    const byState: Array<{ state: string; reservations: string; seats: string; amount: string }> = await ds.query(
      "SELECT state, COUNT(*) AS reservations, SUM(seats) AS seats, SUM(amount) AS amount FROM sales WHERE schedule_id = ? GROUP BY state",
      [scheduleId],
    );
    const of = (state: string) => byState.find((r) => r.state === state);
    const now = new Date();
    const since = new Date(Math.floor(now.getTime() / 60_000) * 60_000 - (SALES_MINUTES - 1) * 60_000);
    const perMinute: Array<{ minute: string; bookings: string; seats: string }> = await ds.query(
      `SELECT TIMESTAMPDIFF(MINUTE, ?, confirmed_at) AS minute, COUNT(*) AS bookings, SUM(seats) AS seats
       FROM sales WHERE schedule_id = ? AND confirmed_at >= ? GROUP BY minute`,
      [since, scheduleId, since],
    );
    const capacity = schedule.capacity === null ? null : Number(schedule.capacity);
    const sold = Number(of("CONFIRMED")?.seats ?? 0);
    const held = Number(of("HELD")?.seats ?? 0);
    ctx.body = {
      scheduleId,
      concertId: schedule.concertId,
      concertTitle: schedule.concertTitle,
      bookingOpensAt: schedule.bookingOpensAt,
      capacity,
      sold,
      held,
      available: capacity === null ? null : Math.max(0, capacity - sold - held),
      revenue: Number(of("CONFIRMED")?.amount ?? 0),
      bookings: Number(of("CONFIRMED")?.reservations ?? 0),
      cancelled: Number(of("CANCELLED")?.reservations ?? 0),
      soldOutAt: schedule.soldOutAt ?? null,
      secondsToSellOut: schedule.secondsToSellOut === null ? null : Number(schedule.secondsToSellOut),
      // Oldest first; the last entry is the minute now running.
      bookingsPerMinute: Array.from({ length: SALES_MINUTES }, (_, i) => {
        const row = perMinute.find((r) => Number(r.minute) === i);
        return { minute: new Date(since.getTime() + i * 60_000).toISOString(), bookings: Number(row?.bookings ?? 0), seats: Number(row?.seats ?? 0) };
      }),
      asOf: now.toISOString(),
    };
  });

  return router;
}
