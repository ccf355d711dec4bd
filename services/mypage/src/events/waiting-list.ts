import { OfferClaimed, OfferExpired, SeatsOffered, WaitingListJoined, WaitingListLeft } from "@concert/contracts";
import type { Subscriptions, Transaction, UnitOfWork } from "@concert/platform";

/** An entry only moves forward: WAITING, then OFFERED, then how it ended. */
const ENTRY_RANK = { WAITING: 0, OFFERED: 1, CLAIMED: 2, LEFT: 2, EXPIRED: 2 } as const;
type EntryStatus = keyof typeof ENTRY_RANK;

interface EntryFacts {
  entryId: string;
  userId: string;
  scheduleId: string;
  concertId: string;
  status: EntryStatus;
  seatCount?: number;
  section?: string | null;
  joinedAt?: string;
  offerId?: string;
  seatNumbers?: string[];
  amount?: number;
  expiresAt?: string;
  reservationId?: string;
}

/** Upserts what an event says about an entry; fields only fill in, the status only moves forward. */
async function mergeEntry(tx: Transaction, f: EntryFacts): Promise<void> {
  await tx.manager.query(
    `INSERT INTO my_waiting_list
       (entry_id, user_id, schedule_id, concert_id, seat_count, section, status, status_rank, joined_at, offer_id, offer_seats, offer_amount, offer_expires_at, reservation_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE
       seat_count = COALESCE(seat_count, VALUES(seat_count)),
       section = COALESCE(section, VALUES(section)),
       joined_at = COALESCE(joined_at, VALUES(joined_at)),
       offer_id = COALESCE(offer_id, VALUES(offer_id)),
       offer_seats = COALESCE(offer_seats, VALUES(offer_seats)),
       offer_amount = COALESCE(offer_amount, VALUES(offer_amount)),
       offer_expires_at = COALESCE(offer_expires_at, VALUES(offer_expires_at)),
       reservation_id = COALESCE(reservation_id, VALUES(reservation_id)),
       status = IF(VALUES(status_rank) > status_rank, VALUES(status), status),
       status_rank = GREATEST(status_rank, VALUES(status_rank))`,
    [
      f.entryId,
      f.userId,
      f.scheduleId,
      f.concertId,
      f.seatCount ?? null,
      f.section ?? null,
      f.status,
      ENTRY_RANK[f.status],
      f.joinedAt ? new Date(f.joinedAt) : null,
      f.offerId ?? null,
      f.seatNumbers ? JSON.stringify(f.seatNumbers) : null,
      f.amount ?? null,
      f.expiresAt ? new Date(f.expiresAt) : null,
      f.reservationId ?? null,
    ],
  );
}

/** My page's waiting list, built from the waitlist service's events. */
export function subscribeWaitingList(subscriptions: Subscriptions, uow: UnitOfWork): void {
  const apply = (name: string, eventId: string, f: EntryFacts) => uow.runOnce(`mypage.${name}`, eventId, (tx) => mergeEntry(tx, f));
  subscriptions
    .on(WaitingListJoined, (e) => apply("waiting-list-joined", e.id, { ...e.data, status: "WAITING" }))
    .on(SeatsOffered, (e) => apply("seats-offered", e.id, { ...e.data, status: "OFFERED" }))
    .on(OfferClaimed, (e) => apply("offer-claimed", e.id, { ...e.data, status: "CLAIMED" }))
    .on(OfferExpired, (e) => apply("offer-expired", e.id, { ...e.data, status: "EXPIRED" }))
    .on(WaitingListLeft, (e) => apply("waiting-list-left", e.id, { ...e.data, status: "LEFT" }));
}
