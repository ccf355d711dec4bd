import { useRoute } from "preact-iso";
import { useRef, useState } from "preact/hooks";
import { get, idempotencyKey, post, type Problem, request, type Reservation } from "../api";
import { asProblem, Countdown, Loading, ProblemView, useInterval, useLoad } from "../components/ui";
import { WalletBox } from "../components/wallet";
import { t, when, won } from "../i18n";

interface Notice { id: string; reservationId: string; kind: string; title: string; message: string; createdAt: string }
type Outcome = "confirmed" | "declined" | "unavailable" | "pending" | "cancelled" | null;

/** A reservation: its hold countdown, the wallet, payment with its real outcomes, cancellation. */
export function Checkout() {
  const { params } = useRoute();
  const id = params.id ?? "";
  const res = useLoad(() => get<Reservation & { history: Array<{ status: string; at: string }>; cancellableUntil?: string }>(`reservations/${id}`), [id]);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [walletRound, setWalletRound] = useState(0);
  // One key per payment of this reservation: a retry after "unavailable" is the same payment.
  const payKey = useRef(sessionStorage.getItem(`pay:${id}`) ?? idempotencyKey());
  const r = res.data;

  // While the saga settles (202) or a notice is on its way, look again now and then.
  const notices = useLoad(() => get<{ items: Notice[] }>("me/notifications"), [id, r?.status]);
  const notice = notices.data?.items.find((n) => n.reservationId === id && (n.kind === "confirmed" || n.kind === "cancelled" || n.kind === "failed"));
  useInterval(() => {
    if (r?.status === "PENDING_PAYMENT" && outcome === "pending") res.reload();
    if (r && r.status !== "PENDING_PAYMENT" && !notice) notices.reload();
  }, r && (outcome === "pending" || (r.status !== "PENDING_PAYMENT" && !notice)) ? 1_500 : null);

  const pay = async () => {
    setBusy(true);
    setProblem(null);
    sessionStorage.setItem(`pay:${id}`, payKey.current);
    try {
      const answer = await request<Reservation>("POST", `reservations/${id}/payment`, { json: {}, headers: { "idempotency-key": payKey.current } });
      setOutcome(answer.status === 202 ? "pending" : "confirmed");
      sessionStorage.removeItem(`pay:${id}`);
    } catch (err) {
      const p = asProblem(err);
      if (p.status === 402) setOutcome("declined");
      else if (p.status === 503) setOutcome("unavailable");
      else setProblem(p);
      if (p.status !== 503) sessionStorage.removeItem(`pay:${id}`);
    } finally {
      setBusy(false);
      setWalletRound((n) => n + 1);
      res.reload();
    }
  };

  const cancel = async () => {
    if (!confirm(t("checkout.confirmCancel"))) return;
    setBusy(true);
    setProblem(null);
    try {
      await request("DELETE", `reservations/${id}`);
      setOutcome("cancelled");
    } catch (err) {
      setProblem(asProblem(err));
    } finally {
      setBusy(false);
      setWalletRound((n) => n + 1);
      res.reload();
    }
  };

  if (res.error) return <ProblemView problem={res.error} onRetry={res.reload} />;
  if (!r) return <Loading />;
  const pending = r.status === "PENDING_PAYMENT";
  return (
    <>
      <h1>{t("checkout.title")}</h1>
      <section class="card" aria-labelledby="res-title">
        <h2 id="res-title">
          {t("checkout.seats", { count: r.seatNumbers.length })}: <span class="seats-list">{r.seatNumbers.join(", ")}</span>
        </h2>
        <p>
          {t("checkout.amount")} <strong>{won(r.amount)}</strong>
        </p>
        <p>
          {t("checkout.status")}{" "}
          <strong class={`status ${r.status.toLowerCase()}`} data-testid="status">
            {t(`status.${r.status}`)}
          </strong>
        </p>
        {pending && <Countdown until={r.holdExpiresAt} label={t("checkout.holdLeft")} />}
        {outcome && (
          <p class={`notice ${outcome === "confirmed" || outcome === "cancelled" ? "ok" : "warn"}`} role="status" data-testid="outcome">
            {t(`checkout.outcome.${outcome}`, { amount: won(r.refundedAmount ?? r.amount) })}
          </p>
        )}
        {r.status === "CANCELLED" && r.refundedAmount != null && (
          <p data-testid="refund">
            {t("checkout.refunded")} <strong>{won(r.refundedAmount)}</strong>
          </p>
        )}
        {problem && <ProblemView problem={problem} />}
        <div class="actions">
          {pending && (
            <button type="button" onClick={pay} disabled={busy}>
              {t(outcome === "unavailable" ? "checkout.payAgain" : "checkout.pay", { amount: won(r.amount) })}
            </button>
          )}
          {(pending || r.status === "CONFIRMED") && (
            <button type="button" class="danger" onClick={cancel} disabled={busy}>
              {t("checkout.cancel")}
            </button>
          )}
        </div>
        {r.status === "CONFIRMED" && r.cancellableUntil && <p class="muted">{t("checkout.cancellableUntil", { at: when(r.cancellableUntil) })}</p>}
        <ol class="timeline" aria-label={t("checkout.timeline")}>
          {r.history.map((h) => (
            <li key={h.status + h.at}>
              <time dateTime={h.at}>{when(h.at)}</time> {t(`status.${h.status}`)}
            </li>
          ))}
        </ol>
      </section>
      {notice && (
        <section class="card notice-card" aria-labelledby="notice-title" data-testid="notice">
          <h2 id="notice-title">{t("notices.one")}</h2>
          <p>
            <strong>{t(`notices.kind.${notice.kind}`, { defaultValue: notice.title })}</strong>
          </p>
          <p class="muted">{notice.message}</p>
        </section>
      )}
      {pending && <WalletBox round={walletRound} />}
    </>
  );
}
