import { joinWaitingListRequest, uuidParam } from "@concert/contracts";
import { PRINCIPAL_HEADERS, Router, validate } from "@concert/platform";
import type { Context } from "koa";
import type { WaitingLists } from "../infra/waiting-list";

const userOf = (ctx: Context) => validate(uuidParam, ctx.get(PRINCIPAL_HEADERS.userId), "user");
const idOf = (ctx: Context) => validate(uuidParam, ctx.params.id, "path");

/** The waiting list's internal API, by schedule id; the gateway maps it under /api (docs/waiting-list.md). */
export function waitlistRoutes(lists: WaitingLists): Router {
  const router = new Router();

  router.post("/lists/:id/entries", async (ctx) => {
    const scheduleId = idOf(ctx);
    const body = validate(joinWaitingListRequest, ctx.request.body ?? {});
    ctx.status = 201;
    ctx.body = await lists.join(userOf(ctx), scheduleId, body);
  });

  router.get("/lists/:id/entries/me", async (ctx) => {
    ctx.body = await lists.mine(userOf(ctx), idOf(ctx));
  });

  router.delete("/lists/:id/entries/me", async (ctx) => {
    ctx.body = await lists.leave(userOf(ctx), idOf(ctx));
  });

  /** 201 with the reservation, PENDING_PAYMENT; pay for it like any other. */
  router.post("/offers/:id/claim", async (ctx) => {
    const reservation = (await lists.claim(userOf(ctx), idOf(ctx))).body as { reservationId: string };
    ctx.status = 201;
    ctx.set("Location", `/reservations/${reservation.reservationId}`);
    ctx.body = reservation;
  });

  router.get("/lists/:id/stats", async (ctx) => {
    ctx.body = await lists.stats(idOf(ctx));
  });

  return router;
}
