import { useLocation } from "preact-iso";
import { useState } from "preact/hooks";
import { Problem, post } from "../api";
import { signedIn } from "../session";
import { t, won } from "../i18n";
import { asProblem, Countdown, ProblemView } from "./ui";

/** Joining a sold-out schedule's waiting list (docs/waiting-list.md): how many seats, then the place in line. */
export function JoinWaitingList({ scheduleId, max }: { scheduleId: string; max: number }) {
  const [seats, setSeats] = useState(1);
  const [result, setResult] = useState<{ position: number | null } | Problem | null>(null);
  if (!signedIn.value) {
    return (
      <a class="button secondary" href={`/login?next=${encodeURIComponent(location.pathname)}`}>
        {t("waitlist.join")}
      </a>
    );
  }
  if (result && !(result instanceof Problem)) return <p role="status">{t("waitlist.joined", { position: result.position })}</p>;
  const join = async (e: Event) => {
    e.preventDefault();
    try {
      setResult((await post<{ position: number | null }>(`schedules/${scheduleId}/waiting-list`, { seatCount: seats })).body);
    } catch (err) {
      setResult(asProblem(err));
    }
  };
  return (
    <form class="inline" onSubmit={join}>
      <label>
        {t("waitlist.seats")}{" "}
        <select value={seats} onChange={(e) => setSeats(Number((e.target as HTMLSelectElement).value))}>
          {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>{" "}
      <button type="submit" class="secondary">
        {t("waitlist.join")}
      </button>
      {result instanceof Problem && <ProblemView problem={result} />}
    </form>
  );
}

export interface WaitingEntry {
  entryId: string;
  scheduleId: string;
  seatCount: number | null;
  status: "WAITING" | "OFFERED" | "CLAIMED" | "LEFT" | "EXPIRED";
  offer: { offerId: string; seatNumbers: string[]; amount: number | null; expiresAt: string; reservationId: string | null } | null;
}

/** My page's waiting list: each entry, and an open offer with its deadline and the claim. */
export function MyWaitingList({ items }: { items: WaitingEntry[] }) {
  const { route } = useLocation();
  const [problem, setProblem] = useState<Problem | null>(null);
  const claim = async (offerId: string) => {
    try {
      const r = await post<{ reservationId: string }>(`waiting-list/offers/${offerId}/claim`);
      route(`/reservations/${r.body.reservationId}`);
    } catch (err) {
      setProblem(asProblem(err));
    }
  };
  return (
    <section class="card" aria-labelledby="my-waitlist">
      <h2 id="my-waitlist">{t("waitlist.title")}</h2>
      {problem && <ProblemView problem={problem} />}
      {!items.length && <p class="muted">{t("waitlist.none")}</p>}
      <ul class="list">
        {items.map((e) => (
          <li key={e.entryId}>
            <strong>{t(`waitlist.status.${e.status}`)}</strong>
            {e.seatCount ? ` · ${t("waitlist.asked", { count: e.seatCount })}` : ""}
            {e.offer && e.status === "OFFERED" && new Date(e.offer.expiresAt).getTime() > Date.now() && (
              <div>
                {e.offer.seatNumbers.join(", ")} · {e.offer.amount === null ? "" : won(e.offer.amount)}
                <Countdown until={e.offer.expiresAt} label={t("waitlist.claimWithin")} />
                <button type="button" onClick={() => claim(e.offer!.offerId)}>
                  {t("waitlist.claim")}
                </button>
              </div>
            )}
            {e.offer?.reservationId && (
              <>
                {" · "}
                <a href={`/reservations/${e.offer.reservationId}`}>{e.offer.seatNumbers.join(", ")}</a>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
