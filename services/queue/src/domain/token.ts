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

/** Wait estimate: the people ahead leave at the admission rate. */
export function etaSeconds(position: number, admissionPerSecond: number): number {
  return Math.ceil(position / admissionPerSecond);
}

export function viewOf(t: TokenRecord, now: number, position: number | null, admissionPerSecond: number): TokenView {
  const status = effectiveStatus(t, now);
  const waiting = status === "WAITING" && position !== null;
  return {
    token: t.token,
    concertId: t.concertId,
    status,
    position: waiting ? position : null,
    etaSeconds: waiting ? etaSeconds(position, admissionPerSecond) : null,
    activeUntil: status === "ACTIVE" && t.expiresAt ? new Date(t.expiresAt).toISOString() : null,
    heldReservationId: status === "EXPIRED" ? (t.spentBy ?? null) : null,
  };
}
