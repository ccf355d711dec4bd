import { useRoute } from "preact-iso";
import { type Concert, get, type Schedule } from "../api";
import { Loading, ProblemView, useLoad } from "../components/ui";
import { JoinWaitingList } from "../components/waiting-list";
import { t, when, won } from "../i18n";
import { isAdmin } from "../session";

const priceRange = (s: Schedule) => {
  const prices = s.sections.map((x) => x.price);
  const lo = Math.min(...prices);
  const hi = Math.max(...prices);
  return lo === hi ? won(lo) : `${won(lo)} – ${won(hi)}`;
};

/** A concert's schedules, loaded by itself (the concert's page). */
function ScheduleLoader({ concertId }: { concertId: string }) {
  const { data, error, loading, reload } = useLoad(() => get<{ items: Schedule[] }>(`concerts/${concertId}/schedules`), [concertId]);
  if (error) return <ProblemView problem={error} onRetry={reload} />;
  if (loading && !data) return <Loading />;
  return <Schedules items={data?.items ?? []} />;
}

/** A concert's schedules: when, prices, seats left, and the way in. */
function Schedules({ items }: { items: Schedule[] }) {
  if (!items.length) return <p class="muted">{t("concerts.noSchedules")}</p>;
  return (
    <ul class="schedules">
      {items.map((s) => {
        const opens = new Date(s.bookingOpensAt).getTime() > Date.now();
        const left = s.remainingSeats;
        return (
          <li key={s.id} class="schedule">
            <div>
              <strong>{when(s.startsAt)}</strong>
              <span class="muted">{priceRange(s)}</span>
              <span class={left === 0 ? "badge sold" : "badge"}>
                {left === null ? t("concerts.seatsUnknown") : left === 0 ? t("concerts.soldOut") : t("concerts.seatsLeft", { count: left, total: s.totalSeats })}
              </span>
              {opens && <span class="muted">{t("concerts.opensAt", { at: when(s.bookingOpensAt) })}</span>}
            </div>
            <div class="actions">
              {left !== 0 && (
                <a class="button" href={`/book/${s.id}`}>
                  {t("concerts.book")}
                </a>
              )}
              {left === 0 && <JoinWaitingList scheduleId={s.id} max={Math.min(8, s.maxSeatsPerFan ?? 8)} />}
              {isAdmin.value && (
                <a class="button secondary" href={`/admin/schedules/${s.id}`}>
                  {t("admin.console")}
                </a>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

export function Home() {
  // One request for the page: each concert with its schedules and their seats left.
  const { data, error, loading, reload } = useLoad(
    () => get<{ items: Array<Concert & { schedules: Schedule[] }> }>("concerts", { searchParams: { limit: 12, include: "schedules" } }),
    [],
  );
  return (
    <>
      <h1>{t("concerts.title")}</h1>
      {error && <ProblemView problem={error} onRetry={reload} />}
      {loading && !data && <Loading />}
      {data && !data.items.length && <p class="muted">{t("concerts.none")}</p>}
      <div class="cards">
        {data?.items.map((c) => (
          <article key={c.id} class="card">
            <h2>
              <a href={`/concerts/${c.id}`}>{c.title}</a>
            </h2>
            <p class="muted">{c.venue}</p>
            <Schedules items={c.schedules} />
          </article>
        ))}
      </div>
    </>
  );
}

export function ConcertPage() {
  const { params } = useRoute();
  const id = params.id ?? "";
  const { data, error, reload } = useLoad(() => get<Concert>(`concerts/${id}`), [id]);
  if (error) return <ProblemView problem={error} onRetry={reload} />;
  if (!data) return <Loading />;
  return (
    <article class="card">
      <h1>{data.title}</h1>
      <p class="muted">{data.venue}</p>
      {data.description && <p>{data.description}</p>}
      <ScheduleLoader concertId={id} />
    </article>
  );
}
