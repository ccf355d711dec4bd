import { z } from "zod";
import { seatSection } from "./catalog";
import { defineEvent } from "./event";

const id = z.uuid();
const instant = z.iso.datetime({ offset: true });

export const ScheduleCreated = defineEvent(
  "ScheduleCreated",
  "schedule-created",
  z.object({
    scheduleId: id,
    concertId: id,
    startsAt: instant,
    bookingOpensAt: instant,
    sections: z.array(seatSection).min(1),
  }),
);

const seatNumbers = z.array(z.string().min(1).max(32)).min(1);

export const SeatsHeld = defineEvent(
  "SeatsHeld",
  "seats-held",
  z.object({ scheduleId: id, reservationId: id, seatNumbers, amount: z.number().int().min(0), expiresAt: instant }),
);

export const SeatReleaseReason = z.enum(["released", "expired", "payment_declined", "cancelled", "compensated"]);

export const SeatsReleased = defineEvent(
  "SeatsReleased",
  "seats-released",
  z.object({ scheduleId: id, reservationId: id, seatNumbers, reason: SeatReleaseReason }),
);

export const ScheduleSoldOut = defineEvent(
  "ScheduleSoldOut",
  "schedule-sold-out",
  z.object({ scheduleId: id, concertId: id, bookingOpensAt: instant, soldOutAt: instant }),
);

/** Every event of the system; topic names are unique. */
export const allEvents = [ScheduleCreated, SeatsHeld, SeatsReleased, ScheduleSoldOut] as const;
