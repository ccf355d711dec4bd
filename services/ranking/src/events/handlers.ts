import {
  ReservationCancelled,
  ReservationCompleted,
  ReservationCreated,
  ReservationFailed,
  ScheduleCreated,
  ScheduleSoldOut,
  totalSeats,
} from "@concert/contracts";
import type { Subscriptions, UnitOfWork } from "@concert/platform";

type SaleState = "HELD" | "CONFIRMED" | "RELEASED" | "CANCELLED";

/**
 * One reservation in the operator console's read model. Its events may come late or twice: a
 * state only moves forward (HELD, CONFIRMED, then RELEASED or CANCELLED), whatever the order.
 */
const RECORD_SALE = `INSERT INTO sales (reservation_id, schedule_id, seats, amount, state, confirmed_at) VALUES (?, ?, ?, ?, ?, ?)
  ON DUPLICATE KEY UPDATE
    confirmed_at = COALESCE(confirmed_at, VALUES(confirmed_at)),
    amount = IF(VALUES(state) = 'CONFIRMED', VALUES(amount), amount),
    state = IF(FIELD(VALUES(state), 'HELD', 'CONFIRMED', 'RELEASED', 'CANCELLED') > FIELD(state, 'HELD', 'CONFIRMED', 'RELEASED', 'CANCELLED'), VALUES(state), state)`;

interface Booking {
  reservationId: string;
  scheduleId: string;
  seatNumbers: string[];
}
const sale = (b: Booking, amount: number, state: SaleState, confirmedAt: string | null) => [
  b.reservationId,
  b.scheduleId,
  b.seatNumbers.length,
  amount,
  state,
  confirmedAt ? new Date(confirmedAt) : null,
];

/** The rankings and the sales console are built only from events, each applied once (inbox). */
export function subscribeRankings(subscriptions: Subscriptions, uow: UnitOfWork): void {
  subscriptions
    .on(ScheduleCreated, (e) =>
      uow.runOnce("ranking.schedule-created", e.id, async ({ manager }) => {
        await manager.query(
          "INSERT IGNORE INTO schedules (schedule_id, concert_id, concert_title, booking_opens_at, capacity) VALUES (?, ?, ?, ?, ?)",
          [e.data.scheduleId, e.data.concertId, e.data.concertTitle, new Date(e.data.bookingOpensAt), totalSeats(e.data.sections)],
        );
      }),
    )
    .on(ScheduleSoldOut, (e) =>
      uow.runOnce("ranking.schedule-sold-out", e.id, async ({ manager }) => {
        const opens = new Date(e.data.bookingOpensAt);
        const soldOut = new Date(e.data.soldOutAt);
        // Sold out before booking officially opened (pre-sales) counts as instant.
        const seconds = Math.max(0, Math.round((soldOut.getTime() - opens.getTime()) / 1000));
        await manager.query(
          "INSERT IGNORE INTO sold_out (schedule_id, concert_id, booking_opens_at, sold_out_at, seconds_to_sell_out) VALUES (?, ?, ?, ?, ?)",
          [e.data.scheduleId, e.data.concertId, opens, soldOut, seconds],
        );
      }),
    )
    .on(ReservationCreated, (e) =>
      uow.runOnce("ranking.reservation-created", e.id, async ({ manager }) => {
        await manager.query(RECORD_SALE, sale(e.data, e.data.amount, "HELD", null));
      }),
    )
    .on(ReservationFailed, (e) =>
      uow.runOnce("ranking.reservation-failed", e.id, async ({ manager }) => {
        await manager.query(RECORD_SALE, sale(e.data, 0, "RELEASED", null));
      }),
    )
    .on(ReservationCompleted, (e) =>
      uow.runOnce("ranking.reservation-completed", e.id, async ({ manager }) => {
        await manager.query(RECORD_SALE, sale(e.data, e.data.amount, "CONFIRMED", e.data.completedAt));
        await manager.query(
          `INSERT INTO popularity (concert_id, completed, seats_sold) VALUES (?, 1, ?)
           ON DUPLICATE KEY UPDATE completed = completed + 1, seats_sold = seats_sold + VALUES(seats_sold)`,
          [e.data.concertId, e.data.seatNumbers.length],
        );
      }),
    )
    .on(ReservationCancelled, (e) =>
      uow.runOnce("ranking.reservation-cancelled", e.id, async ({ manager }) => {
        await manager.query(RECORD_SALE, sale(e.data, 0, "CANCELLED", null));
        await manager.query(
          `INSERT INTO popularity (concert_id, cancelled, seats_sold) VALUES (?, 1, ?)
           ON DUPLICATE KEY UPDATE cancelled = cancelled + 1, seats_sold = seats_sold + VALUES(seats_sold)`,
          [e.data.concertId, -e.data.seatNumbers.length],
        );
      }),
    );
}
