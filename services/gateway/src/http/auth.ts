import { problems } from "@concert/platform";
import { jwtVerify } from "jose";
import type { Context, Next } from "koa";
import { z } from "zod";

export type Role = "user" | "admin";

export interface Principal {
  userId: string;
  role: Role;
}

const claims = z.object({ sub: z.uuid(), role: z.enum(["user", "admin"]) });

/** Verifies `Authorization: Bearer <jwt>` (HS256, issuer, expiry) and puts the principal on ctx.state. */
export function authenticate(secret: string, issuer: string) {
  const key = new TextEncoder().encode(secret);
  return async (ctx: Context, next: Next) => {
    const header = ctx.get("authorization");
    const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header)?.[1];
    if (!token) throw problems.unauthorized("Send an access token as 'Authorization: Bearer <token>'.");
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, key, { issuer, algorithms: ["HS256"], requiredClaims: ["exp", "sub"] }));
    } catch {
      throw problems.unauthorized("The access token is invalid or expired.");
    }
    const parsed = claims.safeParse(payload);
    if (!parsed.success) throw problems.unauthorized("The access token is invalid or expired.");
    ctx.state.principal = { userId: parsed.data.sub, role: parsed.data.role } satisfies Principal;
    return next();
  };
}

export function requireRole(role: Role) {
  return async (ctx: Context, next: Next) => {
    const principal = ctx.state.principal as Principal | undefined;
    if (!principal) throw problems.unauthorized();
    if (principal.role !== role) throw problems.forbidden(`This needs the ${role} role.`);
    return next();
  };
}
