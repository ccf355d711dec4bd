import ky, { type Options } from "ky";
import { session, signOut } from "./session";

/** An RFC 9457 problem the API answered with (every error of the API is one). */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly body: { type?: string; title?: string; detail?: string; errors?: Array<{ field: string; message: string }>; [k: string]: unknown },
  ) {
    super(body.detail ?? body.title ?? `HTTP ${status}`);
  }
}

/** The public API, same origin. Every answer that is not 2xx becomes a Problem. */
const http = ky.create({
  prefixUrl: "/api",
  timeout: 30_000,
  retry: { limit: 2, methods: ["get"], statusCodes: [502, 503, 504] },
  throwHttpErrors: false,
  hooks: {
    beforeRequest: [
      (request) => {
        const s = session.value;
        if (s) request.headers.set("authorization", `Bearer ${s.token}`);
      },
    ],
  },
});

export interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

export async function request<T>(method: string, path: string, options: Options = {}): Promise<Answer<T>> {
  let res: Response;
  try {
    res = await http(path.replace(/^\//, ""), { method, ...options });
  } catch (err) {
    throw new Problem(0, { title: "offline", detail: (err as Error).message });
  }
  const text = res.status === 204 || res.status === 304 ? "" : await res.text();
  const body = text && (res.headers.get("content-type") ?? "").includes("json") ? JSON.parse(text) : text;
  if (res.status === 401 && session.value) signOut();
  if (!res.ok && res.status !== 304) throw new Problem(res.status, typeof body === "object" ? body : { title: String(body) });
  return { status: res.status, body: body as T, headers: res.headers };
}

export const get = <T>(path: string, options?: Options) => request<T>("GET", path, options).then((a) => a.body);
export const post = <T>(path: string, json?: unknown, options: Options = {}) =>
  request<T>("POST", path, json === undefined ? options : { ...options, json });

/** A fresh Idempotency-Key: one per user action, reused when that action is retried. */
export const idempotencyKey = () => crypto.randomUUID();

// ------------------------------------------------------------------ what the API answers
export interface Concert { id: string; title: string; venue: string; description: string | null }
export interface Section { name: string; rows: number; seatsPerRow: number; price: number }
export interface Schedule {
  id: string;
  concertId: string;
  startsAt: string;
  bookingOpensAt: string;
  totalSeats: number;
  remainingSeats: number | null;
  sections: Section[];
  maxSeatsPerFan?: number;
}
export interface QueueView {
  token: string;
  status: "WAITING" | "ACTIVE" | "EXPIRED";
  position: number | null;
  etaSeconds: number | null;
  activeUntil: string | null;
  heldReservationId: string | null;
  pass?: string;
}
export type SeatStatus = "AVAILABLE" | "HELD" | "RESERVED";
export interface Seat { seatNumber: string; section: string; row: number; number: number; price: number; status: SeatStatus }
export interface SeatMap { total: number; available: number; seats: Seat[] }
export interface Reservation {
  reservationId: string;
  status: "PENDING_PAYMENT" | "CONFIRMED" | "FAILED" | "CANCELLED";
  scheduleId: string;
  seatNumbers: string[];
  amount: number;
  holdExpiresAt: string;
  failureReason?: string | null;
  refundedAmount?: number;
}
export interface Wallet { balance: number }
