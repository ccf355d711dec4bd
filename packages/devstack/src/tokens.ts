import { signAccessToken } from "@concert/platform";
import { localSecrets } from "./secrets";

/** Signs an access token the local gateway accepts, exactly as the user service does. */
export function signToken(sub: string, role: "user" | "admin", ttlSeconds = 3600): Promise<string> {
  return signAccessToken({ secret: localSecrets().jwtSecret, issuer: "concert-booking" }, { userId: sub, role }, ttlSeconds);
}
