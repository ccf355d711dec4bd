import { z } from "zod";
import { seatSection } from "./catalog";
import { defineEvent } from "./event";

const id = z.uuid();
const instant = z.iso.datetime({ offset: true });

export const ScheduleCreated = defineEvent(
  "ScheduleCreated",
  "schedule-created",
  z.object({
    scheduleId: id,
    concertId: id,
    concertTitle: z.string().min(1).max(200),
    startsAt: instant,
    bookingOpensAt: instant,
    sections: z.array(seatSection).min(1),
    /** Absent in schedules announced before it existed: no cap beyond one hold at a time. */
    maxSeatsPerFan: z.number().int().min(1).optional(),
  }),
);

const seatNumbers = z.array(z.string().min(1).max(32)).min(1);

export const SeatsHeld = defineEvent(
  "SeatsHeld",
  "seats-held",
  z.object({ scheduleId: id, reservationId: id, seatNumbers, amount: z.number().int().min(0), expiresAt: instant }),
);

export const SeatReleaseReason = z.enum(["released", "expired", "payment_declined", "cancelled", "compensated"]);

export const SeatsReleased = defineEvent(
  "SeatsReleased",
  "seats-released",
  z.object({
    scheduleId: id,
    /** Whose hold ended: a reservation's, or (with `holdKind`) one the waiting list made. */
    reservationId: id,
    seatNumbers,
    reason: SeatReleaseReason,
    /** Absent for a reservation's hold; `routing` or `offer` for the waiting list's holds. */
    holdKind: z.enum(["routing", "offer"]).optional(),
    /**
     * Present when the schedule has a waiting list: the seats did not go back on sale but into
     * this routing hold, for the waiting-list service to offer (docs/waiting-list.md).
     */
    routingHold: id.optional(),
  }),
);

export const ScheduleSoldOut = defineEvent(
  "ScheduleSoldOut",
  "schedule-sold-out",
  z.object({ scheduleId: id, concertId: id, bookingOpensAt: instant, soldOutAt: instant }),
);

/**
 * Reservation events travel on one topic: Dapr's transactional outbox publishes a state
 * store's events to a single topic, and consumers dispatch on the CloudEvent type.
 */
export const RESERVATION_TOPIC = "reservation-events";

const booking = {
  reservationId: id,
  userId: id,
  scheduleId: id,
  concertId: id,
  seatNumbers,
  /** The queue token that admitted the booking: settling the waiting room touches only it. */
  queueToken: id.optional(),
};

export const ReservationCreated = defineEvent(
  "ReservationCreated",
  RESERVATION_TOPIC,
  z.object({ ...booking, amount: z.number().int().min(0), holdExpiresAt: instant, createdAt: instant }),
);

export const ReservationCompleted = defineEvent(
  "ReservationCompleted",
  RESERVATION_TOPIC,
  z.object({ ...booking, amount: z.number().int().min(0), paymentId: id, completedAt: instant }),
);

export const ReservationFailureReason = z.enum(["payment_declined", "hold_expired", "error", "cancelled"]);

export const ReservationFailed = defineEvent(
  "ReservationFailed",
  RESERVATION_TOPIC,
  z.object({ ...booking, reason: ReservationFailureReason, failedAt: instant }),
);

export const ReservationCancelled = defineEvent(
  "ReservationCancelled",
  RESERVATION_TOPIC,
  z.object({ ...booking, refundedAmount: z.number().int().min(0), cancelledAt: instant }),
);

const money = z.number().int().min(0);

export const WalletCharged = defineEvent(
  "WalletCharged",
  "wallet-charged",
  z.object({ walletId: id, userId: id, amount: money, balance: money }),
);

export const PaymentApproved = defineEvent(
  "PaymentApproved",
  "payment-approved",
  z.object({ paymentId: id, userId: id, reservationId: id, amount: money, balance: money }),
);

export const PaymentDeclined = defineEvent(
  "PaymentDeclined",
  "payment-declined",
  z.object({ paymentId: id, userId: id, reservationId: id, amount: money, reason: z.enum(["insufficient_balance"]) }),
);

export const PaymentRefunded = defineEvent(
  "PaymentRefunded",
  "payment-refunded",
  z.object({ paymentId: id, userId: id, reservationId: id, amount: money, balance: money }),
);

/**
 * An event a consumer could not apply (it broke its contract, or kept failing): parked here with
 * the reason, so it stops blocking its partition and can be looked at and replayed.
 */
