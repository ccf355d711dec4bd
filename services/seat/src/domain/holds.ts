import { SeatStatus } from "./seat";

export interface SeatRow {
  seatNumber: string;
  status: SeatStatus;
  reservationId: string | null;
  userId: string | null;
  price: number;
}

/** What a hold attempt found, decided without I/O from the rows it locked. */
export type HoldDecision =
  | { kind: "hold"; amount: number }
  | { kind: "already-held"; amount: number }
  | { kind: "unavailable"; seatNumbers: string[] };

/** A transfer's source: seats held by this hold count as free, if nobody or this fan holds them. */
export interface HoldSource {
  fromHold: string;
  userId: string | undefined;
}

/**
 * All or nothing: every requested seat must exist and be AVAILABLE (or already held by this
 * very reservation, which makes a retried hold harmless); a transfer's seats must be held by its source.
 */
export function decideHold(requested: readonly string[], rows: readonly SeatRow[], reservationId: string, source?: HoldSource): HoldDecision {
  const byNumber = new Map(rows.map((r) => [r.seatNumber, r]));
  // A transfer takes only what its source holds: a seat back on sale meanwhile is the public's.
  const free = (r: SeatRow) =>
    (r.status === SeatStatus.available && !source) ||
    (r.status === SeatStatus.held && r.reservationId === reservationId) ||
    (r.status === SeatStatus.held && !!source && r.reservationId === source.fromHold && (r.userId === null || r.userId === source.userId));
  const unavailable = requested.filter((n) => {
    const r = byNumber.get(n);
    return !r || !free(r);
  });
  if (unavailable.length) return { kind: "unavailable", seatNumbers: unavailable };
  const amount = requested.reduce((sum, n) => sum + byNumber.get(n)!.price, 0);
  const mine = requested.every((n) => byNumber.get(n)!.reservationId === reservationId);
  return mine ? { kind: "already-held", amount } : { kind: "hold", amount };
}

/** Seats can be held from the moment booking opens. */
export function bookingOpen(bookingOpensAt: Date, now: Date): boolean {
  return now.getTime() >= bookingOpensAt.getTime();
}
