import { jwtVerify, SignJWT } from "jose";
import { z } from "zod";

export type Role = "user" | "admin";

export interface Principal {
  userId: string;
  role: Role;
}

/** Who is calling an internal service: set by the gateway from a verified token. */
export const PRINCIPAL_HEADERS = { userId: "x-user-id", role: "x-user-role" } as const;

/** Gateway -> reservation: the id of the queue token that let the request through. */
export const QUEUE_TOKEN_ID_HEADER = "x-queue-token-id";

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

/**
 * An admission pass: the queue service's signed word that this user's queue token for this
 * concert is ACTIVE, until the pass expires (at most the token's own expiry). The gateway checks
 * it locally on every request behind the queue, instead of asking the queue each time (the
 * signed-cookie design of AWS's Virtual Waiting Room). Signed with a key only the queue and the
 * gateway hold, distinct from the access-token key.
 */
export interface AdmissionPass {
  userId: string;
  concertId: string;
  /** The queue token it was issued for. */
  token: string;
}

const PASS = { issuer: "concert-booking-queue", audience: "concert-booking-gateway", typ: "queue-pass+jwt" } as const;
const passClaims = z.object({ sub: z.string(), cid: z.string(), tid: z.string() });

export function signAdmissionPass(secret: string, pass: AdmissionPass, expiresAtMs: number): Promise<string> {
  return new SignJWT({ cid: pass.concertId, tid: pass.token })
    .setProtectedHeader({ alg: "HS256", typ: PASS.typ })
    .setSubject(pass.userId)
    .setIssuer(PASS.issuer)
    .setAudience(PASS.audience)
    .setExpirationTime(Math.floor(expiresAtMs / 1000))
    .sign(keyOf(secret));
}

/** The pass's claims when it is authentic and unexpired; undefined otherwise. */
export async function verifyAdmissionPass(secret: string, jwt: string): Promise<AdmissionPass | undefined> {
  try {
    const { payload } = await jwtVerify(jwt, keyOf(secret), {
      issuer: PASS.issuer,
      audience: PASS.audience,
      typ: PASS.typ,
      algorithms: ["HS256"],
      requiredClaims: ["exp", "sub"],
    });
    const parsed = passClaims.safeParse(payload);
    return parsed.success ? { userId: parsed.data.sub, concertId: parsed.data.cid, token: parsed.data.tid } : undefined;
  } catch {
    return undefined;
  }
}
