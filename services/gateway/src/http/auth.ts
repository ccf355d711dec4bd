import { type Principal, problems, type Role, type TokenVerifier, verifyAccessToken } from "@concert/platform";
import type { Context, Next } from "koa";

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/** Verifies `Authorization: Bearer <jwt>` and puts the principal on ctx.state; 401 otherwise. */
export function authenticate(verifier: TokenVerifier) {
  return async (ctx: Context, next: Next) => {
    const token = BEARER.exec(ctx.get("authorization"))?.[1];
    if (!token) throw problems.unauthorized("Send an access token as 'Authorization: Bearer <token>'.");
    const principal = await verifyAccessToken(verifier, token);
    if (!principal) throw problems.unauthorized("The access token is invalid or expired.");
    ctx.state.principal = principal;
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

export const principalOf = (ctx: Context): Principal => ctx.state.principal as Principal;
