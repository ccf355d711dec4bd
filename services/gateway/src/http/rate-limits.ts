import { problems } from "@concert/platform";
import type { Context, Next } from "koa";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

/**
 * One key per account, however its email is spelt: the user database compares emails with an
 * accent- and case-insensitive collation, so the limiter folds the same way (and trims). Bounded
 * in length, so a huge body cannot become a huge key.
 */
export function accountKey(email: unknown): string {
  return String(email ?? "")
    .slice(0, 320)
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .trim()
    .toLowerCase();
}

export interface RateLimits {
  loginPerMinute: number;
  signUpPerMinute: number;
  reservationsPerMinute: number;
}

/**
 * Per-instance limits at the edge (rate-limiter-flexible; a multi-replica gateway would move the
 * counters to Redis with the same library): log-ins per address and account (password guessing,
 * and each attempt costs an argon2 verify), sign-ups per address, reservations per user (seat
 * hoarding). Over the limit: 429 problem with Retry-After.
 */
export function rateLimits(limits: RateLimits) {
  const limiter = (points: number) => new RateLimiterMemory({ points, duration: 60 });
  const login = limiter(limits.loginPerMinute);
  const signUp = limiter(limits.signUpPerMinute);
  const reservations = limiter(limits.reservationsPerMinute);

  const guard = (l: RateLimiterMemory, keyOf: (ctx: Context) => string) => async (ctx: Context, next: Next) => {
    try {
      await l.consume(keyOf(ctx));
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      throw problems.tooManyRequests("Too many requests; slow down.", Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
    }
    return next();
  };

  return {
    login: guard(login, (ctx) => `${ctx.ip}|${accountKey((ctx.request.body as { email?: unknown } | undefined)?.email)}`),
    signUp: guard(signUp, (ctx) => ctx.ip),
    reservations: guard(reservations, (ctx) => String((ctx.state.principal as { userId?: string } | undefined)?.userId ?? ctx.ip)),
  };
}
