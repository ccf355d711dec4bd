import type { Upstream } from "@concert/platform";
import { problems } from "@concert/platform";
import type { Middleware } from "koa";
import { reply } from "./reply";

/** Request headers the web app's answer depends on. */
const ASKED = ["accept", "accept-encoding"];
/** What the browser is told about every page and asset of the app (same origin as the API). */
const SECURITY_HEADERS = {
  "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
};

/**
 * The web app (the `web` service) on every path outside /api: the gateway relays GET and HEAD
 * to it through Dapr, bytes as they come (precompressed, with their caching headers). Paths
 * under /api are left to the API's own 404 and 405.
 */
export function siteRelay(web: Upstream): Middleware {
  return async (ctx, next) => {
    if (ctx.path === "/api" || ctx.path.startsWith("/api/")) return next();
    if (ctx.method !== "GET" && ctx.method !== "HEAD") {
      ctx.set("Allow", "GET, HEAD");
      throw problems.methodNotAllowed(ctx.method);
    }
    const headers: Record<string, string> = {};
    for (const h of ASKED) if (ctx.get(h)) headers[h] = ctx.get(h);
    reply(ctx, await web.call({ method: "GET", path: `/site${ctx.path}`, headers }));
    ctx.set(SECURITY_HEADERS);
  };
}
