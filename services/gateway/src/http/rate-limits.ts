import { problems } from "@concert/platform";
import type { Context, Next } from "koa";
import type Redis from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

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
 * Limits at the edge (rate-limiter-flexible): log-ins per address and account (password guessing,
 * and each attempt costs an argon2 verify), sign-ups per address, reservations per user (seat
 * hoarding). Over the limit: 429 problem with Retry-After. With Redis the counters are shared by
 * every gateway replica (a script spreading its tries over replicas gains nothing); while Redis
 * is unreachable each replica counts alone (the insurance limiter) rather than letting everyone
 * through or nobody.
 */
export function rateLimits(limits: RateLimits, redis?: Redis) {
  const limiter = (name: string, points: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ points, duration: 60 });
    if (!redis) return memory;
    return new RateLimiterRedis({ storeClient: redis, keyPrefix: `gateway:rl:${name}`, points, duration: 60, insuranceLimiter: memory });
  };
  const login = limiter("login", limits.loginPerMinute);
  const signUp = limiter("signup", limits.signUpPerMinute);
  const reservations = limiter("reservations", limits.reservationsPerMinute);

  const guard = (l: RateLimiterAbstract, keyOf: (ctx: Context) => string) => async (ctx: Context, next: Next) => {
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
