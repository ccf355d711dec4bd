import { Algorithm, hash, verify } from "@node-rs/argon2";

/**
 * argon2id at OWASP's minimum (Password Storage Cheat Sheet: 19 MiB, 2 passes, 1 lane); the
 * library's defaults (4 MiB) are below it. A hash records its parameters, so older hashes still
 * verify.
 */
const PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, PARAMS);

/** A hash of nothing, verified when the email is unknown so both paths cost the same. */
let decoy: Promise<string> | undefined;

export async function passwordMatches(password: string, passwordHash: string | undefined): Promise<boolean> {
  decoy ??= hash("decoy-password-for-unknown-users", PARAMS);
  const ok = await verify(passwordHash ?? (await decoy), password).catch(() => false);
  return ok && passwordHash !== undefined;
}
