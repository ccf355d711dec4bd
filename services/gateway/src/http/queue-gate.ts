import { uuidParam } from "@concert/contracts";
import { problems, type Upstream, validate } from "@concert/platform";
import type { Context } from "koa";
import { principalOf } from "./auth";

/** Schedules never move to another concert: remember the answer (bounded). */
class ScheduleConcerts {
  private readonly known = new Map<string, string>();

  constructor(
    private readonly concert: Upstream,
    private readonly max = 50_000,
  ) {}

  async of(scheduleId: string): Promise<string> {
    const hit = this.known.get(scheduleId);
    if (hit) return hit;
    const res = await this.concert.call({ method: "GET", path: `/schedules/${scheduleId}` });
    if (res.status === 404) throw problems.notFound(`Schedule ${scheduleId}`);
    if (res.status !== 200) throw problems.unavailable("The catalog did not answer.", 2);
    const concertId = (res.body as { concertId: string }).concertId;
    if (this.known.size >= this.max) this.known.delete(this.known.keys().next().value!);
    this.known.set(scheduleId, concertId);
    return concertId;
  }
}

export const QUEUE_TOKEN_HEADER = "x-queue-token";

/**
 * The sale-opening front door: the seat map and reservations need the caller's own ACTIVE
 * queue token for the schedule's concert. Otherwise 403, with the token's status and position.
 */
export function queueGate(concert: Upstream, queue: Upstream) {
  const schedules = new ScheduleConcerts(concert);
  return async (ctx: Context, scheduleId: string): Promise<void> => {
    const principal = principalOf(ctx);
    const header = ctx.get(QUEUE_TOKEN_HEADER);
    const concertId = await schedules.of(scheduleId);
    if (!header) throw problems.forbidden("Join the queue first and send your token as X-Queue-Token.", { concertId });
    const token = validate(uuidParam, header, "X-Queue-Token header");
    const res = await queue.call({ method: "GET", path: `/tokens/${token}`, principal });
    if (res.status === 404) throw problems.forbidden("This queue token is not yours or does not exist.", { concertId });
    const t = res.body as { status: string; concertId: string; position: number | null; etaSeconds: number | null };
    if (t.concertId !== concertId) throw problems.forbidden("This queue token is for another concert.", { concertId });
    if (t.status !== "ACTIVE") {
      throw problems.forbidden(
        t.status === "WAITING" ? "You are still in the queue." : "Your queue token has expired; join again.",
        { queueStatus: t.status, position: t.position, etaSeconds: t.etaSeconds },
      );
    }
  };
}
