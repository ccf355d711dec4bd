import { useState } from "preact/hooks";
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

/**
 * Arrow keys move between seats that can be picked (left/right along the map, up/down to the
 * nearest seat of the row above or below), Home/End to the first and last: the map is one stop
 * of the Tab key, however big the venue.
 */
function moveFocus(e: KeyboardEvent) {
  const from = e.target as HTMLElement;
  if (!from.matches("button.seat") || !["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"].includes(e.key)) return;
  const map = e.currentTarget as HTMLElement;
  const seats = [...map.querySelectorAll<HTMLButtonElement>("button.seat:not(:disabled)")];
  let to: HTMLElement | undefined;
  if (e.key === "ArrowLeft" || e.key === "ArrowRight") to = seats[seats.indexOf(from as HTMLButtonElement) + (e.key === "ArrowLeft" ? -1 : 1)];
  else if (e.key === "Home") to = seats[0];
  else if (e.key === "End") to = seats[seats.length - 1];
  else {
    const rows = [...map.querySelectorAll<HTMLElement>(".row")];
    const step = e.key === "ArrowUp" ? -1 : 1;
    const x = from.getBoundingClientRect().left;
    for (let i = rows.indexOf(from.parentElement as HTMLElement) + step; i >= 0 && i < rows.length && !to; i += step) {
      const candidates = [...rows[i]!.querySelectorAll<HTMLButtonElement>("button.seat:not(:disabled)")];
      to = candidates.sort((a, b) => Math.abs(a.getBoundingClientRect().left - x) - Math.abs(b.getBoundingClientRect().left - x))[0];
    }
  }
  if (to) {
    e.preventDefault();
    to.focus();
  }
}

/** The venue as sections of rows; each seat a button (keyboard and screen reader usable). */
export function SeatMapView({ seats, selected = new Set(), onToggle, lost = new Set() }: Props) {
  // The one seat the Tab key stops at: the last one focused, else the first that can be picked.
  const [current, setCurrent] = useState<string | null>(null);
  const pickable = (s: Props["seats"][number]) => !!onToggle && (s.status === "AVAILABLE" || selected.has(s.seatNumber));
  const stop = seats.find((s) => s.seatNumber === current && pickable(s))?.seatNumber ?? seats.find(pickable)?.seatNumber;
  const sections = new Map<string, Map<number, Props["seats"]>>();
  for (const s of seats) {
    const rows = sections.get(s.section) ?? new Map();
    sections.set(s.section, rows);
    rows.set(s.row, [...(rows.get(s.row) ?? []), s]);
  }
  return (
    <div class="seat-map" onKeyDown={moveFocus}>
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
                        tabIndex={s.seatNumber === stop ? 0 : -1}
                        onFocus={() => setCurrent(s.seatNumber)}
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
