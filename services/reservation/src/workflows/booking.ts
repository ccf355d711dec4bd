import { ReservationCompleted, ReservationFailed } from "@concert/contracts";
import type { Logger, Upstream } from "@concert/platform";
import type { Task, TWorkflow, WorkflowActivityContext, WorkflowContext } from "@dapr/dapr";
import type { FailureReason, PaymentOutcome, Reservation } from "../domain/reservation";

/**
 * What a payment step came to: the wallet's answer when it did not go through, CONFIRMED when
 * it did and the seats were confirmed, PAID_SEATS_LOST when it did but the seats were gone.
 * (APPROVED alone only comes back from histories recorded before pay confirmed in one step.)
 */
export type PayResult = PaymentOutcome | "CONFIRMED" | "PAID_SEATS_LOST";
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

export const booking = (r: Reservation) => ({
  reservationId: r.id,
  userId: r.userId,
  scheduleId: r.scheduleId,
  concertId: r.concertId,
  seatNumbers: r.seatNumbers,
  ...(r.queueToken ? { queueToken: r.queueToken } : {}),
});

/** FAILED(reason) with its ReservationFailed, in one outbox transaction; a no-op once failed. */
export function markFailed(store: ReservationStore, reservationId: string, reason: FailureReason): Promise<Reservation> {
  return store.transition(reservationId, "FAILED", { reason }, (r, at) => ({
    contract: ReservationFailed,
    data: { ...booking(r), reason, failedAt: at.toISOString() },
  }));
}

/**
 * The saga's steps. Each is idempotent — seat calls are keyed by reservation, wallet calls by
 * payment id, status changes are no-ops once made — so a retry or a replay after a crash is
 * harmless. A step that cannot reach its service throws; the orchestrator retries it.
 */
export function bookingActivities({ store, seat, wallet, log }: Deps) {
  const load = async (id: string): Promise<Reservation> => {
    const r = await store.get(id);
    if (!r) throw new Error(`reservation ${id} not found`);
    return r;
  };

  /**
   * One durable step for a payment attempt: re-checks the hold, pays through the wallet breaker
   * and, when the payment is approved, confirms the seats (HELD -> RESERVED) and the reservation
   * (CONFIRMED with its ReservationCompleted). Every part is idempotent (the wallet keys the
   * payment by paymentId, confirm and the transition are no-ops once done), so a retry of the
   * whole step after a crash anywhere in it pays once and confirms once. UNAVAILABLE: nothing
   * changed and the saga waits on.
   */
  async function pay(_: WorkflowActivityContext, input: { reservationId: string; attempt: string }): Promise<PayResult> {
    const r = await load(input.reservationId);
    if (r.status === "CONFIRMED") return "CONFIRMED";
    const lastPayment = (outcome: PaymentOutcome) => ({ attempt: input.attempt, outcome, at: new Date().toISOString() });
    const record = (outcome: PaymentOutcome) => store.update(r.id, (x) => ({ ...x, lastPayment: lastPayment(outcome) })).then(() => outcome);
    // A payment event buffered behind the hold timer must not pay for seats the timer freed.
    if (new Date(r.holdExpiresAt) <= new Date()) return record("SEATS_LOST");
    let held;
    try {
      held = await seat.call({ method: "GET", path: `/holds/${r.id}` });
    } catch {
      return record("UNAVAILABLE");
    }
    const hold = held.body as { status?: string; seatNumbers?: string[] };
    // RESERVED: a retry of this step after it confirmed the seats.
    const ours = held.status === 200 && (hold.status === "HELD" || hold.status === "RESERVED") && hold.seatNumbers?.length === r.seatNumbers.length;
    if (!ours) return record("SEATS_LOST");
    // From here on a payment may exist even if we never learn its outcome (timeout): `fail`
    // always voids it (refund, or refuse a late arrival).
    let status: string;
    try {
      const res = await wallet.call({
        method: "POST",
        path: "/payments",
        body: { paymentId: r.paymentId, userId: r.userId, reservationId: r.id, amount: r.amount },
      });
      if (res.status !== 200) throw new Error(`wallet answered ${res.status}`);
      status = (res.body as { status: string }).status;
    } catch (err) {
      log.warn({ err: String(err), reservationId: r.id }, "payment unavailable; the hold stays until it expires");
      return record("UNAVAILABLE");
    }
    if (status !== "APPROVED") return record("DECLINED");
    if (!(await confirmSeats(_, r.id))) return "PAID_SEATS_LOST";
    await store.transition(r.id, "CONFIRMED", { lastPayment: lastPayment("APPROVED") }, (x, at) => ({
      contract: ReservationCompleted,
      data: { ...booking(x), amount: x.amount, paymentId: x.paymentId, completedAt: at.toISOString() },
    }));
    return "CONFIRMED";
  }

  /** HELD -> RESERVED; false when the seats are no longer this reservation's. */
  async function confirmSeats(_: WorkflowActivityContext, reservationId: string): Promise<boolean> {
    const res = await seat.call({ method: "POST", path: `/holds/${reservationId}/confirm` });
    if (res.status === 200) return true;
    if (res.status === 409) return false;
    throw new Error(`seat confirm answered ${res.status}`);
  }

  async function complete(_: WorkflowActivityContext, reservationId: string): Promise<void> {
    await store.transition(reservationId, "CONFIRMED", {}, (r, at) => ({
      contract: ReservationCompleted,
      data: { ...booking(r), amount: r.amount, paymentId: r.paymentId, completedAt: at.toISOString() },
    }));
  }

  /**
   * The compensation of every failure: release the seats, void the payment — always, since a
   * duplicate or late payment request may reach the wallet even if this saga never sent one
   * (void refunds a payment that went through and refuses one that arrives later; it is
   * idempotent) — then FAILED(reason) with ReservationFailed. Seats first: they go back on sale
   * even while the wallet is down, and this step is retried until the wallet answers.
   */
  async function fail(_: WorkflowActivityContext, input: { reservationId: string; reason: FailureReason }): Promise<void> {
    // No reservation: its creation stopped after the saga started (nothing can have been paid).
    const r = await store.get(input.reservationId);
    const res = await seat.call({
      method: "POST",
      path: `/holds/${input.reservationId}/release`,
      body: { reason: SEAT_RELEASE_REASON[input.reason] },
    });
    if (res.status !== 200) throw new Error(`seat release answered ${res.status}`);
    if (!r) return;
    const voided = await wallet.call({
      method: "POST",
      path: `/payments/${r.paymentId}/void`,
      body: { userId: r.userId, reservationId: r.id, amount: r.amount },
    });
    if (voided.status !== 200) throw new Error(`wallet void answered ${voided.status}`);
    await markFailed(store, input.reservationId, input.reason);
  }

  return { pay, confirmSeats, complete, fail };
}

