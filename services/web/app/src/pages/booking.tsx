import { MAX_SEATS_PER_RESERVATION } from "@concert/contracts";
import { useLocation, useRoute } from "preact-iso";
import { useEffect, useRef, useState } from "preact/hooks";
import { type Concert, get, idempotencyKey, post, type Problem, type QueueView, request, type Reservation, type Schedule, type SeatMap } from "../api";
import { SeatMapView } from "../components/seat-map";
import { asProblem, Countdown, Loading, ProblemView, useInterval, useLoad, useSignedIn } from "../components/ui";
import { duration, t, when, won } from "../i18n";

/**
 * A schedule's sale: the waiting room, then the seat map while admitted, then a hold that
 * becomes a reservation (the checkout page takes over).
 */
export function Booking() {
  const { params } = useRoute();
  const scheduleId = params.scheduleId ?? "";
  const allowed = useSignedIn();
  const schedule = useLoad(async () => {
    const s = await get<Schedule>(`schedules/${scheduleId}`);
    return { schedule: s, concert: await get<Concert>(`concerts/${s.concertId}`) };
  }, [scheduleId]);
  if (!allowed) return null;
  if (schedule.error) return <ProblemView problem={schedule.error} onRetry={schedule.reload} />;
  if (!schedule.data) return <Loading />;
  const { schedule: s, concert } = schedule.data;
  return (
    <>
      <h1>{concert.title}</h1>
      <p class="muted">
        {concert.venue} · {when(s.startsAt)}
      </p>
      <WaitingRoom schedule={s} />
    </>
  );
}

/** Polling pace: often near the front, rarely far back (the queue counts a poll as presence). */
const pollMs = (view: QueueView | null) => (!view || view.status !== "WAITING" ? 15_000 : Math.min(10_000, Math.max(1_000, (view.etaSeconds ?? 1) * 250)));

function WaitingRoom({ schedule }: { schedule: Schedule }) {
  const [view, setView] = useState<QueueView | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const firstPosition = useRef<number | null>(null);

  const join = async () => {
    try {
      const { body } = await post<QueueView>("queue/tokens", { concertId: schedule.concertId });
      setProblem(null);
      setView(body);
    } catch (err) {
      setProblem(asProblem(err));
    }
  };
  const refresh = async () => {
    try {
      setView(await get<QueueView>("queue/tokens/current", { searchParams: { concertId: schedule.concertId } }));
      setProblem(null);
    } catch (err) {
      setProblem(asProblem(err));
    }
  };
  useEffect(() => {
    void join();
  }, [schedule.id]);
  useInterval(refresh, view ? pollMs(view) : null);

  if (problem && !view) return <ProblemView problem={problem} onRetry={join} />;
  if (!view) return <Loading />;
  if (view.status === "WAITING") {
    const position = view.position ?? 1;
    firstPosition.current ??= position;
    const progress = firstPosition.current > 1 ? Math.round((100 * (firstPosition.current - position)) / (firstPosition.current - 1)) : 0;
    return (
      <section class="card waiting" aria-labelledby="waiting-title">
        <h2 id="waiting-title">{t("queue.title")}</h2>
        <p class="position" aria-live="polite">
          {t("queue.position", { position })}
        </p>
        <progress max={100} value={progress} aria-label={t("queue.progress")} />
        <p class="muted">{t("queue.eta", { time: duration(view.etaSeconds ?? 0) })}</p>
        <p class="muted">{t("queue.keepOpen")}</p>
      </section>
    );
  }
  if (view.status === "EXPIRED") {
    return (
      <section class="card">
        <h2>{t("queue.expired")}</h2>
        {view.heldReservationId ? (
          <p>
            <a class="button" href={`/reservations/${view.heldReservationId}`}>
              {t("queue.toHeld")}
            </a>
          </p>
        ) : (
          <button type="button" onClick={join}>
            {t("queue.rejoin")}
          </button>
        )}
      </section>
    );
  }
  return <SeatPicker schedule={schedule} view={view} onGateRefused={refresh} />;
}

