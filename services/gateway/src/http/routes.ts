import { pageQuery, uuidParam } from "@concert/contracts";
import { Router, validate } from "@concert/platform";
import type { Context } from "koa";
import type { Upstream, UpstreamResponse } from "../infra/upstream";
import { authenticate, requireRole } from "./auth";
import { openApiDocument } from "./openapi";

export interface Upstreams {
  concert: Upstream;
  seat: Upstream;
}

function reply(ctx: Context, res: UpstreamResponse): void {
  ctx.status = res.status;
  const { location, ...headers } = res.headers;
  ctx.set(headers);
  // Internal paths become public ones: /concerts/1 -> /api/concerts/1.
  if (location?.startsWith("/")) ctx.set("Location", `/api${location}`);
  ctx.type = res.contentType;
  ctx.body = res.body;
}

const id = (ctx: Context, name = "id") => validate(uuidParam, ctx.params[name], "path");

/** The public API. Each route validates what it can at the edge and forwards to its owner. */
export function publicRoutes(up: Upstreams, auth: { secret: string; issuer: string }): Router {
  const router = new Router({ prefix: "/api" });
  const admin = [authenticate(auth.secret, auth.issuer), requireRole("admin")];

  router.get("/openapi.json", (ctx) => {
    ctx.body = openApiDocument;
  });

  router.get("/concerts", async (ctx) => {
    const query = validate(pageQuery, ctx.query, "query");
    reply(ctx, await up.concert.call({ method: "GET", path: "/concerts", query: { limit: String(query.limit), offset: String(query.offset) } }));
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

  router.get("/schedules/:id/seats", async (ctx) => {
    reply(ctx, await up.seat.call({ method: "GET", path: `/schedules/${id(ctx)}/seats` }));
  });

  router.post("/admin/concerts", ...admin, async (ctx) => {
    reply(ctx, await up.concert.call({ method: "POST", path: "/concerts", body: ctx.request.body ?? {} }));
  });

  router.post("/admin/concerts/:id/schedules", ...admin, async (ctx) => {
    reply(ctx, await up.concert.call({ method: "POST", path: `/concerts/${id(ctx)}/schedules`, body: ctx.request.body ?? {} }));
  });

  return router;
}

interface ScheduleView {
  id: string;
  remainingSeats?: number | null;
}

/**
 * Adds each schedule's remaining seats from the seat service in one batched call. The catalog
 * still answers when the seat service does not: remainingSeats is then null.
 */
async function withRemainingSeats(seat: Upstream, page: { items: ScheduleView[] }) {
  if (!page.items.length) return page;
  const remaining = new Map<string, number>();
  try {
    const res = await seat.call({ method: "GET", path: "/availability", query: { scheduleIds: page.items.map((s) => s.id).join(",") } });
    if (res.status === 200) {
      for (const a of (res.body as { items: Array<{ scheduleId: string; available: number }> }).items) {
        remaining.set(a.scheduleId, a.available);
      }
    }
  } catch {
    // degrade: the listing without counts beats no listing
  }
  return { ...page, items: page.items.map((s) => ({ ...s, remainingSeats: remaining.get(s.id) ?? null })) };
}
