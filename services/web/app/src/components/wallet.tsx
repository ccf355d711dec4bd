import { useRef, useState } from "preact/hooks";
import { get, idempotencyKey, post, type Problem, type Wallet } from "../api";
import { t, won } from "../i18n";
import { asProblem, ProblemView, useLoad } from "./ui";

const AMOUNTS = [10_000, 50_000, 100_000, 300_000];

/** The balance and a top-up; one Idempotency-Key per top-up, kept while it is retried. */
export function WalletBox({ onChange, round = 0 }: { onChange?: (balance: number) => void; round?: number }) {
  const wallet = useLoad(() => get<Wallet>("me/wallet"), [round]);
  const [amount, setAmount] = useState(AMOUNTS[1]!);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef<string | null>(null);

  const topUp = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    key.current ??= idempotencyKey();
    try {
      const { body } = await post<Wallet>("me/wallet/charges", { amount }, { headers: { "idempotency-key": key.current } });
      key.current = null;
      setProblem(null);
      wallet.reload();
      onChange?.(body.balance);
    } catch (err) {
      setProblem(asProblem(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card wallet" aria-labelledby="wallet-title">
      <h2 id="wallet-title">{t("wallet.title")}</h2>
      <p class="balance" aria-live="polite">
        {t("wallet.balance")} <strong data-testid="balance">{wallet.data ? won(wallet.data.balance) : "…"}</strong>
      </p>
      {wallet.error && <ProblemView problem={wallet.error} onRetry={wallet.reload} />}
      <form class="inline" onSubmit={topUp}>
        <label>
          {t("wallet.amount")}
          <select value={amount} onChange={(e) => setAmount(Number((e.currentTarget as HTMLSelectElement).value))}>
            {AMOUNTS.map((a) => (
              <option key={a} value={a}>
                {won(a)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="secondary" disabled={busy}>
          {t("wallet.topUp")}
        </button>
      </form>
      {problem && <ProblemView problem={problem} />}
    </section>
  );
}
