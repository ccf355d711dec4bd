import { ReservationCompleted, ReservationFailed } from "@concert/contracts";
import type { Logger, Upstream } from "@concert/platform";
import type { TWorkflow, WorkflowActivityContext, WorkflowContext } from "@dapr/dapr";
import type { FailureReason, PaymentOutcome, Reservation } from "../domain/reservation";
import type { ReservationStore } from "../infra/store";

/** The booking saga (SPEC 5): one instance per reservation, instance id = reservation id. */
export const BOOKING_WORKFLOW = "booking";
export const PAYMENT_REQUESTED = "payment-requested";
export const CANCEL_REQUESTED = "cancel-requested";

export interface BookingInput {
  reservationId: string;
  holdExpiresAt: string;
}

export interface PaymentRequested {
  attempt: string;
}

interface Deps {
  store: ReservationStore;
  seat: Upstream;
  wallet: Upstream;
  log: Logger;
}

const SEAT_RELEASE_REASON: Record<FailureReason, string> = {
  hold_expired: "expired",
  payment_declined: "payment_declined",
  cancelled: "released",
  error: "compensated",
};

/**
 * The saga's steps. Each is idempotent — the seat and wallet calls are keyed by reservation and
 * payment id, and status changes are no-ops once done — so a replay after a crash is harmless.
 */
export function bookingActivities({ store, seat, wallet, log }: Deps) {
  const load = async (id: string): Promise<Reservation> => {
    const r = await store.get(id);
    if (!r) throw new Error(`reservation ${id} not found`);
    return r;
  };

  /** Re-checks the hold, then pays through the wallet breaker. UNAVAILABLE changes nothing. */
  async function pay(_: WorkflowActivityContext, input: { reservationId: string; attempt: string }): Promise<PaymentOutcome> {
    const r = await load(input.reservationId);
    const record = (outcome: PaymentOutcome) =>
      store.update(r.id, (x) => ({ ...x, lastPayment: { attempt: input.attempt, outcome, at: new Date().toISOString() } })).then(() => outcome);
    let held;
    try {
      held = await seat.call({ method: "GET", path: `/holds/${r.id}` });
    } catch {
      return record("UNAVAILABLE");
    }
    const hold = held.body as { status?: string; seatNumbers?: string[] };
    if (held.status !== 200 || hold.status !== "HELD" || hold.seatNumbers?.length !== r.seatNumbers.length) return record("SEATS_LOST");
    try {
      const res = await wallet.call({
        method: "POST",
        path: "/payments",
        body: { paymentId: r.paymentId, userId: r.userId, reservationId: r.id, amount: r.amount },
      });
      if (res.status !== 200) throw new Error(`wallet answered ${res.status}`);
      return record((res.body as { status: "APPROVED" | "DECLINED" }).status);
    } catch (err) {
      log.warn({ err: String(err), reservationId: r.id }, "payment unavailable; the hold stays until it expires");
      return record("UNAVAILABLE");
    }
  }

  /** HELD -> RESERVED; false when the seats are no longer this reservation's. */
  async function confirmSeats(_: WorkflowActivityContext, reservationId: string): Promise<boolean> {
    const res = await seat.call({ method: "POST", path: `/holds/${reservationId}/confirm` });
    if (res.status === 200) return true;
    if (res.status === 409) return false;
    throw new Error(`seat confirm answered ${res.status}`);
  }

  async function refund(_: WorkflowActivityContext, reservationId: string): Promise<void> {
    const r = await load(reservationId);
    const res = await wallet.call({ method: "POST", path: `/payments/${r.paymentId}/refund` });
    if (res.status !== 200) throw new Error(`wallet refund answered ${res.status}`);
  }

  async function complete(_: WorkflowActivityContext, reservationId: string): Promise<void> {
    await store.transition(reservationId, "CONFIRMED", {}, (r, at) => ({
      contract: ReservationCompleted,
      data: { ...booking(r), amount: r.amount, paymentId: r.paymentId, completedAt: at.toISOString() },
    }));
  }

  /** Releases the seats (idempotent), then FAILED(reason) with ReservationFailed. */
  async function fail(_: WorkflowActivityContext, input: { reservationId: string; reason: FailureReason }): Promise<void> {
    const res = await seat.call({
      method: "POST",
      path: `/holds/${input.reservationId}/release`,
      body: { reason: SEAT_RELEASE_REASON[input.reason] },
    });
    if (res.status !== 200) throw new Error(`seat release answered ${res.status}`);
    await store.transition(input.reservationId, "FAILED", { reason: input.reason }, (r, at) => ({
      contract: ReservationFailed,
      data: { ...booking(r), reason: input.reason, failedAt: at.toISOString() },
    }));
  }

  return { pay, confirmSeats, refund, complete, fail };
}

export const booking = (r: Reservation) => ({
  reservationId: r.id,
  userId: r.userId,
  scheduleId: r.scheduleId,
  concertId: r.concertId,
  seatNumbers: r.seatNumbers,
});

type Activities = ReturnType<typeof bookingActivities>;

/**
 * Waits for a payment request, a cancellation or the hold timer, whichever comes first.
 * A payment that finds the wallet unavailable changes nothing and the saga waits again.
 */
export function bookingWorkflow(a: Activities): TWorkflow {
  return async function* (ctx: WorkflowContext, input: BookingInput): any {
    const id = input.reservationId;
    const timer = ctx.createTimer(new Date(input.holdExpiresAt));
    const cancel = ctx.waitForExternalEvent(CANCEL_REQUESTED);
    for (;;) {
      const payment = ctx.waitForExternalEvent(PAYMENT_REQUESTED);
      const winner = yield ctx.whenAny([payment, cancel, timer]);
      if (winner === timer) {
        yield ctx.callActivity(a.fail, { reservationId: id, reason: "hold_expired" });
        return "FAILED:hold_expired";
      }
      if (winner === cancel) {
        yield ctx.callActivity(a.fail, { reservationId: id, reason: "cancelled" });
        return "FAILED:cancelled";
      }
      const { attempt } = payment.getResult() as PaymentRequested;
      const outcome: PaymentOutcome = yield ctx.callActivity(a.pay, { reservationId: id, attempt });
      if (outcome === "UNAVAILABLE") continue;
      if (outcome === "SEATS_LOST") {
        yield ctx.callActivity(a.fail, { reservationId: id, reason: "hold_expired" });
        return "FAILED:hold_expired";
      }
      if (outcome === "DECLINED") {
        yield ctx.callActivity(a.fail, { reservationId: id, reason: "payment_declined" });
        return "FAILED:payment_declined";
      }
      if (yield ctx.callActivity(a.confirmSeats, id)) {
        yield ctx.callActivity(a.complete, id);
        return "CONFIRMED";
      }
      // Paid, but the seats were lost meanwhile: give the money back.
      yield ctx.callActivity(a.refund, id);
      yield ctx.callActivity(a.fail, { reservationId: id, reason: "error" });
      return "FAILED:error";
    }
  };
}
