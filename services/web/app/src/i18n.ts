import { signal } from "@preact/signals";
import i18next from "i18next";
import { en } from "./locales/en";
import { ko } from "./locales/ko";

export type Lang = "ko" | "en";
const KEY = "concert.lang";

/** Korean first (the product's first market); English on request or from the browser. */
function initial(): Lang {
  const saved = localStorage.getItem(KEY);
  if (saved === "ko" || saved === "en") return saved;
  return navigator.language.toLowerCase().startsWith("ko") ? "ko" : navigator.languages.some((l) => l.startsWith("ko")) ? "ko" : "en";
}

export const lang = signal<Lang>(initial());

void i18next.init({
  lng: lang.value,
  fallbackLng: "en",
  resources: { en: { translation: en }, ko: { translation: ko } },
  interpolation: { escapeValue: false },
  initImmediate: false,
});
document.documentElement.lang = lang.value;

export function setLang(l: Lang): void {
  localStorage.setItem(KEY, l);
  void i18next.changeLanguage(l);
  document.documentElement.lang = l;
  lang.value = l;
}

/** Translates; reading `lang` makes every component that calls it redraw on a switch. */
export function t(key: string, options?: Record<string, unknown>): string {
  void lang.value;
  return i18next.t(key, options);
}

export const won = (n: number) => new Intl.NumberFormat(lang.value === "ko" ? "ko-KR" : "en-US").format(n) + (lang.value === "ko" ? "원" : " KRW");
export const when = (iso: string) =>
  new Intl.DateTimeFormat(lang.value === "ko" ? "ko-KR" : "en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Seoul" }).format(new Date(iso));
/** A wait as people say it: seconds up to a minute and a half, then whole minutes (rounded up). */
export const duration = (seconds: number) => (seconds < 90 ? t("unit.seconds", { count: seconds }) : t("unit.minutes", { count: Math.ceil(seconds / 60) }));
export const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.max(0, seconds % 60)).padStart(2, "0")}`;
