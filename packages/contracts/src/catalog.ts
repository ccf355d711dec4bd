import { z } from "zod";

/** Seat layout of a schedule: sections of rows of seats, each section with one price. */
export const seatSection = z.object({
  name: z.string().regex(/^[A-Z][A-Z0-9]{0,7}$/, "1-8 capital letters or digits, starting with a letter"),
  rows: z.number().int().min(1).max(100),
  seatsPerRow: z.number().int().min(1).max(200),
  price: z.number().int().min(0).max(10_000_000),
});
export type SeatSection = z.infer<typeof seatSection>;

export const MAX_SEATS_PER_SCHEDULE = 10_000;

export const seatLayout = z
  .array(seatSection)
  .min(1)
  .max(20)
  .refine((s) => new Set(s.map((x) => x.name)).size === s.length, "section names must be unique")
  .refine((s) => totalSeats(s) <= MAX_SEATS_PER_SCHEDULE, `at most ${MAX_SEATS_PER_SCHEDULE} seats per schedule`);

export interface SeatSpec {
  seatNumber: string;
  section: string;
  row: number;
  number: number;
  price: number;
}

export function totalSeats(sections: readonly SeatSection[]): number {
  return sections.reduce((n, s) => n + s.rows * s.seatsPerRow, 0);
}

/** The seats a layout describes, numbered `<section>-<row>-<seat>` (e.g. `VIP-1-7`). */
export function expandSeatLayout(sections: readonly SeatSection[]): SeatSpec[] {
  const seats: SeatSpec[] = [];
  for (const s of sections) {
    for (let row = 1; row <= s.rows; row++) {
      for (let number = 1; number <= s.seatsPerRow; number++) {
        seats.push({ seatNumber: `${s.name}-${row}-${number}`, section: s.name, row, number, price: s.price });
      }
    }
  }
  return seats;
}
