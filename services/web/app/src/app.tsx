import { ErrorBoundary, LocationProvider, Route, Router } from "preact-iso";
import { Problem } from "./api";
import { ProblemView } from "./components/ui";
import { lang, setLang, t } from "./i18n";
import { Admin } from "./pages/admin";
import { Login, Signup } from "./pages/auth";
import { Booking } from "./pages/booking";
import { Checkout } from "./pages/checkout";
import { ConcertPage, Home } from "./pages/concerts";
import { SaleConsole } from "./pages/console";
import { MyPage } from "./pages/mypage";
import { isAdmin, signedIn, signOut } from "./session";

function NotFound() {
  return <ProblemView problem={new Problem(404, { type: "/problems/not-found", detail: t("notFound") })} />;
}

export function App() {
  return (
    <LocationProvider>
      <a class="skip" href="#main">
        {t("nav.skip")}
      </a>
      <header class="top">
        <a class="brand" href="/">
          {t("brand")}
        </a>
        <nav aria-label={t("nav.label")}>
          <a href="/">{t("nav.concerts")}</a>
          {signedIn.value && <a href="/me">{t("nav.me")}</a>}
          {isAdmin.value && <a href="/admin">{t("nav.admin")}</a>}
          {signedIn.value ? (
            <button type="button" class="link" onClick={() => (signOut(), location.assign("/"))}>
              {t("nav.logout")}
            </button>
          ) : (
            <a href="/login">{t("nav.login")}</a>
          )}
          <button type="button" class="link lang" lang={lang.value === "ko" ? "en" : "ko"} onClick={() => setLang(lang.value === "ko" ? "en" : "ko")}>
            {lang.value === "ko" ? "English" : "한국어"}
          </button>
        </nav>
      </header>
      <main id="main">
        <ErrorBoundary>
          <Router>
            <Route path="/" component={Home} />
            <Route path="/concerts/:id" component={ConcertPage} />
            <Route path="/login" component={Login} />
            <Route path="/signup" component={Signup} />
            <Route path="/book/:scheduleId" component={Booking} />
            <Route path="/reservations/:id" component={Checkout} />
            <Route path="/me" component={MyPage} />
            <Route path="/admin" component={Admin} />
            <Route path="/admin/schedules/:id" component={SaleConsole} />
            <Route default component={NotFound} />
          </Router>
        </ErrorBoundary>
      </main>
    </LocationProvider>
  );
}