type Activity<I, O> = (ctx: WorkflowActivityContext, input: I) => Promise<O>;

/**
 * Calls an activity until it succeeds: a saga must end consistent, so a step that cannot reach
 * its service (down, breaker open) is retried after a durable timer, with backoff up to 30 s.
 */
export function* retrying<I, O>(ctx: WorkflowContext, activity: Activity<I, O>, input: I): Generator<Task<unknown>, O, any> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (yield ctx.callActivity(activity, input)) as O;
    } catch {
      const wait = Math.min(500 * 2 ** attempt, 30_000);
      yield ctx.createTimer(new Date(ctx.getCurrentUtcDateTime().getTime() + wait));
    }
  }
}

type Activities = ReturnType<typeof bookingActivities>;

/**
 * Waits for a payment request, a cancellation or the hold timer, whichever comes first.
 * A payment that finds the wallet unavailable changes nothing and the saga waits again.
 */
export function bookingWorkflow(a: Activities): TWorkflow {
  return async function* (ctx: WorkflowContext, input: BookingInput): any {
    const id = input.reservationId;
    const failWith = (reason: FailureReason) => retrying(ctx, a.fail, { reservationId: id, reason });
    const timer = ctx.createTimer(new Date(input.holdExpiresAt));
    const cancel = ctx.waitForExternalEvent(CANCEL_REQUESTED);
    for (;;) {
      const payment = ctx.waitForExternalEvent(PAYMENT_REQUESTED);
      const winner = yield ctx.whenAny([payment, cancel, timer]);
      if (winner === timer) {
        yield* failWith("hold_expired");
        return "FAILED:hold_expired";
      }
      if (winner === cancel) {
        yield* failWith("cancelled");
        return "FAILED:cancelled";
      }
      const { attempt } = payment.getResult() as PaymentRequested;
      const outcome: PayResult = yield* retrying(ctx, a.pay, { reservationId: id, attempt });
      if (outcome === "UNAVAILABLE") continue;
      if (outcome === "CONFIRMED") return "CONFIRMED";
      if (outcome === "SEATS_LOST") {
        yield* failWith("hold_expired");
        return "FAILED:hold_expired";
      }
      if (outcome === "DECLINED") {
        yield* failWith("payment_declined");
        return "FAILED:payment_declined";
      }
      if (outcome === "APPROVED" && (yield* retrying(ctx, a.confirmSeats, id))) {
        yield* retrying(ctx, a.complete, id);
        return "CONFIRMED";
      }
      // Paid, but the seats were lost meanwhile: the failure path gives the money back.
      yield* failWith("error");
      return "FAILED:error";
    }
  };
}
