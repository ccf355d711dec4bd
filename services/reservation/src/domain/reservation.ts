/** Reservation states (SPEC 4): PENDING_PAYMENT -> CONFIRMED -> CANCELLED, PENDING_PAYMENT -> FAILED(reason). */
export type ReservationStatus = "PENDING_PAYMENT" | "CONFIRMED" | "CANCELLED" | "FAILED";
export type FailureReason = "payment_declined" | "hold_expired" | "error" | "cancelled";
/** What one payment attempt came to, as the saga saw it. */
export type PaymentOutcome = "APPROVED" | "DECLINED" | "UNAVAILABLE" | "SEATS_LOST";

export interface Reservation {
  id: string;
  userId: string;
  scheduleId: string;
  concertId: string;
  seatNumbers: string[];
  amount: number;
  /** The queue token that admitted it (from the gateway), when known. */
  queueToken?: string;
  /** One payment per reservation, so every retry of it is the same payment for the wallet. */
  paymentId: string;
  status: ReservationStatus;
  reason?: FailureReason;
  refundedAmount?: number;
  holdExpiresAt: string;
  /**
   * Until when a CONFIRMED reservation can be cancelled for a refund: the cutoff before the show,
   * fixed when it was booked (a later policy change does not apply to it). Absent: no cutoff known.
   */
  cancellableUntil?: string;
  createdAt: string;
  history: Array<{ status: ReservationStatus; at: string; reason?: FailureReason }>;
  lastPayment?: { attempt: string; outcome: PaymentOutcome; at: string };
}

const NEXT: Record<ReservationStatus, ReservationStatus[]> = {
  PENDING_PAYMENT: ["CONFIRMED", "FAILED"],
  CONFIRMED: ["CANCELLED"],
  CANCELLED: [],
  FAILED: [],
};

export class InvalidTransition extends Error {
  override name = "InvalidTransition";
}

export function canMove(from: ReservationStatus, to: ReservationStatus): boolean {
  return NEXT[from].includes(to);
}

/** The reservation after a status change; refuses a change the state machine does not allow. */
/** What a status change may set besides the status. */
export type TransitionExtra = Partial<Pick<Reservation, "reason" | "refundedAmount" | "lastPayment">>;

export function moveTo(r: Reservation, to: ReservationStatus, at: Date, extra: TransitionExtra = {}): Reservation {
  if (!canMove(r.status, to)) throw new InvalidTransition(`${r.status} -> ${to}`);
  return {
    ...r,
    status: to,
    ...extra,
    history: [...r.history, { status: to, at: at.toISOString(), ...(extra.reason ? { reason: extra.reason } : {}) }],
  };
}

/** Why a payment cannot be attempted now (409), or undefined when it can. */
export function paymentRefusal(r: Reservation, now: Date): string | undefined {
  if (r.status === "CONFIRMED" || r.status === "CANCELLED") return "This reservation is already settled.";
  if (r.status === "FAILED") return r.reason === "hold_expired" ? "The hold on these seats has expired." : "This reservation has failed.";
  if (new Date(r.holdExpiresAt) <= now) return "The hold on these seats has expired.";
  return undefined;
}

export function newReservation(input: Omit<Reservation, "status" | "history" | "paymentId" | "createdAt">, now: Date): Reservation {
  return {
    ...input,
    paymentId: input.id,
    status: "PENDING_PAYMENT",
    createdAt: now.toISOString(),
    history: [{ status: "PENDING_PAYMENT", at: now.toISOString() }],
  };
}

/** The cancellation cutoff of a show starting at `startsAt`, `cutoffMinutes` before it. */
export function cancellationCutoff(startsAt: string | null | undefined, cutoffMinutes: number): string | undefined {
  return startsAt ? new Date(Date.parse(startsAt) - cutoffMinutes * 60_000).toISOString() : undefined;
}

/** A CONFIRMED reservation past its cutoff can no longer be cancelled (a pending one always can). */
export const pastCancellationCutoff = (r: Reservation, now: Date): boolean =>
  r.status === "CONFIRMED" && r.cancellableUntil !== undefined && now.getTime() > Date.parse(r.cancellableUntil);

/** What the owner sees. */
export function viewOf(r: Reservation) {
  return {
    reservationId: r.id,
    status: r.status,
    ...(r.reason ? { reason: r.reason } : {}),
    scheduleId: r.scheduleId,
    concertId: r.concertId,
    seatNumbers: r.seatNumbers,
    amount: r.amount,
    holdExpiresAt: r.holdExpiresAt,
    ...(r.cancellableUntil ? { cancellableUntil: r.cancellableUntil } : {}),
    ...(r.refundedAmount !== undefined ? { refundedAmount: r.refundedAmount } : {}),
    createdAt: r.createdAt,
    history: r.history,
  };
}
