import { ReservationCancelled } from "@concert/contracts";
import type { Upstream } from "@concert/platform";
import type { TWorkflow, WorkflowActivityContext, WorkflowContext } from "@dapr/dapr";
import type { ReservationStore } from "../infra/store";
import { booking, retrying } from "./booking";

/** Cancelling a CONFIRMED reservation (SPEC 5.8): refund, release the seats, CANCELLED. */
export const CANCELLATION_WORKFLOW = "cancellation";
export const cancellationInstance = (reservationId: string) => `${reservationId}-cancel`;

export function cancellationActivities({ store, seat, wallet }: { store: ReservationStore; seat: Upstream; wallet: Upstream }) {
  async function refundPayment(_: WorkflowActivityContext, reservationId: string): Promise<number> {
    const r = await store.get(reservationId);
    const res = await wallet.call({ method: "POST", path: `/payments/${r!.paymentId}/refund` });
    if (res.status !== 200) throw new Error(`wallet refund answered ${res.status}`);
    return (res.body as { amount: number }).amount;
  }

  async function releaseAndCancel(_: WorkflowActivityContext, input: { reservationId: string; refundedAmount: number }): Promise<void> {
    const res = await seat.call({ method: "POST", path: `/holds/${input.reservationId}/release`, body: { reason: "cancelled" } });
    if (res.status !== 200) throw new Error(`seat release answered ${res.status}`);
    await store.transition(input.reservationId, "CANCELLED", { refundedAmount: input.refundedAmount }, (r, at) => ({
      contract: ReservationCancelled,
      data: { ...booking(r), refundedAmount: input.refundedAmount, cancelledAt: at.toISOString() },
    }));
  }

  return { refundPayment, releaseAndCancel };
}

/** Each step is retried until it succeeds: a cancellation never stops half way. */
export function cancellationWorkflow(a: ReturnType<typeof cancellationActivities>): TWorkflow {
  return async function* (ctx: WorkflowContext, reservationId: string): any {
    const refundedAmount: number = yield* retrying(ctx, a.refundPayment, reservationId);
    yield* retrying(ctx, a.releaseAndCancel, { reservationId, refundedAmount });
    return "CANCELLED";
  };
}
