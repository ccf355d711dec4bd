import { z } from "zod";
import { seatLayout } from "./catalog";

/** Public request bodies, shared by the owning service (validation) and the gateway (OpenAPI). */
const instant = z.iso.datetime({ offset: true, message: "an ISO-8601 date-time with offset" });

export const createConcertRequest = z.strictObject({
  title: z.string().trim().min(1).max(200),
  venue: z.string().trim().min(1).max(200),
  description: z.string().trim().max(5_000).optional(),
});
export type CreateConcertRequest = z.infer<typeof createConcertRequest>;

/** Seats one fan may hold and buy in a schedule, all reservations together, unless it says otherwise. */
export const DEFAULT_MAX_SEATS_PER_FAN = 8;

export const createScheduleRequest = z.strictObject({
  startsAt: instant,
  bookingOpensAt: instant,
  sections: seatLayout,
  /** Fair use at a sale opening: the most seats one fan holds or buys in this schedule. */
  maxSeatsPerFan: z.number().int().min(1).max(100).default(DEFAULT_MAX_SEATS_PER_FAN),
});
export type CreateScheduleRequest = z.infer<typeof createScheduleRequest>;

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

/** The concert listing: a page, with each concert's schedules when asked (one request for a catalog page). */
export const concertListQuery = pageQuery.extend({ include: z.enum(["schedules"]).optional() });

export const uuidParam = z.uuid({ message: "must be a UUID" });

export const MAX_SEATS_PER_RESERVATION = 8;

export const signUpRequest = z.strictObject({
  email: z.email().max(254).transform((e) => e.toLowerCase()),
  password: z.string().min(10, "at least 10 characters").max(128),
  name: z.string().trim().min(1).max(100),
});
export type SignUpRequest = z.infer<typeof signUpRequest>;

export const loginRequest = z.strictObject({
  email: z.string().max(254).transform((e) => e.toLowerCase()),
  password: z.string().min(1).max(128),
});

export const joinQueueRequest = z.strictObject({ concertId: z.uuid() });

const seatNumber = z.string().regex(/^[A-Z][A-Z0-9]{0,7}-\d{1,3}-\d{1,3}$/, "a seat number like VIP-1-7");

export const createReservationRequest = z.strictObject({
  scheduleId: z.uuid(),
  seatNumbers: z
    .array(seatNumber)
    .min(1)
    .max(MAX_SEATS_PER_RESERVATION, `at most ${MAX_SEATS_PER_RESERVATION} seats per reservation`)
    .refine((s) => new Set(s).size === s.length, "seat numbers must not repeat"),
});
export type CreateReservationRequest = z.infer<typeof createReservationRequest>;

/**
 * Internal: a reservation made from a waiting-list offer (the waitlist service's claim, on its
 * own path): its seats are moved from the offer's hold, which must hold them for this very fan.
 */
export const offerReservationRequest = createReservationRequest.extend({ fromHold: z.uuid() });

/** Internal: what the booking side asks the seat service to hold (all or nothing). */
export const holdSeatsRequest = z.strictObject({
  reservationId: z.uuid(),
  scheduleId: z.uuid(),
  seatNumbers: createReservationRequest.shape.seatNumbers,
  holdSeconds: z.number().int().min(1).max(3_600),
  /** The buyer: one live hold per user and schedule (no seat hoarding). */
  userId: z.uuid().optional(),
  /**
   * A transfer: these seats may be held by this hold (the waiting list's routing hold or offer)
   * instead of being on sale; they move to the new hold in the same transaction.
   */
  fromHold: z.uuid().optional(),
});

/** Join a sold-out schedule's waiting list (docs/waiting-list.md). */
export const joinWaitingListRequest = z.strictObject({
  seatCount: z.number().int("a whole number").min(1).max(MAX_SEATS_PER_RESERVATION, `at most ${MAX_SEATS_PER_RESERVATION} seats`),
  section: z.string().regex(/^[A-Z][A-Z0-9]{0,7}$/, "a section name like VIP").optional(),
});
export type JoinWaitingListRequest = z.infer<typeof joinWaitingListRequest>;

/** Internal: the waiting list asks the seat service to route a schedule's released seats to it. */
export const waitlistSeatsRequest = z.strictObject({ section: joinWaitingListRequest.shape.section });
export type HoldSeatsRequest = z.infer<typeof holdSeatsRequest>;

export const releaseSeatsRequest = z.strictObject({
  reason: z.enum(["released", "payment_declined", "cancelled", "compensated", "expired"]),
});

export const MAX_CHARGE = 10_000_000;

export const chargeRequest = z.strictObject({
  amount: z.number().int("a whole number").positive().max(MAX_CHARGE, `at most ${MAX_CHARGE}`),
});

/** Internal: a payment the booking saga asks the wallet for, keyed by paymentId. */
export const paymentRequest = z.strictObject({
  paymentId: z.uuid(),
  userId: z.uuid(),
  reservationId: z.uuid(),
  amount: z.number().int().min(0),
});
