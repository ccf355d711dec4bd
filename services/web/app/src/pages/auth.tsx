import { useLocation } from "preact-iso";
import { useState } from "preact/hooks";
import { post, type Problem } from "../api";
import { asProblem, ProblemView } from "../components/ui";
import { t } from "../i18n";
import { signIn } from "../session";

const nextOf = (query: Record<string, string>) => (query.next?.startsWith("/") && !query.next.startsWith("//") ? query.next : "/");

function AuthForm({ mode }: { mode: "login" | "signup" }) {
  const { route, query } = useLocation();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const email = String(form.get("email"));
    const password = String(form.get("password"));
    setBusy(true);
    setProblem(null);
    try {
      if (mode === "signup") await post("users", { email, password, name: String(form.get("name")) });
      const { body } = await post<{ accessToken: string }>("auth/login", { email, password });
      signIn(body.accessToken);
      route(nextOf(query), true);
    } catch (err) {
      setProblem(asProblem(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card narrow" onSubmit={submit} aria-busy={busy}>
      <h1>{t(`auth.${mode}`)}</h1>
      {mode === "signup" && (
        <label>
          {t("auth.name")}
          <input name="name" required maxLength={100} autocomplete="name" />
        </label>
      )}
      <label>
        {t("auth.email")}
        <input name="email" type="email" required autocomplete="email" />
      </label>
      <label>
        {t("auth.password")}
        <input name="password" type="password" required minLength={mode === "signup" ? 10 : 1} autocomplete={mode === "signup" ? "new-password" : "current-password"} />
        {mode === "signup" && <small class="muted">{t("auth.passwordRule")}</small>}
      </label>
      {problem && <ProblemView problem={problem} />}
      <button type="submit" disabled={busy}>
        {t(`auth.${mode}`)}
      </button>
      <p class="muted">
        {mode === "login" ? (
          <a href={`/signup${query.next ? `?next=${encodeURIComponent(query.next)}` : ""}`}>{t("auth.noAccount")}</a>
        ) : (
          <a href={`/login${query.next ? `?next=${encodeURIComponent(query.next)}` : ""}`}>{t("auth.haveAccount")}</a>
        )}
      </p>
    </form>
  );
}

export const Login = () => <AuthForm mode="login" />;
export const Signup = () => <AuthForm mode="signup" />;
