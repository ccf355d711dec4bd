import { type PayloadOf, ReservationCancelled, ReservationCompleted } from "@concert/contracts";
import { DeliveryQueue, type ReceivedEvent, type Subscriptions, type UnitOfWork } from "@concert/platform";

/** What the data platform receives for a reservation that completed or was cancelled. */
export interface ReservationRecord {
  key: string;
  kind: "completed" | "cancelled";
  reservationId: string;
  userId: string;
  concertId: string;
  scheduleId: string;
  seatNumbers: string[];
  amount: number;
  occurredAt: string;
}

/** Records a delivery per reservation outcome, keyed `<reservationId>:<kind>`, once per event. */
export function subscribeDeliveries(subscriptions: Subscriptions, uow: UnitOfWork, wake: () => void): void {
  const record = async (e: ReceivedEvent<unknown>, r: Omit<ReservationRecord, "key">) => {
    const key = `${r.reservationId}:${r.kind}`;
    await uow.runOnce(`dataplatform.${r.kind}`, e.id, ({ manager }) => DeliveryQueue.enqueue(manager, key, { key, ...r }));
    wake();
  };
  const base = (d: PayloadOf<typeof ReservationCompleted> | PayloadOf<typeof ReservationCancelled>) => ({
    reservationId: d.reservationId,
    userId: d.userId,
    concertId: d.concertId,
    scheduleId: d.scheduleId,
    seatNumbers: d.seatNumbers,
  });
  subscriptions
    .on(ReservationCompleted, (e) => record(e, { ...base(e.data), kind: "completed", amount: e.data.amount, occurredAt: e.data.completedAt }))
    .on(ReservationCancelled, (e) =>
      record(e, { ...base(e.data), kind: "cancelled", amount: e.data.refundedAmount, occurredAt: e.data.cancelledAt }),
    );
}
