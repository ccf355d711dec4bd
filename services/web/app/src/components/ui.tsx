import { useLocation } from "preact-iso";
import { useEffect, useRef, useState } from "preact/hooks";
import { Problem } from "../api";
import { clock, t } from "../i18n";
import { isAdmin, signedIn } from "../session";

/** Whether the reader may see this page; if not, they are sent to log in and come back here. */
export function useSignedIn(role?: "admin"): boolean {
  const { route, path } = useLocation();
  const allowed = role === "admin" ? isAdmin.value : signedIn.value;
  useEffect(() => {
    if (!allowed) route(`/login?next=${encodeURIComponent(path)}`, true);
  }, [allowed, path]);
  return allowed;
}

/** Loads once per change of `deps`; `reload` fetches again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: Problem; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error: asProblem(error), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  return { ...state, reload: () => setRound((r) => r + 1) };
}

/** Runs `fn` every `ms` (and not at all when ms is null). */
export function useInterval(fn: () => void, ms: number | null) {
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    if (ms === null) return;
    const id = setInterval(() => latest.current(), ms);
    return () => clearInterval(id);
  }, [ms]);
}

/** Seconds left until `until`, ticking. */
export function useSecondsLeft(until: string | null | undefined): number | null {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!until) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [until]);
  return until ? Math.max(0, Math.floor((new Date(until).getTime() - now) / 1000)) : null;
}

export const asProblem = (err: unknown): Problem =>
  err instanceof Problem ? err : new Problem(0, { title: "error", detail: err instanceof Error ? err.message : String(err) });

/** A problem+json answer, in the reader's language, with what the API said. */
export function ProblemView({ problem, onRetry }: { problem: Problem; onRetry?: () => void }) {
  const kind = (problem.body.type ?? "").split("/").pop() || (problem.status === 0 ? "offline" : "error");
  const retryAfter = problem.body.retryAfter;
  return (
    <div class="problem" role="alert">
      <strong>{t(`problem.${kind}`, { defaultValue: problem.body.title ?? t("problem.error") })}</strong>
      {problem.body.detail && <p>{problem.body.detail}</p>}
      {problem.body.errors?.length ? (
        <ul>
          {problem.body.errors.map((e) => (
            <li key={e.field}>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {typeof retryAfter === "number" && <p>{t("problem.retryAfter", { seconds: retryAfter })}</p>}
      {onRetry && (
        <button type="button" class="secondary" onClick={onRetry}>
          {t("action.retry")}
        </button>
      )}
    </div>
  );
}

export function Loading() {
  return (
    <p class="loading" aria-live="polite">
      {t("loading")}
    </p>
  );
}

export function Countdown({ until, label }: { until: string; label: string }) {
  const left = useSecondsLeft(until) ?? 0;
  return (
    <p class={`countdown${left < 60 ? " urgent" : ""}`} role="timer" aria-live="off">
      {label} <strong>{clock(left)}</strong>
    </p>
  );
}
