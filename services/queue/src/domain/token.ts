/** Queue token states (SPEC 4): WAITING -> ACTIVE -> EXPIRED. */
export type TokenStatus = "WAITING" | "ACTIVE" | "EXPIRED";

export interface TokenRecord {
  token: string;
  userId: string;
  concertId: string;
  status: TokenStatus;
  issuedAt: number;
  activatedAt?: number;
  expiresAt?: number;
  /** The pending reservation that spent this token (it comes back if that one fails). */
  spentBy?: string;
}

export interface TokenView {
  token: string;
  concertId: string;
  status: TokenStatus;
  /** 1-based place in line while WAITING. */
  position: number | null;
  /** Rough wait until admission, while WAITING. */
  etaSeconds: number | null;
  activeUntil: string | null;
  /** While EXPIRED because a pending reservation holds seats through it: that reservation. */
  heldReservationId: string | null;
}

/** An ACTIVE token past its expiry is EXPIRED, whether or not admission has swept it yet. */
export function effectiveStatus(t: TokenRecord, now: number): TokenStatus {
  if (t.status === "ACTIVE" && (t.expiresAt ?? 0) <= now) return "EXPIRED";
  return t.status;
}

/**
 * The admission window as a waiting fan meets it: `free` slots now, and when the slot this fan
 * needs frees at the latest (the expiry of the ACTIVE token that must leave first; null when
 * none must leave).
 */
export interface Slots {
  free: number;
  freedAt: number | null;
}

/**
 * Wait estimate: the people ahead go in at the admission rate, and when the window is full, not
 * before enough admitted fans leave (at the latest when their time runs out; a booking frees a
 * slot earlier, so this is the upper bound).
 */
export function etaSeconds(position: number, admissionPerSecond: number, slots?: Slots, now = Date.now()): number {
  const byRate = Math.ceil(position / admissionPerSecond);
  if (!slots || position <= slots.free || slots.freedAt === null) return byRate;
  return Math.max(byRate, Math.ceil((slots.freedAt - now) / 1000));
}

export function viewOf(t: TokenRecord, now: number, position: number | null, admissionPerSecond: number, slots?: Slots): TokenView {
  const status = effectiveStatus(t, now);
  const waiting = status === "WAITING" && position !== null;
  return {
    token: t.token,
    concertId: t.concertId,
    status,
    position: waiting ? position : null,
    etaSeconds: waiting ? etaSeconds(position, admissionPerSecond, slots, now) : null,
    activeUntil: status === "ACTIVE" && t.expiresAt ? new Date(t.expiresAt).toISOString() : null,
    heldReservationId: status === "EXPIRED" ? (t.spentBy ?? null) : null,
  };
}
