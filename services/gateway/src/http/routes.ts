import { concertListQuery, createReservationRequest, joinQueueRequest, joinWaitingListRequest, uuidParam } from "@concert/contracts";
import { QUEUE_TOKEN_ID_HEADER, type TokenVerifier, Router, type Upstream, type UpstreamResponse, validate } from "@concert/platform";
import type { Context } from "koa";
import { authenticate, principalOf, requireRole } from "./auth";
import { openApiDocument } from "./openapi";
import { CatalogFacts, queueGate } from "./queue-gate";
import { reply } from "./reply";
import { type RateLimits, rateLimits } from "./rate-limits";
import type Redis from "ioredis";

export interface Upstreams {
  concert: Upstream;
  seat: Upstream;
  user: Upstream;
  queue: Upstream;
  reservation: Upstream;
  wallet: Upstream;
  ranking: Upstream;
  notification: Upstream;
  mypage: Upstream;
  waitlist: Upstream;
  web: Upstream;
}

export interface GatewayOptions {
  /** The user service's public keys (JWKS), issuer and audience of access tokens. */
  verifier: TokenVerifier;
  /** Key of the queue's admission passes, when the queue issues them. */
  queuePassSecret?: string;
  limits: RateLimits;
  /** Where the rate-limit counters are shared between replicas; none: each replica counts alone. */
  redis?: Redis;
}

/** Unsafe requests may carry an Idempotency-Key; the owning service keeps the answers. */
const idempotencyKey = (ctx: Context): Record<string, string> => {
  const key = ctx.get("idempotency-key");
  return key ? { "idempotency-key": key } : {};
};


const id = (ctx: Context, name = "id") => validate(uuidParam, ctx.params[name], "path");
const limitOf = (ctx: Context) => (typeof ctx.query.limit === "string" ? { limit: ctx.query.limit } : {});