function SeatPicker({ schedule, view, onGateRefused }: { schedule: Schedule; view: QueueView; onGateRefused: () => void }) {
  const { route } = useLocation();
  const [map, setMap] = useState<SeatMap | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [lost, setLost] = useState<Set<string>>(new Set());
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef<string | null>(null);
  // The fan's own live reservations in this schedule: their seats are drawn as "yours".
  const mine = useLoad(async () => {
    const { items } = await get<{ items: Array<{ scheduleId: string; status: string; seatNumbers: string[] }> }>("me/reservations");
    return new Set(items.filter((r) => r.scheduleId === schedule.id && (r.status === "PENDING_PAYMENT" || r.status === "CONFIRMED")).flatMap((r) => r.seatNumbers));
  }, [schedule.id]);
  const limit = Math.min(MAX_SEATS_PER_RESERVATION, schedule.maxSeatsPerFan ?? MAX_SEATS_PER_RESERVATION);
  const pass = view.pass ?? view.token;

  const load = async () => {
    if (document.hidden && map) return;
    try {
      const res = await request<SeatMap>("GET", `schedules/${schedule.id}/seats`, { headers: { "x-queue-token": pass, ...(etag ? { "if-none-match": etag } : {}) } });
      if (res.status === 304) return;
      setMap(res.body);
      setEtag(res.headers.get("etag"));
      // A seat someone else took while it was picked: unpicked and named.
      const gone = res.body.seats.filter((s) => s.status !== "AVAILABLE" && picked.has(s.seatNumber)).map((s) => s.seatNumber);
      if (gone.length) {
        setPicked((p) => new Set([...p].filter((n) => !gone.includes(n))));
        setLost(new Set(gone));
      }
    } catch (err) {
      const p = asProblem(err);
      if (p.status === 403) onGateRefused();
      setProblem(p);
    }
  };
  useEffect(() => {
    void load();
  }, [pass]);
  useInterval(load, 3_000);

  const toggle = (seat: string) => {
    setLost(new Set());
    setProblem(null);
    setPicked((p) => {
      const next = new Set(p);
      if (next.has(seat)) next.delete(seat);
      else if (next.size < limit) next.add(seat);
      return next;
    });
  };

  const hold = async () => {
    setBusy(true);
    setProblem(null);
    key.current ??= idempotencyKey();
    try {
      const { body } = await post<Reservation>("reservations", { scheduleId: schedule.id, seatNumbers: [...picked] }, { headers: { "x-queue-token": pass, "idempotency-key": key.current } });
      route(`/reservations/${body.reservationId}`);
    } catch (err) {
      const p = asProblem(err);
      key.current = null;
      const taken = p.body.unavailableSeats as string[] | undefined;
      if (taken?.length) {
        setLost(new Set(taken));
        setPicked((s) => new Set([...s].filter((n) => !taken.includes(n))));
        setEtag(null);
        void load();
      }
      if (p.status === 403) onGateRefused();
      setProblem(p);
    } finally {
      setBusy(false);
    }
  };

  const total = map ? map.seats.filter((s) => picked.has(s.seatNumber)).reduce((n, s) => n + s.price, 0) : 0;
  return (
    <section aria-labelledby="seats-title">
      <div class="card admitted">
        <h2 id="seats-title">{t("seats.title")}</h2>
        {view.activeUntil && <Countdown until={view.activeUntil} label={t("queue.timeLeft")} />}
        <p class="muted">{t("seats.pickUpTo", { count: limit })}</p>
      </div>
      {problem && <ProblemView problem={problem} />}
      {lost.size > 0 && (
        <p class="notice warn" role="status">
          {t("seats.justTaken", { seats: [...lost].join(", ") })}
        </p>
      )}
      {map ? (
        <SeatMapView
          seats={map.seats.map((s) => (s.status !== "AVAILABLE" && mine.data?.has(s.seatNumber) ? { ...s, status: "MINE" as const } : s))}
          selected={picked}
          lost={lost}
          onToggle={toggle}
        />
      ) : (
        <Loading />
      )}
      <div class="sticky-bar">
        <span aria-live="polite">
          {t("seats.picked", { count: picked.size })} · <strong>{won(total)}</strong>
        </span>
        <button type="button" disabled={!picked.size || busy} onClick={hold}>
          {t("seats.hold", { count: picked.size })}
        </button>
      </div>
    </section>
  );
}
