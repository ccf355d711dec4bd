import { SignJWT } from "jose";
import { localSecrets } from "./secrets";

/** Signs an access token the local gateway accepts, as the user service will (issuer, HS256). */
export async function signToken(sub: string, role: "user" | "admin", ttlSeconds = 3600): Promise<string> {
  return new SignJWT({ role })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setIssuer("concert-booking")
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(localSecrets().jwtSecret));
}
