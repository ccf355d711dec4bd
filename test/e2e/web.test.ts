import { randomUUID } from "node:crypto";
import { localSecrets, startService, stopService } from "@concert/devstack";
import type { Browser } from "playwright-core";
import { charge, payToConfirmed, reserve, seatStatuses } from "../support/booking";
import { check, launch, openTab, screenshot, type Tab } from "../support/browser";
import { admittedShopper, api, budget, createConcertWithSchedule, eventually, GATEWAY, internal } from "../support/stack";

/**
 * The web app in real Chromium, on the real stack, through the gateway: what a fan and an
 * operator do at a sale opening. Every page visited is scanned (axe-core) and must log no error.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const sections = [
  { name: "VIP", rows: 1, seatsPerRow: 6, price: 150_000 },
  { name: "R", rows: 2, seatsPerRow: 8, price: 99_000 },
];

async function signUp(tab: Tab, next: string) {
  const { page } = tab;
  const email = `fan-${randomUUID().slice(0, 8)}@example.com`;
  await page.goto(`/signup?next=${encodeURIComponent(next)}`);
  await page.locator("input[name=name]").fill("Kim Fan");
  await page.locator("input[name=email]").fill(email);
  await page.locator("input[name=password]").fill("correct horse battery");
  await check(tab, "sign-up");
  await page.locator("form button[type=submit]").click();
  return email;
}

const seat = (tab: Tab, n: string) => tab.page.locator(`[data-seat="${n}"]`);

/** The queue's line for a concert, as its operator endpoint reports it. */
const line = async (concertId: string) => (await internal("queue", "GET", `/queues/${concertId}`)).body as { waiting: number; active: number };

