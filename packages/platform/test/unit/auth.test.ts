import { generateKeyPairSync, randomUUID } from "node:crypto";
import { createLocalJWKSet, SignJWT } from "jose";
import {
  signAccessToken,
  signAdmissionPass,
  type TokenSigner,
  tokenSigner,
  type TokenVerifier,
  verifyAccessToken,
  verifyAdmissionPass,
} from "../../src/auth";

const ed25519Pem = () => generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const verifierOf = (signer: TokenSigner): TokenVerifier => ({ keys: createLocalJWKSet(signer.jwks), issuer: signer.issuer, audience: signer.audience });

describe("access tokens", () => {
  let signer: TokenSigner;
  let verifier: TokenVerifier;
  beforeAll(async () => {
    signer = await tokenSigner(ed25519Pem(), "concert-booking");
    verifier = verifierOf(signer);
  });

  it("are EdDSA with the key's id and an audience, and round-trip the principal with the public key only", async () => {
    const userId = randomUUID();
    const token = await signAccessToken(signer, { userId, role: "admin" }, 60);
    const header = JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString());
    expect(header).toMatchObject({ alg: "EdDSA", kid: signer.kid });
    expect(JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString())).toMatchObject({ aud: "concert-booking-api" });
    expect(signer.jwks.keys[0]).not.toHaveProperty("d"); // no private part in the published set
    await expect(verifyAccessToken(verifier, token)).resolves.toEqual({ userId, role: "admin" });
  });

  it("refuses expired, foreign, other-audience, HS256, tampered and malformed tokens", async () => {
    const userId = randomUUID();
    const expired = await signAccessToken(signer, { userId, role: "user" }, -10);
    const foreign = await signAccessToken({ ...(await tokenSigner(ed25519Pem(), "concert-booking")), kid: signer.kid }, { userId, role: "user" }, 60);
    const otherIssuer = await signAccessToken({ ...signer, issuer: "someone-else" }, { userId, role: "user" }, 60);
    const otherAudience = await signAccessToken({ ...signer, audience: "another-api" }, { userId, role: "user" }, 60);
    const symmetric = await new SignJWT({ role: "admin" })
      .setProtectedHeader({ alg: "HS256", kid: signer.kid })
      .setSubject(userId)
      .setIssuer(signer.issuer)
      .setAudience(signer.audience)
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("k".repeat(40)));
    const good = await signAccessToken(signer, { userId, role: "user" }, 60);
    const [h, , s] = good.split(".");
    const promoted = Buffer.from(JSON.stringify({ sub: userId, role: "admin", iss: signer.issuer, aud: signer.audience, exp: 9_999_999_999 })).toString("base64url");
    for (const t of [expired, foreign, otherIssuer, otherAudience, symmetric, `${h}.${promoted}.${s}`, "garbage", ""]) {
      await expect(verifyAccessToken(verifier, t)).resolves.toBeUndefined();
    }
  });

  it("needs an Ed25519 key", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    await expect(tokenSigner(rsa, "concert-booking")).rejects.toThrow(/Ed25519/);
  });
});

describe("admission passes", () => {
  const secret = "queue-pass-secret-for-unit-tests-0123456789";
  const pass = { userId: "7a7c1c2e-4a8e-4c55-9f7e-0d0f1a2b3c4d", concertId: "c0ffee00-0000-4000-8000-000000000001", token: "t-1" };

  it("vouches for the user, concert and token it was issued for, until it expires", async () => {
    const jwt = await signAdmissionPass(secret, pass, Date.now() + 30_000);
    await expect(verifyAdmissionPass(secret, jwt)).resolves.toEqual(pass);
  });

  it("is refused when expired, signed with another key, or an access token", async () => {
    await expect(verifyAdmissionPass(secret, await signAdmissionPass(secret, pass, Date.now() - 1_000))).resolves.toBeUndefined();
    await expect(verifyAdmissionPass(secret, await signAdmissionPass(`${secret}-other`, pass, Date.now() + 30_000))).resolves.toBeUndefined();
    const access = await signAccessToken(await tokenSigner(ed25519Pem(), "concert-booking"), { userId: pass.userId, role: "user" }, 60);
    await expect(verifyAdmissionPass(secret, access)).resolves.toBeUndefined();
  });
});
