import { randomUUID } from "node:crypto";
import {
  concertListQuery,
  createConcertRequest,
  createScheduleRequest,
  ScheduleCreated,
  uuidParam,
} from "@concert/contracts";
import { problems, Router, type UnitOfWork, validate } from "@concert/platform";
import { type DataSource, In } from "typeorm";
import { planSchedule } from "../domain/schedule";
import { Concert, Schedule } from "../infra/entities";

const toConcertView = (c: Concert) => ({
  id: c.id,
  title: c.title,
  venue: c.venue,
  description: c.description,
  createdAt: c.createdAt.toISOString(),
});

const toScheduleView = (s: Schedule) => ({
  id: s.id,
  concertId: s.concertId,
  startsAt: s.startsAt.toISOString(),
  bookingOpensAt: s.bookingOpensAt.toISOString(),
  totalSeats: s.totalSeats,
  maxSeatsPerFan: s.maxSeatsPerFan,
  sections: s.sections,
  soldOut: s.soldOutAt !== null,
  soldOutAt: s.soldOutAt?.toISOString() ?? null,
});

/** The catalog's internal API, reached only through Dapr service invocation. */
export function catalogRoutes(ds: DataSource, uow: UnitOfWork): Router {
  const concerts = ds.getRepository(Concert);
  const schedules = ds.getRepository(Schedule);
  const router = new Router();

  router.get("/concerts", async (ctx) => {
    const { limit, offset, include } = validate(concertListQuery, ctx.query, "query");
    const rows = await concerts.find({ order: { createdAt: "DESC", id: "ASC" }, take: limit, skip: offset });
    if (include !== "schedules" || !rows.length) {
      ctx.body = { items: rows.map(toConcertView), limit, offset };
      return;
    }
    // Every schedule of the page in one query.
    const all = await schedules.find({ where: { concertId: In(rows.map((c) => c.id)) }, order: { startsAt: "ASC" } });
    ctx.body = {
      items: rows.map((c) => ({ ...toConcertView(c), schedules: all.filter((s) => s.concertId === c.id).map(toScheduleView) })),
      limit,
      offset,
    };
  });

  router.post("/concerts", async (ctx) => {
    const body = validate(createConcertRequest, ctx.request.body);
    const concert = concerts.create({ id: randomUUID(), ...body, description: body.description ?? null });
    await concerts.insert(concert);
    ctx.status = 201;
    ctx.set("Location", `/concerts/${concert.id}`);
    ctx.body = toConcertView((await concerts.findOneByOrFail({ id: concert.id })));
  });

  router.get("/concerts/:id", async (ctx) => {
    const id = validate(uuidParam, ctx.params.id, "path");
    const concert = await concerts.findOneBy({ id });
    if (!concert) throw problems.notFound(`Concert ${id}`);
    ctx.body = toConcertView(concert);
  });

  router.get("/concerts/:id/schedules", async (ctx) => {
    const id = validate(uuidParam, ctx.params.id, "path");
    if (!(await concerts.existsBy({ id }))) throw problems.notFound(`Concert ${id}`);
    const rows = await schedules.find({ where: { concertId: id }, order: { startsAt: "ASC" } });
    ctx.body = { items: rows.map(toScheduleView) };
  });

  router.post("/concerts/:id/schedules", async (ctx) => {
    const concertId = validate(uuidParam, ctx.params.id, "path");
    const body = validate(createScheduleRequest, ctx.request.body);
    const plan = planSchedule(body, new Date());
    if (Array.isArray(plan)) throw problems.validation(plan);
    const schedule = await uow.run(async (tx) => {
      const concert = await tx.manager.findOneBy(Concert, { id: concertId });
      if (!concert) throw problems.notFound(`Concert ${concertId}`);
      const s = tx.manager.create(Schedule, {
        id: randomUUID(),
        concertId,
        ...plan,
        sections: body.sections,
        soldOutAt: null,
      });
      await tx.manager.insert(Schedule, s);
      tx.publish(
        ScheduleCreated,
        {
          scheduleId: s.id,
          concertId,
          concertTitle: concert.title,
          startsAt: plan.startsAt.toISOString(),
          bookingOpensAt: plan.bookingOpensAt.toISOString(),
          sections: body.sections,
          maxSeatsPerFan: plan.maxSeatsPerFan,
        },
        s.id,
      );
      return tx.manager.findOneByOrFail(Schedule, { id: s.id });
    });
    ctx.status = 201;
    ctx.set("Location", `/schedules/${schedule.id}`);
    ctx.body = toScheduleView(schedule);
  });

  router.get("/schedules/:id", async (ctx) => {
    const id = validate(uuidParam, ctx.params.id, "path");
    const schedule = await schedules.findOneBy({ id });
    if (!schedule) throw problems.notFound(`Schedule ${id}`);
    ctx.body = toScheduleView(schedule);
  });

  return router;
}
