import { hash, verify } from "@node-rs/argon2";

/** argon2id with the library's defaults (OWASP's recommended memory/time cost). */
export const hashPassword = (password: string): Promise<string> => hash(password);

/** A hash of nothing, verified when the email is unknown so both paths cost the same. */
let decoy: Promise<string> | undefined;

export async function passwordMatches(password: string, passwordHash: string | undefined): Promise<boolean> {
  decoy ??= hash("decoy-password-for-unknown-users");
  const ok = await verify(passwordHash ?? (await decoy), password).catch(() => false);
  return ok && passwordHash !== undefined;
}
