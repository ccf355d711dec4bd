import { uuidParam } from "@concert/contracts";
import { PRINCIPAL_HEADERS, problems, Router, validate } from "@concert/platform";
import type { DataSource } from "typeorm";

/** A user's notices, newest first. Nobody reads another user's notices. */
export function noticeRoutes(ds: DataSource): Router {
  const router = new Router();
  router.get("/users/:userId/notifications", async (ctx) => {
    const userId = validate(uuidParam, ctx.params.userId, "path");
    if (ctx.get(PRINCIPAL_HEADERS.userId) !== userId) throw problems.notFound("Notifications");
    const rows: Array<{ createdAt: Date } & Record<string, unknown>> = await ds.query(
      `SELECT id, reservation_id AS reservationId, offer_id AS offerId, kind, title, message, created_at AS createdAt
       FROM notices WHERE user_id = ? ORDER BY created_at DESC, id LIMIT 100`,
      [userId],
    );
    // A notice is about a reservation or about a waiting-list offer: only that one is named.
    ctx.body = {
      items: rows.map(({ reservationId, offerId, ...r }) => ({ ...r, ...(reservationId ? { reservationId } : { offerId }), createdAt: r.createdAt.toISOString() })),
    };
  });
  return router;
}
