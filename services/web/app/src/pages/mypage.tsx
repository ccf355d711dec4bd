import { get } from "../api";
import { Loading, ProblemView, useLoad, useSignedIn } from "../components/ui";
import { WalletBox } from "../components/wallet";
import { MyWaitingList, type WaitingEntry } from "../components/waiting-list";
import { t, when, won } from "../i18n";

interface Item {
  reservationId: string;
  seatNumbers: string[];
  amount: number;
  status: string;
  reason: string | null;
  refundedAmount: number | null;
  timeline: Array<{ step: string; detail?: string; at: string }>;
}
interface Entry { kind: string; amount: number; balanceAfter: number | null; reservationId: string | null; at: string }
interface Notice { id: string; kind: string; title: string; message: string; createdAt: string }

/** My page: what the read models say (they follow events, so a booking shows up within seconds). */
export function MyPage() {
  const allowed = useSignedIn();
  const data = useLoad(
    async () => {
      const [reservations, history, notices, waiting] = await Promise.all([
        get<{ items: Item[] }>("me/reservations"),
        get<{ items: Entry[] }>("me/wallet/history"),
        get<{ items: Notice[] }>("me/notifications"),
        get<{ items: WaitingEntry[] }>("me/waiting-list"),
      ]);
      return { reservations: reservations.items, history: history.items, notices: notices.items, waiting: waiting.items };
    },
    [],
  );
  if (!allowed) return null;
  if (data.error) return <ProblemView problem={data.error} onRetry={data.reload} />;
  if (!data.data) return <Loading />;
  const { reservations, history, notices, waiting } = data.data;
  return (
    <>
      <h1>{t("me.title")}</h1>
      <div class="grid">
        <section class="card" aria-labelledby="my-res">
          <h2 id="my-res">{t("me.reservations")}</h2>
          {!reservations.length && <p class="muted">{t("me.noReservations")}</p>}
          <ul class="list">
            {reservations.map((r) => (
              <li key={r.reservationId}>
                <a href={`/reservations/${r.reservationId}`}>{r.seatNumbers.join(", ")}</a> · {won(r.amount)} ·{" "}
                <strong class={`status ${r.status.toLowerCase()}`}>{t(`status.${r.status}`)}</strong>
                {r.refundedAmount ? ` · ${t("checkout.refunded")} ${won(r.refundedAmount)}` : ""}
                <ol class="timeline compact">
                  {r.timeline.map((s) => (
                    <li key={s.step + s.at}>
                      <time dateTime={s.at}>{when(s.at)}</time> {t(`step.${s.step}`, { defaultValue: s.step })}
                      {s.detail ? <span class="muted"> ({t(`reason.${s.detail}`, { defaultValue: s.detail })})</span> : null}
                    </li>
                  ))}
                </ol>
              </li>
            ))}
          </ul>
        </section>
        <div>
          {waiting.length > 0 && <MyWaitingList items={waiting} />}
          <WalletBox onChange={() => data.reload()} />
          <section class="card" aria-labelledby="my-history">
            <h2 id="my-history">{t("me.history")}</h2>
            {!history.length && <p class="muted">{t("me.noHistory")}</p>}
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("me.when")}</th>
                  <th scope="col">{t("me.what")}</th>
                  <th scope="col" class="num">{t("me.amount")}</th>
                  <th scope="col" class="num">{t("me.balanceAfter")}</th>
                </tr>
              </thead>
              <tbody>
                {history.map((h, i) => (
                  <tr key={i}>
                    <td>{when(h.at)}</td>
                    <td>{t(`ledger.${h.kind}`, { defaultValue: h.kind })}</td>
                    <td class="num">{won(h.amount)}</td>
                    <td class="num">{h.balanceAfter === null ? "—" : won(h.balanceAfter)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section class="card" aria-labelledby="my-notices">
            <h2 id="my-notices">{t("me.notices")}</h2>
            {!notices.length && <p class="muted">{t("me.noNotices")}</p>}
            <ul class="list">
              {notices.map((n) => (
                <li key={n.id}>
                  <strong>{t(`notices.kind.${n.kind}`, { defaultValue: n.title })}</strong> <time class="muted" dateTime={n.createdAt}>{when(n.createdAt)}</time>
                  <br />
                  <span class="muted">{n.message}</span>
                </li>
              ))}
            </ul>
          </section>
        </div>
      </div>
    </>
  );
}
