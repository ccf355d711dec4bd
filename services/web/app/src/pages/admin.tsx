import { type CreateScheduleRequest, createScheduleRequest, DEFAULT_MAX_SEATS_PER_FAN, expandSeatLayout, totalSeats } from "@concert/contracts";
import { useLocation } from "preact-iso";
import { useState } from "preact/hooks";
import { type Concert, get, post, type Problem, type Schedule, type Section } from "../api";
import { SeatMapView } from "../components/seat-map";
import { asProblem, ProblemView, useLoad, useSignedIn } from "../components/ui";
import { t, won } from "../i18n";

/** A datetime-local value (the operator's clock) as an instant with offset. */
const instant = (local: string) => (local ? new Date(local).toISOString() : "");
const localIn = (days: number, hour: number) => {
  const d = new Date(Date.now() + days * 86_400_000);
  d.setHours(hour, 0, 0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** The operator's page: a concert, a schedule with its seat layout (previewed), then its console. */
export function Admin() {
  const { route } = useLocation();
  const allowed = useSignedIn("admin");
  const concerts = useLoad(() => get<{ items: Concert[] }>("concerts", { searchParams: { limit: 100 } }), []);
  const [concertId, setConcertId] = useState("new");
  const [concert, setConcert] = useState({ title: "", venue: "", description: "" });
  const [startsAt, setStartsAt] = useState(localIn(30, 19));
  const [opensAt, setOpensAt] = useState(localIn(0, 0));
  const [maxSeatsPerFan, setMaxSeatsPerFan] = useState(DEFAULT_MAX_SEATS_PER_FAN);
  const [sections, setSections] = useState<Section[]>([
    { name: "VIP", rows: 2, seatsPerRow: 10, price: 150_000 },
    { name: "R", rows: 4, seatsPerRow: 14, price: 99_000 },
  ]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  if (!allowed) return null;
  const request: Partial<CreateScheduleRequest> = { startsAt: instant(startsAt), bookingOpensAt: instant(opensAt), sections, maxSeatsPerFan };
  const check = createScheduleRequest.safeParse(request);
  const layoutErrors = check.success ? [] : check.error.issues.map((i) => `${i.path.join(".") || "schedule"}: ${i.message}`);
  const edit = (i: number, patch: Partial<Section>) => setSections((s) => s.map((x, j) => (j === i ? { ...x, ...patch } : x)));

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      let id = concertId;
      if (id === "new") {
        const body = { title: concert.title, venue: concert.venue, ...(concert.description.trim() ? { description: concert.description } : {}) };
        id = (await post<Concert>("admin/concerts", body)).body.id;
      }
      const { body } = await post<Schedule>(`admin/concerts/${id}/schedules`, request);
      route(`/admin/schedules/${body.id}`);
    } catch (err) {
      setProblem(asProblem(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>{t("admin.title")}</h1>
      <form class="card" onSubmit={submit} aria-busy={busy}>
        <fieldset>
          <legend>{t("admin.concert")}</legend>
          <label>
            {t("admin.which")}
            <select value={concertId} onChange={(e) => setConcertId((e.currentTarget as HTMLSelectElement).value)}>
              <option value="new">{t("admin.newConcert")}</option>
              {concerts.data?.items.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title} · {c.venue}
                </option>
              ))}
            </select>
          </label>
          {concertId === "new" && (
            <>
              <label>
                {t("admin.concertTitle")}
                <input required maxLength={200} value={concert.title} onInput={(e) => setConcert({ ...concert, title: (e.currentTarget as HTMLInputElement).value })} />
              </label>
              <label>
                {t("admin.venue")}
                <input required maxLength={200} value={concert.venue} onInput={(e) => setConcert({ ...concert, venue: (e.currentTarget as HTMLInputElement).value })} />
              </label>
              <label>
                {t("admin.description")}
                <textarea maxLength={5000} value={concert.description} onInput={(e) => setConcert({ ...concert, description: (e.currentTarget as HTMLTextAreaElement).value })} />
              </label>
            </>
          )}
        </fieldset>
        <fieldset>
          <legend>{t("admin.schedule")}</legend>
          <div class="inline">
            <label>
              {t("admin.startsAt")}
              <input type="datetime-local" required value={startsAt} onInput={(e) => setStartsAt((e.currentTarget as HTMLInputElement).value)} />
            </label>
            <label>
              {t("admin.opensAt")}
              <input type="datetime-local" required value={opensAt} onInput={(e) => setOpensAt((e.currentTarget as HTMLInputElement).value)} />
            </label>
            <label>
              {t("admin.maxSeatsPerFan")}
              <input type="number" min={1} max={100} required value={maxSeatsPerFan} onInput={(e) => setMaxSeatsPerFan(Number((e.currentTarget as HTMLInputElement).value))} />
            </label>
          </div>
        </fieldset>
        <fieldset>
          <legend>{t("admin.layout")}</legend>
          <table class="layout-editor">
            <thead>
              <tr>
                <th scope="col">{t("admin.section")}</th>
                <th scope="col">{t("admin.rows")}</th>
                <th scope="col">{t("admin.seatsPerRow")}</th>
                <th scope="col">{t("admin.price")}</th>
                <th scope="col">
                  <span class="visually-hidden">{t("admin.remove")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sections.map((s, i) => (
                <tr key={i}>
                  <td>
                    <input aria-label={t("admin.section")} value={s.name} maxLength={8} onInput={(e) => edit(i, { name: (e.currentTarget as HTMLInputElement).value.toUpperCase() })} />
                  </td>
                  <td>
                    <input aria-label={t("admin.rows")} type="number" min={1} max={100} value={s.rows} onInput={(e) => edit(i, { rows: Number((e.currentTarget as HTMLInputElement).value) })} />
                  </td>
                  <td>
                    <input aria-label={t("admin.seatsPerRow")} type="number" min={1} max={200} value={s.seatsPerRow} onInput={(e) => edit(i, { seatsPerRow: Number((e.currentTarget as HTMLInputElement).value) })} />
                  </td>
                  <td>
                    <input aria-label={t("admin.price")} type="number" min={0} step={1000} value={s.price} onInput={(e) => edit(i, { price: Number((e.currentTarget as HTMLInputElement).value) })} />
                  </td>
                  <td>
                    <button type="button" class="secondary" aria-label={t("admin.removeSection", { name: s.name })} disabled={sections.length === 1} onClick={() => setSections(sections.filter((_, j) => j !== i))}>
                      ✕
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" class="secondary" onClick={() => setSections([...sections, { name: String.fromCharCode(65 + (sections.length % 26)), rows: 2, seatsPerRow: 10, price: 50_000 }])}>
            {t("admin.addSection")}
          </button>
        </fieldset>
        {layoutErrors.length > 0 && (
          <ul class="problem" aria-live="polite">
            {layoutErrors.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
        {problem && <ProblemView problem={problem} />}
        <button type="submit" disabled={busy || !check.success}>
          {t("admin.create")}
        </button>
      </form>
      <section class="card" aria-labelledby="preview-title">
        <h2 id="preview-title">
          {t("admin.preview")} · {t("admin.totalSeats", { count: check.success ? totalSeats(sections) : 0 })}
          {check.success && ` · ${won(sections.reduce((n, s) => n + s.rows * s.seatsPerRow * s.price, 0))}`}
        </h2>
        {check.success ? <SeatMapView seats={expandSeatLayout(sections).map((s) => ({ ...s, status: "AVAILABLE" as const }))} /> : <p class="muted">{t("admin.fixLayout")}</p>}
      </section>
    </>
  );
}
