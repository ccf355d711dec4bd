import { chargeRequest, paymentRequest, uuidParam } from "@concert/contracts";
import { idempotent, type IdempotencyStore, idOfIdempotencyKey, PRINCIPAL_HEADERS, problems, Router, validate } from "@concert/platform";
import type { Context } from "koa";
import type { Wallets } from "../infra/wallets";

/** A user reaches only their own wallet. */
function ownWallet(ctx: Context): string {
  const userId = validate(uuidParam, ctx.params.userId, "path");
  if (ctx.get(PRINCIPAL_HEADERS.userId) !== userId && ctx.get(PRINCIPAL_HEADERS.role) !== "admin") throw problems.notFound("Wallet");
  return userId;
}

/** The wallet's internal API: users' balance and charges, and the saga's payments and refunds. */
export function walletRoutes(wallets: Wallets, idempotency: IdempotencyStore): Router {
  const router = new Router();

  router.get("/wallets/:userId", async (ctx) => {
    const userId = ownWallet(ctx);
    ctx.body = { userId, balance: await wallets.balance(userId) };
  });

  router.post("/wallets/:userId/charges", idempotent(idempotency), async (ctx) => {
    const userId = ownWallet(ctx);
    const { amount } = validate(chargeRequest, ctx.request.body);
    // With an Idempotency-Key the charge's own id comes from it: the effect is keyed too, so
    // the charge applies once even if the key's answer was never recorded.
    const key = ctx.get("idempotency-key");
    const { balance, chargeId } = await wallets.charge(userId, amount, key ? idOfIdempotencyKey(userId, "charge", key) : undefined);
    ctx.status = 201;
    ctx.body = { userId, chargeId, amount, balance };
  });

  router.post("/payments", async (ctx) => {
    ctx.body = await wallets.pay(validate(paymentRequest, ctx.request.body));
  });

  router.post("/payments/:paymentId/void", async (ctx) => {
    const paymentId = validate(uuidParam, ctx.params.paymentId, "path");
    const req = validate(paymentRequest, { ...(ctx.request.body as object), paymentId });
    ctx.body = await wallets.void(req);
  });

  router.post("/payments/:paymentId/refund", async (ctx) => {
    ctx.body = await wallets.refund(validate(uuidParam, ctx.params.paymentId, "path"));
  });

  return router;
}
