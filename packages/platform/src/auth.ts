import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { calculateJwkThumbprint, type JSONWebKeySet, type JWK, jwtVerify, type JWTVerifyGetKey, SignJWT } from "jose";
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

/** Who access tokens are for: the public API behind the gateway. */
export const ACCESS_TOKEN_AUDIENCE = "concert-booking-api";

/**
 * The user service's signing key for access tokens: Ed25519 (EdDSA). Only the user service holds
 * the private key; the gateway verifies with the public key, published as a JWKS, so a
 * compromised gateway cannot mint tokens.
 */
export interface TokenSigner {
  privateKey: KeyObject;
  kid: string;
  issuer: string;
  audience: string;
  /** The public half, as served at /.well-known/jwks.json. */
  jwks: JSONWebKeySet;
}

export async function tokenSigner(privateKeyPem: string, issuer: string, audience = ACCESS_TOKEN_AUDIENCE): Promise<TokenSigner> {
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error("the access-token key must be an Ed25519 private key (PKCS#8 PEM)");
  const jwk = createPublicKey(privateKey).export({ format: "jwk" }) as JWK;
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, kid, issuer, audience, jwks: { keys: [{ ...jwk, kid, alg: "EdDSA", use: "sig" }] } };
}

/** A short-lived access token carrying the user id (sub) and role. */
export async function signAccessToken(signer: TokenSigner, principal: Principal, ttlSeconds: number): Promise<string> {
  return new SignJWT({ role: principal.role })
    .setProtectedHeader({ alg: "EdDSA", typ: "JWT", kid: signer.kid })
    .setSubject(principal.userId)
    .setIssuer(signer.issuer)
    .setAudience(signer.audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(signer.privateKey);
}

/** What verifies access tokens: the signer's public keys (a JWKS), its issuer and the audience. */
export interface TokenVerifier {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
}

/** The principal of a valid token, or undefined for a bad, foreign, tampered or expired one. */
export async function verifyAccessToken(verifier: TokenVerifier, token: string): Promise<Principal | undefined> {
  try {
    const { payload } = await jwtVerify(token, verifier.keys, {
      issuer: verifier.issuer,
      audience: verifier.audience,
      algorithms: ["EdDSA"],
      requiredClaims: ["exp", "sub", "aud"],
    });
    const parsed = claims.safeParse(payload);
    return parsed.success ? { userId: parsed.data.sub, role: parsed.data.role } : undefined;
  } catch {
    return undefined;
  }
}

const keyOf = (secret: string) => new TextEncoder().encode(secret);

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
