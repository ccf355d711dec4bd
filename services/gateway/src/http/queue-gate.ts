import { uuidParam } from "@concert/contracts";
import { idOfIdempotencyKey, problems, type Upstream, validate, verifyAdmissionPass } from "@concert/platform";
import type { Context } from "koa";
import { principalOf } from "./auth";

/**
 * What the gateway remembers of the catalog (bounded): a schedule never moves to another
 * concert and concerts are never deleted, so these answers cannot go stale.
 */
export class CatalogFacts {
  private readonly concertOf = new Map<string, string>();
  private readonly concerts = new Set<string>();

  constructor(
    private readonly concert: Upstream,
    private readonly max = 50_000,
  ) {}

  async scheduleConcert(scheduleId: string): Promise<string> {
    const hit = this.concertOf.get(scheduleId);
    if (hit) return hit;
    const res = await this.concert.call({ method: "GET", path: `/schedules/${scheduleId}` });
    if (res.status === 404) throw problems.notFound(`Schedule ${scheduleId}`);
    if (res.status !== 200) throw problems.unavailable("The catalog did not answer.", 2);
    const concertId = (res.body as { concertId: string }).concertId;
    if (this.concertOf.size >= this.max) this.concertOf.delete(this.concertOf.keys().next().value!);
    this.concertOf.set(scheduleId, concertId);
    return concertId;
  }

  /** Answers 404 (or the catalog's problem) for a concert that does not exist. */
  async requireConcert(concertId: string): Promise<void> {
    if (this.concerts.has(concertId)) return;
    const res = await this.concert.call({ method: "GET", path: `/concerts/${concertId}` });
    if (res.status === 404) throw problems.notFound(`Concert ${concertId}`);
    if (res.status !== 200) throw problems.unavailable("The catalog did not answer.", 2);
    if (this.concerts.size >= this.max) this.concerts.delete(this.concerts.values().next().value!);
    this.concerts.add(concertId);
  }
}

export const QUEUE_TOKEN_HEADER = "x-queue-token";

/**
 * The sale-opening front door: the seat map and reservations need the caller's own ACTIVE
 * queue token for the schedule's concert. X-Queue-Token carries either the queue's admission
 * pass for it (checked here, no call) or the token itself (the queue is asked). Otherwise 403,
 * with the token's status and position.
 */
export function queueGate(catalog: CatalogFacts, queue: Upstream, passSecret?: string) {
  /**
   * Resolves to the id of the ACTIVE token that lets the caller through. `reservationKey`: the
   * Idempotency-Key of a reservation request, so that a retry of the request whose reservation
   * spent the token still reaches the reservation service and gets its first answer again.
   */
  return async (ctx: Context, scheduleId: string, reservationKey?: string): Promise<string> => {
    const principal = principalOf(ctx);
    const header = ctx.get(QUEUE_TOKEN_HEADER);
    const concertId = await catalog.scheduleConcert(scheduleId);
    if (!header) throw problems.forbidden("Join the queue first and send your token as X-Queue-Token.", { concertId });
    if (passSecret && header.includes(".")) {
      const pass = await verifyAdmissionPass(passSecret, header);
      if (!pass || pass.userId !== principal.userId) {
        throw problems.forbidden("This admission pass is expired or not yours; ask for your queue token's status again.", { concertId });
      }
      if (pass.concertId !== concertId) throw problems.forbidden("This admission pass is for another concert.", { concertId });
      return pass.token;
    }
    const token = validate(uuidParam, header, "X-Queue-Token header");
    const res = await queue.call({ method: "GET", path: `/tokens/${token}`, principal });
    if (res.status === 404) throw problems.forbidden("This queue token is not yours or does not exist.", { concertId });
    const t = res.body as { status: string; concertId: string; position: number | null; etaSeconds: number | null; heldReservationId?: string | null };
    if (t.concertId !== concertId) throw problems.forbidden("This queue token is for another concert.", { concertId });
    // The retry of the very request whose reservation spent the token: its first answer again.
    if (reservationKey && t.heldReservationId === idOfIdempotencyKey(principal.userId, "reservation", reservationKey)) return token;
    if (t.heldReservationId) {
      // Spent by a booking still awaiting payment: it comes back if that booking fails.
      throw problems.forbidden("You hold seats through this queue token: pay for them, or cancel that reservation to get the token back.", {
        queueStatus: t.status,
        heldReservationId: t.heldReservationId,
      });
    }
    if (t.status !== "ACTIVE") {
      throw problems.forbidden(
        t.status === "WAITING" ? "You are still in the queue." : "Your queue token has expired; join again.",
        { queueStatus: t.status, position: t.position, etaSeconds: t.etaSeconds },
      );
    }
    return token;
  };
}
