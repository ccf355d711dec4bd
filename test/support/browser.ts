import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "@concert/devstack";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { GATEWAY } from "./stack";

/**
 * Real Chromium (Debian's package, scripts/install-infra.sh) driven by playwright-core, on the web
 * app the gateway serves. Each page records its console errors and uncaught exceptions; `check`
 * fails on any, and on any violation an axe-core scan (WCAG 2 A/AA) finds.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
}

export interface Tab {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions so far. */
  errors: string[];
}

export async function openTab(browser: Browser, options: { locale?: "ko-KR" | "en-US"; width?: number } = {}): Promise<Tab> {
  // The app's CSP allows only its own scripts: axe-core goes in past it, for the scan only.
  const context = await browser.newContext({
    baseURL: GATEWAY,
    locale: options.locale ?? "ko-KR",
    timezoneId: "Asia/Seoul",
    viewport: { width: options.width ?? 1280, height: 900 },
    bypassCSP: true,
  });
  // Layout shifts not caused by the user's input, summed over the tab's life (CLS).
  await context.addInitScript(`window.__shift = 0;
    new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value; })
      .observe({ type: "layout-shift", buffered: true });`);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(`uncaught: ${err.message}`));
  page.on("console", (msg) => {
    // The browser's own line for an HTTP error answer the app expects and shows (a 409 for a
    // seat just taken, a 402 for a declined payment) is not an error of the page.
    if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource")) errors.push(msg.text());
  });
  page.on("dialog", (d) => void d.accept());
  return { page, context, errors };
}

/** No console errors so far, no accessibility violation on the page as it stands, no layout jumps. */
export async function check(tab: Tab, what: string): Promise<void> {
  await tab.page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const violations = (await tab.page.evaluate(`(async () => {
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return result.violations.map((v) => v.id + ": " + v.help + " " + v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(", "));
  })()`)) as string[];
  // Content that moves under the reader's eyes: below 0.1 is what Web Vitals call good.
  const shift = (await tab.page.evaluate("window.__shift")) as number;
  expect({ page: what, violations, consoleErrors: tab.errors, layoutShiftUnder01: shift < 0.1 ? true : shift }).toEqual({ page: what, violations: [], consoleErrors: [], layoutShiftUnder01: true });
}

/** Writes docs/screenshots/NAME.png when SCREENSHOTS=1 (`make screenshots`); otherwise nothing. */
export async function screenshot(tab: Tab, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== "1") return;
  const dir = join(ROOT, "docs", "screenshots");
  mkdirSync(dir, { recursive: true });
  await tab.page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
