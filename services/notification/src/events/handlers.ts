import { randomUUID } from "node:crypto";
import { OfferExpired, ReservationCancelled, ReservationCompleted, ReservationFailed, SeatsOffered } from "@concert/contracts";
import { DeliveryQueue, type ReceivedEvent, type Subscriptions, type UnitOfWork } from "@concert/platform";
import { cancelledNotice, confirmedNotice, failedNotice, type Notice, offerExpiredNotice, offeredNotice } from "../domain/notice";

/** What a notice is about: a reservation, or a waiting-list offer. */
type Subject = { reservationId: string } | { offerId: string };

export type NoticeMessage = Notice & Subject & { id: string; userId: string; createdAt: string };

/** A notice per reservation outcome: stored for /me/notifications and queued for the channel. */
export function subscribeNotices(subscriptions: Subscriptions, uow: UnitOfWork, wake: () => void): void {
  const notify = async (e: ReceivedEvent<unknown>, userId: string, subject: Subject | string, notice: Notice) => {
    const about: Subject = typeof subject === "string" ? { reservationId: subject } : subject;
    const message: NoticeMessage = { id: randomUUID(), userId, ...about, ...notice, createdAt: new Date().toISOString() };
    await uow.runOnce(`notification.${notice.kind}`, e.id, async ({ manager }) => {
      const res: { affectedRows: number } = await manager.query(
        "INSERT IGNORE INTO notices (id, user_id, reservation_id, offer_id, kind, title, message) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [message.id, userId, "reservationId" in about ? about.reservationId : null, "offerId" in about ? about.offerId : null, notice.kind, notice.title, notice.message],
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
    )
    .on(SeatsOffered, (e) => notify(e, e.data.userId, { offerId: e.data.offerId }, offeredNotice(e.data.seatNumbers, e.data.amount, e.data.expiresAt)))
    .on(OfferExpired, (e) => notify(e, e.data.userId, { offerId: e.data.offerId }, offerExpiredNotice(e.data.seatNumbers)));
}
