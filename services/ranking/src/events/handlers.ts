import { ReservationCancelled, ReservationCompleted, ScheduleCreated, ScheduleSoldOut } from "@concert/contracts";
import type { Subscriptions, UnitOfWork } from "@concert/platform";

/** The rankings are built only from events, each applied once (inbox). */
export function subscribeRankings(subscriptions: Subscriptions, uow: UnitOfWork): void {
  subscriptions
    .on(ScheduleCreated, (e) =>
      uow.runOnce("ranking.schedule-created", e.id, async ({ manager }) => {
        await manager.query(
          "INSERT IGNORE INTO schedules (schedule_id, concert_id, concert_title, booking_opens_at) VALUES (?, ?, ?, ?)",
          [e.data.scheduleId, e.data.concertId, e.data.concertTitle, new Date(e.data.bookingOpensAt)],
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
    .on(ReservationCompleted, (e) =>
      uow.runOnce("ranking.reservation-completed", e.id, async ({ manager }) => {
        await manager.query(
          `INSERT INTO popularity (concert_id, completed, seats_sold) VALUES (?, 1, ?)
           ON DUPLICATE KEY UPDATE completed = completed + 1, seats_sold = seats_sold + VALUES(seats_sold)`,
          [e.data.concertId, e.data.seatNumbers.length],
        );
      }),
    )
    .on(ReservationCancelled, (e) =>
      uow.runOnce("ranking.reservation-cancelled", e.id, async ({ manager }) => {
        await manager.query(
          `INSERT INTO popularity (concert_id, cancelled, seats_sold) VALUES (?, 1, ?)
           ON DUPLICATE KEY UPDATE cancelled = cancelled + 1, seats_sold = seats_sold + VALUES(seats_sold)`,
          [e.data.concertId, -e.data.seatNumbers.length],
        );
      }),
    );
}
