import {
  PaymentApproved,
  PaymentDeclined,
  PaymentRefunded,
  ReservationCancelled,
  ReservationCompleted,
  ReservationCreated,
  ReservationFailed,
  SeatsHeld,
  SeatsReleased,
  WalletCharged,
} from "@concert/contracts";
import type { ReceivedEvent, Subscriptions, Transaction, UnitOfWork } from "@concert/platform";
import { type ReadStatus, STATUS_RANK } from "../domain/status";

interface ReservationFacts {
  reservationId: string;
  scheduleId: string;
  seatNumbers: string[];
  userId?: string;
  concertId?: string;
  amount?: number;
  status?: ReadStatus;
  reason?: string;
  refundedAmount?: number;
  holdExpiresAt?: string;
}

/**
 * Upserts what an event says about a reservation. Fields only fill in (COALESCE); the status
 * moves only forward (STATUS_RANK), so any arrival order converges on the same row.
 */
async function merge(tx: Transaction, f: ReservationFacts): Promise<void> {
  const rank = f.status ? STATUS_RANK[f.status] : -1;
  await tx.manager.query(
    `INSERT INTO my_reservations
       (reservation_id, user_id, schedule_id, concert_id, seat_numbers, amount, status, status_rank, reason, refunded_amount, hold_expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE
       user_id = COALESCE(user_id, VALUES(user_id)),
       concert_id = COALESCE(concert_id, VALUES(concert_id)),
       amount = COALESCE(amount, VALUES(amount)),
       hold_expires_at = COALESCE(hold_expires_at, VALUES(hold_expires_at)),
       refunded_amount = COALESCE(VALUES(refunded_amount), refunded_amount),
       reason = IF(VALUES(status_rank) > status_rank, VALUES(reason), reason),
       status = IF(VALUES(status_rank) > status_rank, VALUES(status), status),
       status_rank = GREATEST(status_rank, VALUES(status_rank))`,
    [
      f.reservationId,
      f.userId ?? null,
      f.scheduleId,
      f.concertId ?? null,
      JSON.stringify(f.seatNumbers),
      f.amount ?? null,
      f.status ?? null,
      rank,
      f.reason ?? null,
      f.refundedAmount ?? null,
      f.holdExpiresAt ? new Date(f.holdExpiresAt) : null,
    ],
  );
}

async function step(tx: Transaction, e: ReceivedEvent<unknown>, reservationId: string, name: string, at: string, detail?: string) {
  await tx.manager.query(
    "INSERT IGNORE INTO reservation_timeline (event_id, reservation_id, step, detail, at) VALUES (?, ?, ?, ?, ?)",
    [e.id, reservationId, name, detail ?? null, new Date(at)],
  );
}

async function money(tx: Transaction, e: ReceivedEvent<unknown>, row: { userId: string; kind: string; amount: number; balance?: number; reservationId?: string }) {
  await tx.manager.query(
    "INSERT IGNORE INTO wallet_history (event_id, user_id, kind, amount, balance_after, reservation_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    [e.id, row.userId, row.kind, row.amount, row.balance ?? null, row.reservationId ?? null, new Date(e.time ?? Date.now())],
  );
}

/** The read models are built only from events (no calls to other services). */
export function subscribeReadModels(subscriptions: Subscriptions, uow: UnitOfWork): void {
  const apply = (name: string, e: ReceivedEvent<unknown>, work: (tx: Transaction) => Promise<void>) => uow.runOnce(`mypage.${name}`, e.id, work);
  const now = (e: ReceivedEvent<unknown>) => e.time ?? new Date().toISOString();

  subscriptions
    .on(ReservationCreated, (e) =>
      apply("reservation-created", e, async (tx) => {
        await merge(tx, { ...e.data, status: "PENDING_PAYMENT" });
        await step(tx, e, e.data.reservationId, "PENDING_PAYMENT", e.data.createdAt);
      }),
    )
    .on(ReservationCompleted, (e) =>
      apply("reservation-completed", e, async (tx) => {
        await merge(tx, { ...e.data, status: "CONFIRMED" });
        await step(tx, e, e.data.reservationId, "CONFIRMED", e.data.completedAt);
      }),
    )
    .on(ReservationFailed, (e) =>
      apply("reservation-failed", e, async (tx) => {
        await merge(tx, { ...e.data, status: "FAILED", reason: e.data.reason });
        await step(tx, e, e.data.reservationId, "FAILED", e.data.failedAt, e.data.reason);
      }),
    )
    .on(ReservationCancelled, (e) =>
      apply("reservation-cancelled", e, async (tx) => {
        await merge(tx, { ...e.data, status: "CANCELLED", refundedAmount: e.data.refundedAmount });
        await step(tx, e, e.data.reservationId, "CANCELLED", e.data.cancelledAt);
      }),
    )
    .on(SeatsHeld, (e) =>
      apply("seats-held", e, async (tx) => {
        await merge(tx, { ...e.data, holdExpiresAt: e.data.expiresAt });
        await step(tx, e, e.data.reservationId, "SEATS_HELD", now(e), e.data.seatNumbers.join(","));
      }),
    )
    .on(SeatsReleased, (e) =>
      apply("seats-released", e, async (tx) => {
        // The waiting list's own holds (routing, offers) are no reservation of anyone's.
        if (e.data.holdKind) return;
        await merge(tx, e.data);
        await step(tx, e, e.data.reservationId, "SEATS_RELEASED", now(e), e.data.reason);
      }),
    )
    .on(WalletCharged, (e) => apply("wallet-charged", e, (tx) => money(tx, e, { ...e.data, kind: "CHARGE" })))
    .on(PaymentApproved, (e) => apply("payment-approved", e, (tx) => money(tx, e, { ...e.data, kind: "PAYMENT" })))
    .on(PaymentDeclined, (e) => apply("payment-declined", e, (tx) => money(tx, e, { ...e.data, kind: "PAYMENT_DECLINED" })))
    .on(PaymentRefunded, (e) => apply("payment-refunded", e, (tx) => money(tx, e, { ...e.data, kind: "REFUND" })));
}
