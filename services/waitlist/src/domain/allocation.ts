/** An entry still waiting, in the order it joined. */
export interface WaitingEntry {
  id: string;
  userId: string;
  seatCount: number;
  /** Only seats of this section, or any when null. */
  section: string | null;
}

export interface Allocation<E extends WaitingEntry = WaitingEntry> {
  entry: E;
  seatNumbers: string[];
}

/** A seat number is `<section>-<row>-<seat>` (createReservationRequest). */
export const sectionOf = (seatNumber: string): string => seatNumber.slice(0, seatNumber.indexOf("-"));

/** Section, then row, then seat, numerically: VIP-1-9 before VIP-1-10, so offered seats sit together. */
export function seatOrder(a: string, b: string): number {
  const [sa, ra, na] = a.split("-");
  const [sb, rb, nb] = b.split("-");
  return sa!.localeCompare(sb!) || Number(ra) - Number(rb) || Number(na) - Number(nb);
}

/**
 * First come, first served: each entry in join order takes the first seats it can use (of its
 * section, or any) if enough are left; an entry asking for more keeps its place for a later
 * release. Seats nobody takes are what is left over (they go back on sale).
 */
export function allocate<E extends WaitingEntry>(entries: readonly E[], released: readonly string[]): { offers: Allocation<E>[]; leftOver: string[] } {
  let left = [...released].sort(seatOrder);
  const offers: Allocation<E>[] = [];
  for (const entry of entries) {
    if (!left.length) break;
    const usable = entry.section ? left.filter((s) => sectionOf(s) === entry.section) : left;
    if (usable.length < entry.seatCount) continue;
    const seatNumbers = usable.slice(0, entry.seatCount);
    offers.push({ entry, seatNumbers });
    left = left.filter((s) => !seatNumbers.includes(s));
  }
  return { offers, leftOver: left };
}
