import type { UpstreamResponse } from "@concert/platform";
import type { Context } from "koa";

/** Relays an internal service's answer as the public one. */
export function reply(ctx: Context, res: UpstreamResponse): void {
  ctx.status = res.status;
  const { location, ...headers } = res.headers;
  ctx.set(headers);
  // Internal paths become public ones: /concerts/1 -> /api/concerts/1.
  if (location?.startsWith("/")) ctx.set("Location", `/api${location}`);
  ctx.type = res.contentType;
  // A problem names the public path it happened on, never an internal one; any other answer
  // is relayed as the bytes it came in, unless a route replaced it.
  if (res.contentType.includes("problem+json")) {
    ctx.body = res.body && typeof res.body === "object" ? { ...res.body, instance: ctx.path } : res.body;
  } else {
    ctx.body = res.raw ?? res.body;
  }
}
