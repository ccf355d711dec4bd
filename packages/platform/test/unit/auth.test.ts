import { randomUUID } from "node:crypto";
import { signAccessToken, verifyAccessToken } from "../../src/auth";

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
