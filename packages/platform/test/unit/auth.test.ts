import { randomUUID } from "node:crypto";
import { signAccessToken, signAdmissionPass, verifyAccessToken, verifyAdmissionPass } from "../../src/auth";

const key = { secret: "k".repeat(40), issuer: "concert-booking" };

describe("access tokens", () => {
  it("round-trips the principal", async () => {
    const userId = randomUUID();
    const token = await signAccessToken(key, { userId, role: "admin" }, 60);
    await expect(verifyAccessToken(key, token)).resolves.toEqual({ userId, role: "admin" });
  });

  it("refuses expired, foreign, tampered and malformed tokens", async () => {
    const userId = randomUUID();
    const expired = await signAccessToken(key, { userId, role: "user" }, -10);
    const foreign = await signAccessToken({ ...key, secret: "x".repeat(40) }, { userId, role: "user" }, 60);
    const otherIssuer = await signAccessToken({ ...key, issuer: "someone-else" }, { userId, role: "user" }, 60);
    const good = await signAccessToken(key, { userId, role: "user" }, 60);
    const [h, , s] = good.split(".");
    const promoted = Buffer.from(JSON.stringify({ sub: userId, role: "admin", iss: key.issuer, exp: 9_999_999_999 })).toString("base64url");
    for (const t of [expired, foreign, otherIssuer, `${h}.${promoted}.${s}`, "garbage", ""]) {
      await expect(verifyAccessToken(key, t)).resolves.toBeUndefined();
    }
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
    const access = await signAccessToken({ secret, issuer: "concert-booking" }, { userId: pass.userId, role: "user" }, 60);
    await expect(verifyAdmissionPass(secret, access)).resolves.toBeUndefined();
  });
});
