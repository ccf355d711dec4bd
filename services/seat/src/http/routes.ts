import { holdSeatsRequest, releaseSeatsRequest, uuidParam } from "@concert/contracts";
import { problems, Router, validate } from "@concert/platform";
import type { DataSource } from "typeorm";
import { z } from "zod";
import { countSeats, type SeatStatus } from "../domain/seat";
import { ScheduleInventory, Seat } from "../infra/entities";
import type { SeatHolds } from "../infra/holds";

const availabilityQuery = z.object({
  scheduleIds: z
    .string()
    .transform((s) => [...new Set(s.split(",").filter(Boolean))])
    .pipe(z.array(uuidParam).min(1).max(100)),
});

/** The seat service's internal API, reached only through Dapr service invocation. */
export function seatRoutes(ds: DataSource, holds: SeatHolds): Router {
  const router = new Router();

  router.post("/holds", async (ctx) => {
    const { created, hold } = await holds.hold(validate(holdSeatsRequest, ctx.request.body));
    ctx.status = created ? 201 : 200;
    ctx.body = hold;
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

  router.get("/schedules/:id/seats", async (ctx) => {
    const scheduleId = validate(uuidParam, ctx.params.id, "path");
    const inventory = await ds.getRepository(ScheduleInventory).findOneBy({ scheduleId });
    if (!inventory) throw problems.notFound(`Schedule ${scheduleId}`);
    const seats = await ds.getRepository(Seat).find({
      where: { scheduleId },
      select: { seatNumber: true, section: true, row: true, number: true, price: true, status: true },
      order: { section: "ASC", row: "ASC", number: "ASC" },
    });
    const counts = countSeats(tally(seats));
    ctx.body = {
      scheduleId,
      // Now, not historically: seats returned by a cancellation are on sale again.
      soldOut: counts.reserved === counts.total,
      ...counts,
      seats: seats.map((s) => ({
        seatNumber: s.seatNumber,
        section: s.section,
        row: s.row,
        number: s.number,
        price: s.price,
        status: s.status,
      })),
    };
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

function tally(seats: ReadonlyArray<{ status: SeatStatus }>) {
  const byStatus = new Map<SeatStatus, number>();
  for (const s of seats) byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
  return [...byStatus].map(([status, count]) => ({ status, count }));
}
