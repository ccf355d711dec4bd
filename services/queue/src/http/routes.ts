import { joinQueueRequest, uuidParam } from "@concert/contracts";
import { PRINCIPAL_HEADERS, problems, Router, signAdmissionPass, validate } from "@concert/platform";
import type { Context } from "koa";
import { z } from "zod";
import type { QueueConfig } from "../config";
import { viewOf } from "../domain/token";
import type { RedisQueue } from "../infra/redis-queue";

const userOf = (ctx: Context) => validate(uuidParam, ctx.get(PRINCIPAL_HEADERS.userId), "user");
const settleRequest = z.strictObject({ userId: z.uuid(), concertId: z.uuid(), queueToken: z.uuid().optional(), reservationId: z.uuid().optional() });

/** The queue's internal API. Users reach only their own tokens. */
export function queueRoutes(queue: RedisQueue, config: QueueConfig): Router {
  const router = new Router();
  const render = async (token: string, userId: string) => {
    const now = Date.now();
    const t = await queue.get(token);
    if (!t || t.userId !== userId) throw problems.notFound("Queue token");
    const place = await queue.placeInLine(t, now, config.QUEUE_ACTIVE_CAPACITY);
    const view = viewOf(t, now, place?.position ?? null, config.QUEUE_ADMISSION_PER_SECOND, place?.slots);
    // ACTIVE: with a pass the gateway checks by itself (docs/waiting-room.md).
    const passUntil = Math.min(t.expiresAt ?? now, now + config.QUEUE_PASS_TTL_SECONDS * 1000);
    const pass =
      view.status === "ACTIVE" && config.QUEUE_PASS_SECRET
        ? { pass: await signAdmissionPass(config.QUEUE_PASS_SECRET, { userId, concertId: t.concertId, token: t.token }, passUntil), passExpiresAt: new Date(passUntil).toISOString() }
        : {};
    return { ...view, ...pass, userId: t.userId };
  };

  router.post("/tokens", async (ctx) => {
    const userId = userOf(ctx);
    const { concertId } = validate(joinQueueRequest, ctx.request.body);
    const before = await queue.tokenOfUser(userId, concertId);
    const token = await queue.join(userId, concertId, Date.now());
    ctx.status = token === before ? 200 : 201;
    ctx.body = await render(token, userId);
  });

  router.get("/tokens/current", async (ctx) => {
    const userId = userOf(ctx);
    const { concertId } = validate(joinQueueRequest, ctx.query, "query");
    const token = await queue.tokenOfUser(userId, concertId);
    if (!token) throw problems.notFound("Queue token");
    ctx.body = await render(token, userId);
  });

  router.get("/tokens/:token", async (ctx) => {
    ctx.body = await render(validate(uuidParam, ctx.params.token, "path"), userOf(ctx));
  });

  // The operator console's view of a concert's line (the gateway lets only admins ask).
  router.get("/queues/:concertId", async (ctx) => {
    const concertId = validate(uuidParam, ctx.params.concertId, "path");
    ctx.body = { concertId, ...(await queue.stats(concertId, Date.now())), admissionPerSecond: config.QUEUE_ADMISSION_PER_SECOND, activeCapacity: config.QUEUE_ACTIVE_CAPACITY };
  });

  // What the booking saga's events do to a token (ReservationCreated / Completed / Failed), by
  // hand: for operators and tests. No app may invoke /internal routes in the cluster (the chart's
  // accessControl lists none).
  for (const mode of ["spend", "expire", "restore"] as const) {
    router.post(`/internal/tokens/${mode}`, async (ctx) => {
      const { userId, concertId, queueToken, reservationId } = validate(settleRequest, ctx.request.body);
      ctx.body = { status: await queue[mode](userId, concertId, Date.now(), queueToken, reservationId) };
    });
  }

  return router;
}
