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

/** Every event of the system; topic names are unique. */
export const allEvents = [ScheduleCreated] as const;
