import { jwtVerify, SignJWT } from "jose";
import { z } from "zod";

export type Role = "user" | "admin";

export interface Principal {
  userId: string;
  role: Role;
}

/** Who is calling an internal service: set by the gateway from a verified token. */
export const PRINCIPAL_HEADERS = { userId: "x-user-id", role: "x-user-role" } as const;

const claims = z.object({ sub: z.uuid(), role: z.enum(["user", "admin"]) });

export interface TokenKey {
  secret: string;
  issuer: string;
}

const keyOf = (secret: string) => new TextEncoder().encode(secret);

/** A short-lived HS256 access token carrying the user id (sub) and role. */
export async function signAccessToken(key: TokenKey, principal: Principal, ttlSeconds: number): Promise<string> {
  return new SignJWT({ role: principal.role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(principal.userId)
    .setIssuer(key.issuer)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(keyOf(key.secret));
}

/** The principal of a valid token, or undefined for a bad, foreign, tampered or expired one. */
export async function verifyAccessToken(key: TokenKey, token: string): Promise<Principal | undefined> {
  try {
    const { payload } = await jwtVerify(token, keyOf(key.secret), {
      issuer: key.issuer,
      algorithms: ["HS256"],
      requiredClaims: ["exp", "sub"],
    });
    const parsed = claims.safeParse(payload);
    return parsed.success ? { userId: parsed.data.sub, role: parsed.data.role } : undefined;
  } catch {
    return undefined;
  }
}