describe("the web app in a real browser", () => {
  it("a fan signs up, waits in line, holds two seats, sees a seat sold and one taken, tops up, pays, gets the notice, cancels and sees the refund", async () => {
    const time = budget(85_000);
    const { concert, schedule } = await createConcertWithSchedule(sections);
    const tab = await openTab(browser, { locale: "en-US" });
    const { page } = tab;

    // The concert list, then the sale: every admission slot of the concert is taken, and two fans
    // are ahead in line, so the fan waits at place 3 until slots free up.
    await page.goto("/");
    await page.getByRole("link", { name: concert.title }).waitFor({ timeout: time.left() });
    await check(tab, "concerts");
    await screenshot(tab, "concerts");
    const crowd = Array.from({ length: 1000 }, () => randomUUID());
    for (let i = 0; i < crowd.length; i += 50) {
      await Promise.all(crowd.slice(i, i + 50).map((userId) => internal("queue", "POST", "/tokens", { userId, body: { concertId: concert.id } })));
    }
    await eventually(async () => ((await line(concert.id)).active === 1000 ? true : undefined), time.left(), "a full admission window");
    const ahead = [randomUUID(), randomUUID()];
    for (const userId of ahead) await internal("queue", "POST", "/tokens", { userId, body: { concertId: concert.id } });

    await signUp(tab, `/book/${schedule.id}`);
    await page.getByText("Your place in line: 3").waitFor({ timeout: time.left() });
    // The window is full: the estimate is when the third admitted fan's 5 minutes run out.
    await page.getByText("About 5 min to go.").waitFor({ timeout: time.left() });
    await check(tab, "waiting room");
    await screenshot(tab, "waiting-room");
    const free = (userId: string) => internal("queue", "POST", "/internal/tokens/spend", { body: { userId, concertId: concert.id } });
    await free(crowd[0]!);
    await page.getByText("Your place in line: 2").waitFor({ timeout: time.left() });
    expect(await page.locator("progress").getAttribute("value")).toBe("50");
    await free(crowd[1]!);
    await free(crowd[2]!);

    // Admitted: the seat map, as the venue's sections and rows.
    await seat(tab, "VIP-1-1").waitFor({ timeout: time.left() });
    expect(await page.locator(".section").count()).toBe(2);
    expect(await page.locator(".seat[data-seat]").count()).toBe(22);

    // Another fan buys VIP-1-3: it turns sold on this map without a reload.
    await free(crowd[3]!);
    const other = await admittedShopper(concert.id);
    await charge(other, 1_000_000);
    const bought = await reserve(other, schedule.id, ["VIP-1-3"]);
    await payToConfirmed(other, bought.body.reservationId, time.left());
    await page.locator('[data-seat="VIP-1-3"][data-status="RESERVED"]').waitFor({ timeout: time.left() });

    // Picks three; one of them is taken meanwhile: the answer names it and the map shows it.
    for (const n of ["VIP-1-1", "VIP-1-2", "VIP-1-4"]) await seat(tab, n).click();
    expect(await seat(tab, "VIP-1-1").getAttribute("aria-pressed")).toBe("true");
    await check(tab, "seat map");
    await screenshot(tab, "seat-map");
    await free(crowd[4]!);
    const third = await admittedShopper(concert.id);
    expect((await reserve(third, schedule.id, ["VIP-1-4"])).status).toBe(201);
    await page.getByText("Just taken by someone else: VIP-1-4").waitFor({ timeout: time.left() });
    expect(await seat(tab, "VIP-1-4").getAttribute("data-status")).toBe("HELD");
    await page.getByRole("button", { name: "Hold 2 seats" }).click();

    // Checkout: the hold's countdown, an empty wallet, a top-up, the payment.
    await page.getByTestId("status").filter({ hasText: "Awaiting payment" }).waitFor({ timeout: time.left() });
    expect(await page.getByRole("timer").textContent()).toMatch(/Seats held for \d+:\d\d/);
    await page.getByTestId("balance").filter({ hasText: "0 KRW" }).waitFor({ timeout: time.left() });
    await page.getByLabel("Top-up amount").selectOption("300000");
    await page.getByRole("button", { name: "Top up" }).click();
    await page.getByTestId("balance").filter({ hasText: "300,000 KRW" }).waitFor({ timeout: time.left() });
    await check(tab, "checkout");
    await page.getByRole("button", { name: "Pay 300,000 KRW" }).click();
    await page.getByTestId("status").filter({ hasText: "Confirmed" }).waitFor({ timeout: time.left() });
    await page.getByTestId("notice").filter({ hasText: "Booking confirmed" }).waitFor({ timeout: time.left() });
    await check(tab, "confirmed");
    await screenshot(tab, "confirmed");

    // Cancels (before the cutoff): the refund is shown, and the seats are free again.
    await page.getByRole("button", { name: "Cancel reservation" }).click();
    await page.getByTestId("refund").filter({ hasText: "300,000 KRW" }).waitFor({ timeout: time.left() });
    await eventually(async () => {
      const seats = await seatStatuses(schedule.id);
      return seats["VIP-1-1"] === "AVAILABLE" && seats["VIP-1-2"] === "AVAILABLE" ? true : undefined;
    }, time.left(), "the cancelled seats released");

    // My page: the reservation with its timeline, the wallet's history, the notices.
    await page.getByRole("link", { name: "My page" }).click();
    await page.locator(".status.cancelled").first().waitFor({ timeout: time.left() });
    await eventually(async () => {
      await page.reload();
      const text = (await page.locator("main").textContent()) ?? "";
      return ["Top-up", "Payment", "Refund", "Booking cancelled", "Booking confirmed"].every((w) => text.includes(w)) ? true : undefined;
    }, time.left(), "my page with the payment, the refund and both notices");
    await check(tab, "my page");
    await screenshot(tab, "my-page");
    await tab.context.close();
  });

  it("a declined payment (in Korean, by keyboard) says so and releases the seats; a phone-width map needs no sideways page scroll", async () => {
    const time = budget(60_000);
    const { schedule } = await createConcertWithSchedule(sections);
    const tab = await openTab(browser, { locale: "ko-KR", width: 390 });
    const { page } = tab;
    await signUp(tab, `/book/${schedule.id}`);
    await seat(tab, "R-2-8").waitFor({ timeout: time.left() });
    expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    // By keyboard: the map is one Tab stop (its first seat, R-1-1); arrows move within it
    // (down to row 2; End to the last seat, VIP-1-6; up to the nearest seat of the row above,
    // R-2-7; right to R-2-8), Enter picks, Tab leaves.
    await seat(tab, "R-1-1").focus();
    await page.keyboard.press("ArrowDown");
    expect(await page.evaluate("document.activeElement.dataset.seat")).toBe("R-2-1");
    await page.keyboard.press("End");
    expect(await page.evaluate("document.activeElement.dataset.seat")).toBe("VIP-1-6");
    await page.keyboard.press("ArrowUp");
    expect(await page.evaluate("document.activeElement.dataset.seat")).toBe("R-2-7");
    await page.keyboard.press("ArrowRight");
    expect(await page.evaluate("document.activeElement.dataset.seat")).toBe("R-2-8");
    await page.keyboard.press("Enter");
    expect(await seat(tab, "R-2-8").getAttribute("aria-pressed")).toBe("true");
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.textContent")).toBe("1석 선점하기");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: /결제하기/ }).click();
    await page.getByTestId("outcome").filter({ hasText: "결제가 거절되었습니다" }).waitFor({ timeout: time.left() });
    await page.getByTestId("status").filter({ hasText: "실패" }).waitFor({ timeout: time.left() });
    await check(tab, "declined (ko)");
    await screenshot(tab, "declined-mobile-ko");
    await eventually(async () => ((await seatStatuses(schedule.id))["R-2-8"] === "AVAILABLE" ? true : undefined), time.left(), "the seat released");
    await tab.context.close();
  });

  it("payment unavailable: the page says the seats stay held, and trying again later is one payment", async () => {
    const time = budget(85_000);
    const { schedule } = await createConcertWithSchedule(sections);
    const tab = await openTab(browser, { locale: "en-US" });
    const { page } = tab;
    await signUp(tab, `/book/${schedule.id}`);
    await seat(tab, "R-1-1").click();
    await page.getByRole("button", { name: "Hold 1 seat" }).click();
    await page.getByLabel("Top-up amount").selectOption("100000");
    await page.getByRole("button", { name: "Top up" }).click();
    await page.getByTestId("balance").filter({ hasText: "100,000 KRW" }).waitFor({ timeout: time.left() });

    await stopService("wallet");
    try {
      await page.getByRole("button", { name: "Pay 99,000 KRW" }).click();
      await page.getByTestId("outcome").filter({ hasText: "Your seats stay held; try again." }).waitFor({ timeout: time.left() });
      expect(await page.getByTestId("status").textContent()).toBe("Awaiting payment");
      expect((await seatStatuses(schedule.id))["R-1-1"]).toBe("HELD");
      await check(tab, "payment unavailable");
    } finally {
      await startService("wallet");
    }
    // Again, with the same Idempotency-Key, until the wallet's breaker lets it through.
    await eventually(async () => {
      await page.getByRole("button", { name: "Try paying again" }).click();
      const done = await page.getByTestId("status").filter({ hasText: "Confirmed" }).waitFor({ timeout: 3_000 }).then(() => true, () => undefined);
      return done;
    }, time.left(), "the payment once the wallet is back");
    const token = String(await page.evaluate("localStorage.getItem('concert.session')"));
    expect((await api("GET", "/api/me/wallet", { token })).body.balance).toBe(1_000);
    await tab.context.close();
  });

  it("an operator lays out a schedule with a preview, then watches its console count a sale", async () => {
    const time = budget(60_000);
    const tab = await openTab(browser, { locale: "en-US" });
    const { page } = tab;
    await page.goto("/login?next=/admin");
    await page.locator("input[name=email]").fill("admin@concert.local");
    await page.locator("input[name=password]").fill(localSecrets().adminPassword);
    await page.locator("form button[type=submit]").click();

    const title = `Web ${randomUUID().slice(0, 8)}`;
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Venue").fill("KSPO Dome");
    // The editor: the preview follows each change (2 sections: 20 + 56 seats; then R has 1 row).
    await page.getByText("76 seats").waitFor({ timeout: time.left() });
    await page.getByLabel("Rows", { exact: true }).nth(1).fill("1");
    await page.getByText("34 seats").waitFor({ timeout: time.left() });
    expect(await page.locator(".seat-map .seat[data-seat]").count()).toBe(34);
    await page.getByLabel("Section", { exact: true }).nth(1).fill("r");
    expect(await page.getByLabel("Section", { exact: true }).nth(1).inputValue()).toBe("R");
    await check(tab, "schedule editor");
    await screenshot(tab, "operator-editor");
    await page.getByRole("button", { name: "Create the schedule" }).click();

    // The console: the read model, then a sale counted in it.
    await page.waitForURL(/\/admin\/schedules\/[0-9a-f-]{36}$/, { timeout: time.left() });
    const scheduleId = page.url().split("/").pop()!;
    await page.getByTestId("available").filter({ hasText: /^34$/ }).waitFor({ timeout: time.left() });
    const concertId = (await api("GET", `/api/schedules/${scheduleId}`)).body.concertId as string;
    const fan = await admittedShopper(concertId);
    await charge(fan, 500_000);
    const r = await eventually(async () => {
      const res = await reserve(fan, scheduleId, ["VIP-1-1", "VIP-1-2"]);
      return res.status === 201 ? res : undefined;
    }, time.left(), "a hold once the seats are built");
    await payToConfirmed(fan, r.body.reservationId, time.left());
    await page.getByTestId("sold").filter({ hasText: /^2$/ }).waitFor({ timeout: time.left() });
    await page.getByTestId("revenue").filter({ hasText: "300,000 KRW" }).waitFor({ timeout: time.left() });
    await page.getByTestId("available").filter({ hasText: /^32$/ }).waitFor({ timeout: time.left() });
    await page.getByTestId("bookings").filter({ hasText: /^1$/ }).waitFor({ timeout: time.left() });
    // The concert's line, from the queue: nobody waits (the one fan went in).
    expect(await page.getByTestId("waiting").textContent()).toBe("0");
    await check(tab, "sale console");
    await screenshot(tab, "operator-console");
    await tab.context.close();
  });

  it("a fan joins a sold-out schedule's waiting list, gets the cancelled seat offered on my page and claims it into checkout", async () => {
    const time = budget(60_000);
    const { concert, schedule } = await createConcertWithSchedule([{ name: "S", rows: 1, seatsPerRow: 1, price: 50_000 }]);
    const buyer = await admittedShopper(concert.id);
    await charge(buyer, 50_000);
    const bought = await reserve(buyer, schedule.id, ["S-1-1"]);
    await payToConfirmed(buyer, bought.body.reservationId);

    const tab = await openTab(browser, { locale: "en-US" });
    const { page } = tab;
    await signUp(tab, `/concerts/${concert.id}`);
    await page.getByText("Sold out").first().waitFor({ timeout: time.left() });
    await page.getByLabel("Seats").selectOption("1");
    await page.getByRole("button", { name: "Join the waiting list" }).click();
    await page.getByRole("status").filter({ hasText: "number 1 in line" }).waitFor({ timeout: time.left() });
    await check(tab, "waiting list joined");

    expect((await api("DELETE", `/api/reservations/${bought.body.reservationId}`, { token: buyer.token })).body.status).toBe("CANCELLED");
    await page.getByRole("link", { name: "My page" }).click();
    const claim = page.getByRole("button", { name: "Claim and book" });
    await eventually(async () => {
      if (await claim.isVisible()) return true;
      await page.reload();
      return undefined;
    }, time.left(), "the offer on my page");
    expect(await page.getByText("S-1-1").first().isVisible()).toBe(true);
    await check(tab, "waiting-list offer");
    await claim.click();
    await page.getByTestId("status").filter({ hasText: "Awaiting payment" }).waitFor({ timeout: time.left() });
    expect(page.url()).toMatch(/\/reservations\/[0-9a-f-]{36}$/);
    await check(tab, "claimed offer at checkout");
    await tab.context.close();
  });

  it("serves the app's pages and assets precompressed and cached, with security headers; a missing asset is a problem", async () => {
    const index = await fetch(`${GATEWAY}/me`, { headers: { "accept-encoding": "br" } });
    expect(index.status).toBe(200);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    expect(index.headers.get("content-security-policy")).toContain("default-src 'self'");
    const html = await index.text();
    const script = html.match(/\/assets\/[\w.-]+\.js/)?.[0];
    expect(script).toBeDefined();
    const asset = await fetch(`${GATEWAY}${script}`, { headers: { "accept-encoding": "br" } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-encoding")).toBe("br");
    expect(asset.headers.get("cache-control")).toMatch(/max-age=31536000.*immutable/);
    const missing = await fetch(`${GATEWAY}/assets/nothing-here.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("application/problem+json");
    expect(((await missing.json()) as { instance: string }).instance).toBe("/assets/nothing-here.js");
    const put = await fetch(`${GATEWAY}/me`, { method: "PUT" });
    expect([put.status, put.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
  });
});
