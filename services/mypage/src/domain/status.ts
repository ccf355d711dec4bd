/**
 * Events of one reservation can arrive out of order (different topics and partitions), so the
 * read model keeps the most advanced status: a late ReservationCreated never undoes CONFIRMED.
 */
export const STATUS_RANK = { PENDING_PAYMENT: 0, CONFIRMED: 1, FAILED: 2, CANCELLED: 2 } as const;
export type ReadStatus = keyof typeof STATUS_RANK;
