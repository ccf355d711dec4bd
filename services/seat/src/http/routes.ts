import { holdSeatsRequest, releaseSeatsRequest, uuidParam, waitlistSeatsRequest } from "@concert/contracts";
import { Router, validate } from "@concert/platform";
import type { DataSource } from "typeorm";
import { z } from "zod";
import { countSeats, type SeatStatus } from "../domain/seat";
import type { SeatHolds } from "../infra/holds";
import type { SeatMaps } from "../infra/seat-maps";

const availabilityQuery = z.object({
  scheduleIds: z
    .string()
    .transform((s) => [...new Set(s.split(",").filter(Boolean))])
    .pipe(z.array(uuidParam).min(1).max(100)),
});

/** The seat service's internal API, reached only through Dapr service invocation. */
export function seatRoutes(ds: DataSource, holds: SeatHolds, maps: SeatMaps): Router {
  const router = new Router();

  router.post("/holds", async (ctx) => {
    const { created, hold } = await holds.hold(validate(holdSeatsRequest, ctx.request.body));
    ctx.status = created ? 201 : 200;
    ctx.body = hold;
  });

  /** A routing hold's seats and the offers made from it (the waiting list's view of a release). */
  router.get("/holds/:id/routing", async (ctx) => {
    ctx.body = await holds.routing(validate(uuidParam, ctx.params.id, "path"));
  });

  router.get("/holds/:reservationId", async (ctx) => {
    ctx.body = await holds.get(validate(uuidParam, ctx.params.reservationId, "path"));
  });

  router.post("/holds/:reservationId/confirm", async (ctx) => {
    ctx.body = await holds.confirm(validate(uuidParam, ctx.params.reservationId, "path"));
  });

  router.post("/holds/:reservationId/release", async (ctx) => {
    const reservationId = validate(uuidParam, ctx.params.reservationId, "path");
    const { reason } = validate(releaseSeatsRequest, ctx.request.body ?? {});
    ctx.body = { reservationId, released: await holds.release(reservationId, reason) };
  });

  /** The waiting list's join: released seats of the schedule go to it from now on (409 while seats are on sale). */
  router.post("/schedules/:id/waitlist", async (ctx) => {
    const { section } = validate(waitlistSeatsRequest, ctx.request.body ?? {});
    ctx.body = await holds.routeToWaitingList(validate(uuidParam, ctx.params.id, "path"), section);
  });

  /** The seat map: one shared snapshot per schedule, with an ETag (304 when unchanged). */
  router.get("/schedules/:id/seats", async (ctx) => {
    const map = await maps.get(validate(uuidParam, ctx.params.id, "path"));
    ctx.set("ETag", map.etag);
    ctx.set("Cache-Control", "no-cache");
    if (ctx.get("if-none-match") === map.etag) {
      ctx.status = 304;
      return;
    }
    ctx.type = "application/json";
    ctx.body = map.body;
  });

  /** Remaining seats of many schedules in one query (the catalog listing asks for a page at once). */
  router.get("/availability", async (ctx) => {
    const { scheduleIds } = validate(availabilityQuery, ctx.query, "query");
    const rows: Array<{ schedule_id: string; status: SeatStatus; count: string }> = await ds.query(
      "SELECT schedule_id, status, COUNT(*) AS count FROM seats WHERE schedule_id IN (?) GROUP BY schedule_id, status",
      [scheduleIds],
    );
    const bySchedule = new Map<string, Array<{ status: SeatStatus; count: number }>>();
    for (const r of rows) bySchedule.set(r.schedule_id, [...(bySchedule.get(r.schedule_id) ?? []), { status: r.status, count: Number(r.count) }]);
    ctx.body = { items: [...bySchedule].map(([scheduleId, counts]) => ({ scheduleId, ...countSeats(counts) })) };
  });

  return router;
}
