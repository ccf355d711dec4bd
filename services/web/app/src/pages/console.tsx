import { useRoute } from "preact-iso";
import { get } from "../api";
import { Loading, ProblemView, useInterval, useLoad, useSignedIn } from "../components/ui";
import { t, when, won } from "../i18n";

interface Console {
  concertTitle: string;
  capacity: number | null;
  sold: number;
  held: number;
  available: number | null;
  revenue: number;
  bookings: number;
  cancelled: number;
  soldOutAt: string | null;
  secondsToSellOut: number | null;
  bookingsPerMinute: Array<{ minute: string; bookings: number; seats: number }>;
  queue: { waiting: number; active: number; admittedThisMinute: number; admittedLastMinute: number; admissionPerSecond: number } | null;
  waitingList: { waiting: number; offered: number; seatsAsked: number } | null;
  asOf: string;
}

/** The live sale console of one schedule, from the sales read model (events) and the queue. */
export function SaleConsole() {
  const { params } = useRoute();
  const id = params.id ?? "";
  const allowed = useSignedIn("admin");
  const c = useLoad(() => get<Console>(`admin/schedules/${id}/console`), [id]);
  useInterval(() => c.reload(), document.hidden ? null : 2_000);
  if (!allowed) return null;
  if (c.error && !c.data) return <ProblemView problem={c.error} onRetry={c.reload} />;
  if (!c.data) return <Loading />;
  const d = c.data;
  const cap = d.capacity ?? d.sold + d.held + (d.available ?? 0);
  const pct = (n: number) => (cap ? `${(100 * n) / cap}%` : "0%");
  const peak = Math.max(1, ...d.bookingsPerMinute.map((m) => m.bookings));
  return (
    <>
      <h1>
        {t("console.title")}: {d.concertTitle}
      </h1>
      <p class="muted" aria-live="off">
        {t("console.asOf", { at: when(d.asOf) })}
      </p>
      <div class="stats">
        <Stat label={t("console.sold")} value={d.sold} testid="sold" />
        <Stat label={t("console.held")} value={d.held} testid="held" />
        <Stat label={t("console.available")} value={d.available ?? "—"} testid="available" />
        <Stat label={t("console.revenue")} value={won(d.revenue)} testid="revenue" />
        <Stat label={t("console.bookings")} value={d.bookings} testid="bookings" />
        <Stat label={t("console.soldOut")} value={d.soldOutAt ? `${when(d.soldOutAt)} (${d.secondsToSellOut}s)` : t("console.notSoldOut")} testid="sold-out" />
      </div>
      <div class="bar" role="img" aria-label={t("console.barLabel", { sold: d.sold, held: d.held, available: d.available ?? 0 })}>
        <span class="sold" style={{ width: pct(d.sold) }} />
        <span class="held" style={{ width: pct(d.held) }} />
      </div>
      <section class="card" aria-labelledby="per-minute">
        <h2 id="per-minute">{t("console.perMinute")}</h2>
        <ol class="chart">
          {d.bookingsPerMinute.map((m) => (
            <li key={m.minute} title={`${when(m.minute)}: ${m.bookings}`}>
              <span class="col" style={{ height: `${(100 * m.bookings) / peak}%` }} />
              <span class="visually-hidden">
                {when(m.minute)}: {m.bookings}
              </span>
            </li>
          ))}
        </ol>
      </section>
      <section class="card" aria-labelledby="queue-title">
        <h2 id="queue-title">{t("console.queue")}</h2>
        {d.queue ? (
          <div class="stats">
            <Stat label={t("console.waiting")} value={d.queue.waiting} testid="waiting" />
            <Stat label={t("console.active")} value={d.queue.active} testid="active" />
            <Stat label={t("console.admitted")} value={`${d.queue.admittedLastMinute} / ${d.queue.admittedThisMinute}`} testid="admitted" />
            <Stat label={t("console.admissionRate")} value={`${d.queue.admissionPerSecond}/s`} testid="rate" />
          </div>
        ) : (
          <p class="muted">{t("console.queueUnknown")}</p>
        )}
      </section>
      {d.waitingList && (
        <section class="card" aria-labelledby="waitlist-title">
          <h2 id="waitlist-title">{t("waitlist.title")}</h2>
          <div class="stats">
            <Stat label={t("console.listWaiting")} value={d.waitingList.waiting} testid="list-waiting" />
            <Stat label={t("console.listOffered")} value={d.waitingList.offered} testid="list-offered" />
            <Stat label={t("console.listSeats")} value={d.waitingList.seatsAsked} testid="list-seats" />
          </div>
        </section>
      )}
    </>
  );
}

function Stat({ label, value, testid }: { label: string; value: string | number; testid: string }) {
  return (
    <div class="stat">
      <span class="label">{label}</span>
      <strong data-testid={testid}>{value}</strong>
    </div>
  );
}
