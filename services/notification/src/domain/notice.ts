export type NoticeKind = "confirmed" | "failed" | "expired" | "cancelled" | "offered" | "offer_expired";

export interface Notice {
  kind: NoticeKind;
  title: string;
  message: string;
}

const seats = (n: string[]) => `${n.length} seat${n.length === 1 ? "" : "s"} (${n.join(", ")})`;

export function confirmedNotice(seatNumbers: string[], amount: number): Notice {
  return { kind: "confirmed", title: "Booking confirmed", message: `Your booking of ${seats(seatNumbers)} is confirmed. ${amount} points were paid.` };
}

/** A failed reservation tells why: the hold ran out, the user cancelled, or the payment failed. */
export function failedNotice(seatNumbers: string[], reason: string): Notice {
  if (reason === "hold_expired") {
    return { kind: "expired", title: "Hold expired", message: `Your hold on ${seats(seatNumbers)} expired before payment. The seats were released.` };
  }
  if (reason === "cancelled") {
    return { kind: "cancelled", title: "Reservation cancelled", message: `Your reservation of ${seats(seatNumbers)} was cancelled.` };
  }
  const why = reason === "payment_declined" ? "the payment was declined (insufficient balance)" : "of an error; any payment was refunded";
  return { kind: "failed", title: "Booking failed", message: `Your booking of ${seats(seatNumbers)} failed because ${why}.` };
}

export function cancelledNotice(seatNumbers: string[], refundedAmount: number): Notice {
  return { kind: "cancelled", title: "Booking cancelled", message: `Your booking of ${seats(seatNumbers)} was cancelled. ${refundedAmount} points were refunded.` };
}

/** A waiting-list offer: the seats are held for the fan until the claim deadline. */
export function offeredNotice(seatNumbers: string[], amount: number, expiresAt: string): Notice {
  return {
    kind: "offered",
    title: "Seats are yours to claim",
    message: `From the waiting list: ${seats(seatNumbers)} for ${amount} points are held for you until ${expiresAt}. Claim them to book.`,
  };
}

export function offerExpiredNotice(seatNumbers: string[]): Notice {
  return { kind: "offer_expired", title: "Offer expired", message: `Your waiting-list offer of ${seats(seatNumbers)} was not claimed in time and passed on.` };
}