/** The public API. Each route validates what it can at the edge and forwards to its owner. */
export function publicRoutes(up: Upstreams, options: GatewayOptions): Router {
  const router = new Router({ prefix: "/api" });
  const auth = authenticate(options.verifier);
  const admin = [auth, requireRole("admin")];
  const catalog = new CatalogFacts(up.concert);
  const gate = queueGate(catalog, up.queue, options.queuePassSecret);
  const limit = rateLimits(options.limits, options.redis);

  router.get("/openapi.json", (ctx) => {
    ctx.body = openApiDocument;
  });

  // Identity
  router.post("/users", limit.signUp, async (ctx) => {
    reply(ctx, await up.user.call({ method: "POST", path: "/users", body: ctx.request.body ?? {} }));
  });
  router.post("/auth/login", limit.login, async (ctx) => {
    reply(ctx, await up.user.call({ method: "POST", path: "/auth/login", body: ctx.request.body ?? {} }));
  });
  router.get("/me", auth, async (ctx) => {
    const principal = principalOf(ctx);
    reply(ctx, await up.user.call({ method: "GET", path: `/users/${principal.userId}`, principal }));
  });

  // Catalog
  router.get("/concerts", async (ctx) => {
    const query = validate(concertListQuery, ctx.query, "query");
    const res = await up.concert.call({
      method: "GET",
      path: "/concerts",
      query: { limit: String(query.limit), offset: String(query.offset), ...(query.include ? { include: query.include } : {}) },
    });
    if (res.status === 200 && query.include === "schedules") {
      const page = res.body as { items: Array<{ schedules: ScheduleView[] }> };
      const withSeats = await withRemainingSeats(up.seat, { items: page.items.flatMap((c) => c.schedules) });
      const byId = new Map(withSeats.items.map((s) => [s.id, s]));
      res.body = { ...page, items: page.items.map((c) => ({ ...c, schedules: c.schedules.map((s) => byId.get(s.id) ?? s) })) };
    }
    reply(ctx, res);
  });
  router.get("/concerts/:id", async (ctx) => {
    reply(ctx, await up.concert.call({ method: "GET", path: `/concerts/${id(ctx)}` }));
  });
  router.get("/concerts/:id/schedules", async (ctx) => {
    const res = await up.concert.call({ method: "GET", path: `/concerts/${id(ctx)}/schedules` });
    if (res.status === 200) res.body = await withRemainingSeats(up.seat, res.body as { items: ScheduleView[] });
    reply(ctx, res);
  });
  router.get("/schedules/:id", async (ctx) => {
    reply(ctx, await up.concert.call({ method: "GET", path: `/schedules/${id(ctx)}` }));
  });

  // Waiting room
  router.post("/queue/tokens", auth, async (ctx) => {
    // Ids are compared as the catalog does (case-insensitively): one queue per concert.
    const body = validate(joinQueueRequest, ctx.request.body);
    const concertId = body.concertId.toLowerCase();
    await catalog.requireConcert(concertId);
    reply(ctx, await up.queue.call({ method: "POST", path: "/tokens", body: { ...body, concertId }, principal: principalOf(ctx) }));
  });
  router.get("/queue/tokens/current", auth, async (ctx) => {
    const concertId = validate(joinQueueRequest, ctx.query, "query").concertId.toLowerCase();
    reply(ctx, await up.queue.call({ method: "GET", path: "/tokens/current", query: { concertId }, principal: principalOf(ctx) }));
  });

  // Behind the queue
  router.get("/schedules/:id/seats", auth, async (ctx) => {
    const scheduleId = id(ctx);
    await gate(ctx, scheduleId);
    // A client polling the map sends the ETag it has: an unchanged map is a 304 with no body.
    const validator = ctx.get("if-none-match");
    reply(ctx, await up.seat.call({ method: "GET", path: `/schedules/${scheduleId}/seats`, headers: validator ? { "if-none-match": validator } : {} }));
  });
  router.post("/reservations", auth, limit.reservations, async (ctx) => {
    const body = validate(createReservationRequest, ctx.request.body);
    const queueToken = await gate(ctx, body.scheduleId, ctx.get("idempotency-key") || undefined);
    const headers = { ...idempotencyKey(ctx), [QUEUE_TOKEN_ID_HEADER]: queueToken };
    reply(ctx, await up.reservation.call({ method: "POST", path: "/reservations", body, headers, principal: principalOf(ctx) }));
  });

  // Booking
  router.get("/reservations/:id", auth, async (ctx) => {
    reply(ctx, await up.reservation.call({ method: "GET", path: `/reservations/${id(ctx)}`, principal: principalOf(ctx) }));
  });
  router.post("/reservations/:id/payment", auth, async (ctx) => {
    reply(ctx, await up.reservation.call({
      method: "POST",
      path: `/reservations/${id(ctx)}/payment`,
      body: ctx.request.body ?? {},
      headers: idempotencyKey(ctx),
      principal: principalOf(ctx),
    }));
  });
  router.delete("/reservations/:id", auth, async (ctx) => {
    reply(ctx, await up.reservation.call({ method: "DELETE", path: `/reservations/${id(ctx)}`, principal: principalOf(ctx) }));
  });

  // Waiting list of a sold-out schedule (docs/waiting-list.md): no queue, the line is the list.
  router.post("/schedules/:id/waiting-list", auth, async (ctx) => {
    const scheduleId = id(ctx);
    const body = validate(joinWaitingListRequest, ctx.request.body ?? {});
    reply(ctx, await up.waitlist.call({ method: "POST", path: `/lists/${scheduleId}/entries`, body, principal: principalOf(ctx) }));
  });
  router.get("/schedules/:id/waiting-list/me", auth, async (ctx) => {
    reply(ctx, await up.waitlist.call({ method: "GET", path: `/lists/${id(ctx)}/entries/me`, principal: principalOf(ctx) }));
  });
  router.delete("/schedules/:id/waiting-list/me", auth, async (ctx) => {
    reply(ctx, await up.waitlist.call({ method: "DELETE", path: `/lists/${id(ctx)}/entries/me`, principal: principalOf(ctx) }));
  });
  router.post("/waiting-list/offers/:id/claim", auth, async (ctx) => {
    reply(ctx, await up.waitlist.call({ method: "POST", path: `/offers/${id(ctx)}/claim`, principal: principalOf(ctx) }));
  });

  // Wallet
  router.get("/me/wallet", auth, async (ctx) => {
    const principal = principalOf(ctx);
    reply(ctx, await up.wallet.call({ method: "GET", path: `/wallets/${principal.userId}`, principal }));
  });
  router.post("/me/wallet/charges", auth, async (ctx) => {
    const principal = principalOf(ctx);
    reply(ctx, await up.wallet.call({
      method: "POST",
      path: `/wallets/${principal.userId}/charges`,
      body: ctx.request.body ?? {},
      headers: idempotencyKey(ctx),
      principal,
    }));
  });

  // After the booking: rankings (public) and my page (read models)
  router.get("/rankings/sold-out", async (ctx) => {
    reply(ctx, await up.ranking.call({ method: "GET", path: "/rankings/sold-out", query: limitOf(ctx) }));
  });
  router.get("/rankings/popular", async (ctx) => {
    reply(ctx, await up.ranking.call({ method: "GET", path: "/rankings/popular", query: limitOf(ctx) }));
  });
  router.get("/me/reservations", auth, async (ctx) => {
    const principal = principalOf(ctx);
    reply(ctx, await up.mypage.call({ method: "GET", path: `/users/${principal.userId}/reservations`, principal }));
  });
  router.get("/me/wallet/history", auth, async (ctx) => {
    const principal = principalOf(ctx);
    reply(ctx, await up.mypage.call({ method: "GET", path: `/users/${principal.userId}/wallet-history`, principal }));
  });
  router.get("/me/waiting-list", auth, async (ctx) => {
    const principal = principalOf(ctx);
    reply(ctx, await up.mypage.call({ method: "GET", path: `/users/${principal.userId}/waiting-list`, principal }));
  });
  router.get("/me/notifications", auth, async (ctx) => {
    const principal = principalOf(ctx);
    reply(ctx, await up.notification.call({ method: "GET", path: `/users/${principal.userId}/notifications`, principal }));
  });

  // Administration
  router.post("/admin/concerts", ...admin, async (ctx) => {
    reply(ctx, await up.concert.call({ method: "POST", path: "/concerts", body: ctx.request.body ?? {} }));
  });
  router.post("/admin/concerts/:id/schedules", ...admin, async (ctx) => {
    reply(ctx, await up.concert.call({ method: "POST", path: `/concerts/${id(ctx)}/schedules`, body: ctx.request.body ?? {} }));
  });
  // The live sale console: the sales read model (built from events), the concert's line and
  // the schedule's waiting list (each null while its service does not answer).
  router.get("/admin/schedules/:id/console", ...admin, async (ctx) => {
    const scheduleId = id(ctx);
    const res = await up.ranking.call({ method: "GET", path: `/sales/${scheduleId}` });
    if (res.status === 200) {
      const sales = res.body as { concertId: string };
      const ok = (r: UpstreamResponse | undefined) => (r?.status === 200 ? r.body : null);
      const [line, list] = await Promise.all([
        up.queue.call({ method: "GET", path: `/queues/${sales.concertId}` }).catch(() => undefined),
        up.waitlist.call({ method: "GET", path: `/lists/${scheduleId}/stats` }).catch(() => undefined),
      ]);
      res.body = { ...sales, queue: ok(line), waitingList: ok(list) };
    }
    reply(ctx, res);
  });

  return router;
}

interface ScheduleView {
  id: string;
  remainingSeats?: number | null;
}

/**
 * Adds each schedule's remaining seats from the seat service, a batched call per 100 schedules.
 * The catalog still answers when the seat service does not: remainingSeats is then null.
 */
async function withRemainingSeats(seat: Upstream, page: { items: ScheduleView[] }) {
  if (!page.items.length) return page;
  const remaining = new Map<string, number>();
  try {
    const ids = page.items.map((s) => s.id);
    const batches = Array.from({ length: Math.ceil(ids.length / 100) }, (_, i) => ids.slice(i * 100, i * 100 + 100));
    for (const res of await Promise.all(batches.map((b) => seat.call({ method: "GET", path: "/availability", query: { scheduleIds: b.join(",") } })))) {
      if (res.status !== 200) continue;
      for (const a of (res.body as { items: Array<{ scheduleId: string; available: number }> }).items) {
        remaining.set(a.scheduleId, a.available);
      }
    }
  } catch {
    // degrade: the listing without counts beats no listing
  }
  return { ...page, items: page.items.map((s) => ({ ...s, remainingSeats: remaining.get(s.id) ?? null })) };
}
