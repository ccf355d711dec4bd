import { Router, validate } from "@concert/platform";
import type { DataSource } from "typeorm";
import { z } from "zod";

const top = z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) });

/** Public rankings (read through the gateway without authentication). */
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

  return router;
}
