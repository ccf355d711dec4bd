import { signAccessToken, type TokenSigner, tokenSigner } from "@concert/platform";
import { localSecrets } from "./secrets";

let signer: Promise<TokenSigner> | undefined;

/** Signs an access token the local gateway accepts, exactly as the user service does (its local key). */
export async function signToken(sub: string, role: "user" | "admin", ttlSeconds = 3600): Promise<string> {
  signer ??= tokenSigner(localSecrets().jwtPrivateKey, "concert-booking");
  return signAccessToken(await signer, { userId: sub, role }, ttlSeconds);
}
