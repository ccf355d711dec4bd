import { type PayloadOf, ReservationCompleted, ReservationCreated, ReservationFailed } from "@concert/contracts";
import type { ReceivedEvent, Subscriptions } from "@concert/platform";
import type Redis from "ioredis";
import type { RedisQueue } from "../infra/redis-queue";

const INBOX_TTL_SECONDS = 7 * 24 * 3600;

/**
 * The booking saga settles the waiting room (docs/waiting-room.md): a reservation that holds
 * seats spends the token that admitted it (its slot frees for the next fan), a completed one
 * spends it for good, a failed one gives it back if its time has not run out. Every effect is
 * idempotent and order-proof; the Redis inbox key makes a redelivery a visible no-op.
 */
export function subscribeToReservations(subscriptions: Subscriptions, queue: RedisQueue, redis: Redis): void {
  // The effect first, then the inbox mark: a failed effect is redelivered, and an effect
  // applied twice (crash between the two) changes nothing.
  const once = async (consumer: string, eventId: string, effect: () => Promise<unknown>) => {
    const key = `queue:inbox:${consumer}:${eventId}`;
    if (await redis.exists(key)) return;
    await effect();
    await redis.set(key, "1", "EX", INBOX_TTL_SECONDS);
  };
  subscriptions
    .on(ReservationCreated, (e: ReceivedEvent<PayloadOf<typeof ReservationCreated>>) =>
      once("queue.reservation-created", e.id, () => queue.spend(e.data.userId, e.data.concertId, Date.now(), e.data.queueToken, e.data.reservationId)),
    )
    .on(ReservationCompleted, (e: ReceivedEvent<PayloadOf<typeof ReservationCompleted>>) =>
      once("queue.reservation-completed", e.id, () => queue.expire(e.data.userId, e.data.concertId, Date.now(), e.data.queueToken, e.data.reservationId)),
    )
    .on(ReservationFailed, (e: ReceivedEvent<PayloadOf<typeof ReservationFailed>>) =>
      once("queue.reservation-failed", e.id, () => queue.restore(e.data.userId, e.data.concertId, Date.now(), e.data.queueToken, e.data.reservationId)),
    );
}
