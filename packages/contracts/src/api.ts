import { z } from "zod";
import { seatLayout } from "./catalog";

/** Public request bodies, shared by the owning service (validation) and the gateway (OpenAPI). */
const instant = z.iso.datetime({ offset: true, message: "an ISO-8601 date-time with offset" });

export const createConcertRequest = z.strictObject({
  title: z.string().trim().min(1).max(200),
  venue: z.string().trim().min(1).max(200),
  description: z.string().trim().max(5_000).optional(),
});
export type CreateConcertRequest = z.infer<typeof createConcertRequest>;

export const createScheduleRequest = z.strictObject({
  startsAt: instant,
  bookingOpensAt: instant,
  sections: seatLayout,
});
export type CreateScheduleRequest = z.infer<typeof createScheduleRequest>;

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const uuidParam = z.uuid({ message: "must be a UUID" });
