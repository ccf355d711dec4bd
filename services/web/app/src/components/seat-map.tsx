import type { Seat } from "../api";
import { t, won } from "../i18n";

export type SeatView = Seat["status"] | "MINE";

interface Props {
  seats: Array<Pick<Seat, "seatNumber" | "section" | "row" | "number" | "price"> & { status: SeatView }>;
  selected?: ReadonlySet<string>;
  onToggle?: (seatNumber: string) => void;
  /** Seats just taken by someone else: outlined until the fan picks again. */
  lost?: ReadonlySet<string>;
}

/** The venue as sections of rows; each seat a button (keyboard and screen reader usable). */
export function SeatMapView({ seats, selected = new Set(), onToggle, lost = new Set() }: Props) {
  const sections = new Map<string, Map<number, Props["seats"]>>();
  for (const s of seats) {
    const rows = sections.get(s.section) ?? new Map();
    sections.set(s.section, rows);
    rows.set(s.row, [...(rows.get(s.row) ?? []), s]);
  }
  return (
    <div class="seat-map">
      <div class="stage" aria-hidden="true">
        {t("seats.stage")}
      </div>
      {[...sections].map(([name, rows]) => {
        const first = [...rows.values()][0]?.[0];
        return (
          <section key={name} class="section" aria-label={t("seats.section", { name })}>
            <h3>
              {t("seats.section", { name })} <span class="price">{first ? won(first.price) : ""}</span>
            </h3>
            <div class="rows">
              {[...rows].map(([row, list]) => (
                <div key={row} class="row" role="group" aria-label={t("seats.row", { row })}>
                  <span class="row-label" aria-hidden="true">
                    {row}
                  </span>
                  {list.map((s) => {
                    const picked = selected.has(s.seatNumber);
                    const free = s.status === "AVAILABLE";
                    return (
                      <button
                        key={s.seatNumber}
                        type="button"
                        class={`seat ${s.status.toLowerCase()}${picked ? " picked" : ""}${lost.has(s.seatNumber) ? " lost" : ""}`}
                        data-seat={s.seatNumber}
                        data-status={s.status}
                        aria-pressed={onToggle ? picked : undefined}
                        aria-label={`${s.seatNumber}, ${won(s.price)}, ${t(`seats.status.${picked ? "PICKED" : s.status}`)}`}
                        disabled={!onToggle || (!free && !picked)}
                        onClick={() => onToggle?.(s.seatNumber)}
                      >
                        {s.number}
                      </button>
                    );
                  })}
                </div>
              ))}
            </div>
          </section>
        );
      })}
      <ul class="legend" aria-label={t("seats.legend")}>
        {(["AVAILABLE", "PICKED", "MINE", "HELD", "RESERVED"] as const).map((st) => (
          <li key={st}>
            <span class={`seat ${st === "PICKED" ? "available picked" : st.toLowerCase()}`} aria-hidden="true" /> {t(`seats.status.${st}`)}
          </li>
        ))}
      </ul>
    </div>
  );
}
