import { expandSeatLayout, type PayloadOf, type ScheduleCreated } from "@concert/contracts";
import type { ReceivedEvent, UnitOfWork } from "@concert/platform";
import { ScheduleInventory, Seat } from "../infra/entities";

const CHUNK = 1_000;

/** Creates a schedule's seats, once, however often ScheduleCreated is delivered. */
export function onScheduleCreated(uow: UnitOfWork) {
  return async (event: ReceivedEvent<PayloadOf<typeof ScheduleCreated>>): Promise<void> => {
    const e = event.data;
    await uow.runOnce("seat.schedule-created", event.id, async ({ manager }) => {
      const seats = expandSeatLayout(e.sections);
      // orIgnore: the schedule may already exist if the same schedule was announced twice under
      // two event ids (a relay republish after a crash keeps the id, so this is belt and braces).
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(ScheduleInventory)
        .values({
          scheduleId: e.scheduleId,
          concertId: e.concertId,
          startsAt: new Date(e.startsAt),
          totalSeats: seats.length,
          maxSeatsPerFan: e.maxSeatsPerFan ?? null,
          bookingOpensAt: new Date(e.bookingOpensAt),
          soldOutAt: null,
        })
        .orIgnore()
        .execute();
      if ((inserted.raw as { affectedRows: number }).affectedRows === 0) return;
      for (let i = 0; i < seats.length; i += CHUNK) {
        await manager.insert(
          Seat,
          seats.slice(i, i + CHUNK).map((s) => ({ scheduleId: e.scheduleId, ...s, reservationId: null, userId: null, holdExpiresAt: null })),
        );
      }
    });
  };
}