export const DeadLetter = defineEvent(
  "DeadLetter",
  "dead-letters",
  z.object({
    consumer: z.string(),
    topic: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    reason: z.string(),
    event: z.unknown(),
    failedAt: instant,
  }),
);

// The waiting list (docs/waiting-list.md), owned by the waitlist service.
const entry = { entryId: id, userId: id, scheduleId: id, concertId: id };

export const WaitingListJoined = defineEvent(
  "WaitingListJoined",
  "waiting-list-joined",
  z.object({ ...entry, seatCount: z.number().int().min(1), section: z.string().min(1).max(8).nullable(), joinedAt: instant }),
);

export const WaitingListLeft = defineEvent("WaitingListLeft", "waiting-list-left", z.object({ ...entry, leftAt: instant }));

export const SeatsOffered = defineEvent(
  "SeatsOffered",
  "seats-offered",
  z.object({ ...entry, offerId: id, seatNumbers, amount: z.number().int().min(0), expiresAt: instant }),
);

export const OfferClaimed = defineEvent(
  "OfferClaimed",
  "offer-claimed",
  z.object({ ...entry, offerId: id, reservationId: id, seatNumbers, claimedAt: instant }),
);

export const OfferExpired = defineEvent(
  "OfferExpired",
  "offer-expired",
  z.object({ ...entry, offerId: id, seatNumbers, expiredAt: instant }),
);

/**
 * A liveness probe of the event path, not a business event: each consuming app publishes one
 * every few seconds through its own path (its sidecar, or for the reservation service Dapr's
 * outbox) and watches it come back through its own subscription. Consumers acknowledge beats
 * of other apps on a shared topic without handling them.
 */
export const HEARTBEAT_TYPE = "Heartbeat";
export const Heartbeat = z.object({ app: z.string().min(1).max(64), beatId: id, sentAt: instant });
export type Heartbeat = z.infer<typeof Heartbeat>;
/**
 * Topics whose producer beats on them through its outbox, by producer: a consumer whose sidecar
 * stops delivering one of them (decision 0008) notices the silence and gets a fresh sidecar.
 */
export const BEATING_TOPICS: Record<string, string> = { [RESERVATION_TOPIC]: "reservation", [SeatsReleased.topic]: "seat" };
/** A heartbeat as an event on one of its producer's topics (BEATING_TOPICS). */
export const beatOn = (topic: string) => defineEvent(HEARTBEAT_TYPE, topic, Heartbeat);
/** The topic an app's beats travel on when it has no outbox of its own to send them through. */
export const heartbeatTopic = (app: string) => `heartbeat-${app}`;

/** Every event of the system. Types are unique; topics too, but for the reservation topic. */
export const allEvents = [
  ScheduleCreated,
  SeatsHeld,
  SeatsReleased,
  ScheduleSoldOut,
  ReservationCreated,
  ReservationCompleted,
  ReservationFailed,
  ReservationCancelled,
  WalletCharged,
  PaymentApproved,
  PaymentDeclined,
  PaymentRefunded,
  WaitingListJoined,
  WaitingListLeft,
  SeatsOffered,
  OfferClaimed,
  OfferExpired,
  DeadLetter,
] as const;

/**
 * The one app allowed to publish each business topic. The pub/sub component enforces it
 * (`protectedTopics` with `publishingScopes`, in components/pubsub.yaml and the chart): a
 * sidecar refuses a forged `ReservationCompleted` from any other app.
 */
export const TOPIC_PUBLISHERS: Record<string, string> = {
  [ScheduleCreated.topic]: "concert",
  [SeatsHeld.topic]: "seat",
  [SeatsReleased.topic]: "seat",
  [ScheduleSoldOut.topic]: "seat",
  [RESERVATION_TOPIC]: "reservation",
  [WalletCharged.topic]: "wallet",
  [PaymentApproved.topic]: "wallet",
  [PaymentDeclined.topic]: "wallet",
  [PaymentRefunded.topic]: "wallet",
  [WaitingListJoined.topic]: "waitlist",
  [WaitingListLeft.topic]: "waitlist",
  [SeatsOffered.topic]: "waitlist",
  [OfferClaimed.topic]: "waitlist",
  [OfferExpired.topic]: "waitlist",
};

/** The internal topic of Dapr's outbox for an app's topic (`pkg/runtime/pubsub/outbox.go`). */
export const outboxTopic = (app: string, topic: string, namespace = "") => `${namespace}${app}${topic}outbox`;
