import { type CreateScheduleRequest, totalSeats } from "@concert/contracts";
import type { FieldError } from "@concert/platform";

export interface PlannedSchedule {
  startsAt: Date;
  bookingOpensAt: Date;
  totalSeats: number;
  maxSeatsPerFan: number;
}

/** The rules a new schedule must satisfy; returns the field errors, or the planned schedule. */
export function planSchedule(input: CreateScheduleRequest, now: Date): PlannedSchedule | FieldError[] {
  const startsAt = new Date(input.startsAt);
  const bookingOpensAt = new Date(input.bookingOpensAt);
  const errors: FieldError[] = [];
  if (startsAt <= now) errors.push({ field: "startsAt", message: "must be in the future" });
  if (bookingOpensAt >= startsAt) errors.push({ field: "bookingOpensAt", message: "must be before startsAt" });
  return errors.length ? errors : { startsAt, bookingOpensAt, totalSeats: totalSeats(input.sections), maxSeatsPerFan: input.maxSeatsPerFan };
}
