/** Seat states (SPEC 4): AVAILABLE -> HELD(reservationId, expiresAt) -> RESERVED. */
export const SeatStatus = {
  available: "AVAILABLE",
  held: "HELD",
  reserved: "RESERVED",
} as const;
export type SeatStatus = (typeof SeatStatus)[keyof typeof SeatStatus];

export interface SeatCounts {
  total: number;
  available: number;
  held: number;
  reserved: number;
}

/** Folds per-status counts into the inventory of one schedule. */
export function countSeats(rows: ReadonlyArray<{ status: SeatStatus; count: number }>): SeatCounts {
  const counts: SeatCounts = { total: 0, available: 0, held: 0, reserved: 0 };
  for (const r of rows) {
    counts.total += r.count;
    if (r.status === SeatStatus.available) counts.available += r.count;
    else if (r.status === SeatStatus.held) counts.held += r.count;
    else counts.reserved += r.count;
  }
  return counts;
}
