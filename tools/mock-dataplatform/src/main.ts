import { bodyParser } from "@koa/bodyparser";
import Router from "@koa/router";
import Koa from "koa";
import { z } from "zod";

/**
 * The external data platform as this project's tests and local runs see it. It stores each
 * reservation record once per Idempotency-Key and counts every attempt, so a test can tell
 * "arrived exactly once by key" from "sent several times".
 */
const switches = z.strictObject({
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  errorRate: z.number().min(0).max(1).default(0),
  outage: z.boolean().default(false),
});
type Switches = z.infer<typeof switches>;

let state: Switches = switches.parse({});
const received = new Map<string, unknown>();
const stats = { attempts: 0, duplicates: 0, refused: 0 };

const router = new Router();

router.post("/v1/reservations", async (ctx) => {
  stats.attempts++;
  if (state.latencyMs) await new Promise((r) => setTimeout(r, state.latencyMs));
  if (state.outage || Math.random() < state.errorRate) {
    stats.refused++;
    ctx.status = 503;
    ctx.body = { error: state.outage ? "outage" : "injected error" };
    return;
  }
  const key = ctx.get("idempotency-key");
  if (!key) {
    ctx.status = 400;
    ctx.body = { error: "Idempotency-Key is required" };
    return;
  }
  if (received.has(key)) {
    stats.duplicates++;
    ctx.status = 409;
    ctx.body = { key, duplicate: true };
    return;
  }
  received.set(key, ctx.request.body);
  ctx.status = 201;
  ctx.body = { key };
});

/** Notices posted by the notification channel binding in the kind install (bindings.http). */
const notices: unknown[] = [];
router.post("/v1/notices", (ctx) => {
  notices.push(ctx.request.body);
  ctx.status = 202;
  ctx.body = { accepted: true };
});
router.get("/admin/notices", (ctx) => {
  ctx.body = { count: notices.length, notices: notices.slice(-100) };
});

router.get("/admin/received", (ctx) => {
  ctx.body = { count: received.size, keys: [...received.keys()], records: [...received.values()], ...stats };
});

router.put("/admin/switches", (ctx) => {
  const parsed = switches.safeParse(ctx.request.body);
  if (!parsed.success) {
    ctx.status = 400;
    ctx.body = { error: parsed.error.issues };
    return;
  }
  state = parsed.data;
  ctx.body = state;
});

router.post("/admin/reset", (ctx) => {
  received.clear();
  Object.assign(stats, { attempts: 0, duplicates: 0, refused: 0 });
  state = switches.parse({});
  ctx.body = { reset: true };
});

router.get("/healthz", (ctx) => {
  ctx.body = { status: "ok" };
});
router.get("/readyz", (ctx) => {
  ctx.body = { status: "ready" };
});

const app = new Koa();
app.use(bodyParser({ enableTypes: ["json"] }));
app.use(router.routes()).use(router.allowedMethods());
const port = Number(process.env.PORT ?? 4080);
const server = app.listen(port, process.env.HOST ?? "127.0.0.1", () => process.stdout.write(`mock data platform on :${port}\n`));
for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => server.close(() => process.exit(0)));
