import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { problems, Router } from "@concert/platform";
import type { Context } from "koa";
import send from "koa-send";

/** Where the gateway asks for the site: public `/x` is `/site/x` here (one path to allow in Dapr's access control). */
export const SITE_PREFIX = "/site";

const YEAR = 365 * 24 * 3600;

/**
 * The built app (dist/public): hashed assets cached for a year, everything else revalidated.
 * Any path that is not a file is a page of the app: index.html, whose router draws it.
 * Files are sent precompressed (.br / .gz written at build) when the client accepts it.
 */
export function siteRoutes(root: string): Router {
  if (!existsSync(join(root, "index.html"))) throw new Error(`${root}/index.html is missing: run npm run build:app -w @concert/web`);
  // The plain files at the root (favicon, robots.txt), read once: a page load does no file lookup.
  const rootFiles = new Set(readdirSync(root, { withFileTypes: true }).filter((e) => e.isFile() && e.name !== "index.html" && !/\.(br|gz)$/.test(e.name)).map((e) => `/${e.name}`));
  const router = new Router({ prefix: SITE_PREFIX });
  const serve = async (ctx: Context, file: string, maxAge: number, immutable: boolean) => {
    ctx.set("Vary", "Accept-Encoding");
    await send(ctx, file, { root, brotli: true, gzip: true, maxage: maxAge * 1000, immutable, index: false, hidden: false });
  };

  router.get(["/", "/{*path}"], async (ctx) => {
    const path = ctx.path.slice(SITE_PREFIX.length) || "/";
    if (path.startsWith("/assets/")) {
      try {
        return await serve(ctx, path, YEAR, true);
      } catch {
        throw problems.notFound(`Asset ${path}`);
      }
    }
    // A page of the app, or a plain file at the root (favicon, robots.txt).
    await serve(ctx, rootFiles.has(path) ? path : "/index.html", 0, false);
    // After koa-send, which sets its own max-age=0.
    ctx.set("Cache-Control", "no-cache");
  });
  return router;
}
