import { randomUUID } from "node:crypto";
import { ReservationCancelled, ReservationCompleted, ReservationFailed } from "@concert/contracts";
import { DeliveryQueue, type ReceivedEvent, type Subscriptions, type UnitOfWork } from "@concert/platform";
import { cancelledNotice, confirmedNotice, failedNotice, type Notice } from "../domain/notice";

export interface NoticeMessage extends Notice {
  id: string;
  userId: string;
  reservationId: string;
  createdAt: string;
}

/** A notice per reservation outcome: stored for /me/notifications and queued for the channel. */
export function subscribeNotices(subscriptions: Subscriptions, uow: UnitOfWork, wake: () => void): void {
  const notify = async (e: ReceivedEvent<unknown>, userId: string, reservationId: string, notice: Notice) => {
    const message: NoticeMessage = { id: randomUUID(), userId, reservationId, ...notice, createdAt: new Date().toISOString() };
    await uow.runOnce(`notification.${notice.kind}`, e.id, async ({ manager }) => {
      const res: { affectedRows: number } = await manager.query(
        "INSERT IGNORE INTO notices (id, user_id, reservation_id, kind, title, message) VALUES (?, ?, ?, ?, ?, ?)",
        [message.id, userId, reservationId, notice.kind, notice.title, notice.message],
      );
      if (res.affectedRows) await DeliveryQueue.enqueue(manager, `notice:${message.id}`, message);
    });
    wake();
  };
  subscriptions
    .on(ReservationCompleted, (e) => notify(e, e.data.userId, e.data.reservationId, confirmedNotice(e.data.seatNumbers, e.data.amount)))
    .on(ReservationFailed, (e) => notify(e, e.data.userId, e.data.reservationId, failedNotice(e.data.seatNumbers, e.data.reason)))
    .on(ReservationCancelled, (e) =>
      notify(e, e.data.userId, e.data.reservationId, cancelledNotice(e.data.seatNumbers, e.data.refundedAmount)),
    );
}
