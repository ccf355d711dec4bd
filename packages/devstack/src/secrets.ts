import { createHmac, generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RUN_DIR } from "./services";

export interface LocalSecrets {
  /** The key each app's own app token is derived from (`tokensOf`); never given to an app. */
  appApiToken: string;
  /** The key each app's own Dapr API token is derived from (`tokensOf`); never given to an app. */
  daprApiToken: string;
  /** The user service's Ed25519 access-token key (PKCS#8 PEM); the gateway gets only its public half. */
  jwtPrivateKey: string;
  adminPassword: string;
  /** The queue's admission-pass key, shared with the gateway only. */
  queuePassSecret: string;
}

const generators: Record<keyof LocalSecrets, () => string> = {
  appApiToken: () => randomBytes(24).toString("base64url"),
  daprApiToken: () => randomBytes(24).toString("base64url"),
  jwtPrivateKey: () => generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  adminPassword: () => randomBytes(18).toString("base64url"),
  queuePassSecret: () => randomBytes(32).toString("base64url"),
};

/**
 * Random per-checkout secrets for local runs, kept in .run/secrets.json (mode 600, git-ignored).
 * A secret added since the file was written is generated and added; the others are kept.
 */
export function localSecrets(): LocalSecrets {
  const file = join(RUN_DIR, "secrets.json");
  const known = (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {}) as Partial<LocalSecrets>;
  const missing = (Object.keys(generators) as Array<keyof LocalSecrets>).filter((k) => !known[k]);
  if (!missing.length) return known as LocalSecrets;
  for (const k of missing) known[k] = generators[k]();
  mkdirSync(RUN_DIR, { recursive: true });
  writeFileSync(file, JSON.stringify(known, null, 2), { mode: 0o600 });
  return known as LocalSecrets;
}

/**
 * One app's own tokens: the one its sidecar sends to it (APP_API_TOKEN) and the one it sends to
 * its sidecar (DAPR_API_TOKEN), derived from the checkout's keys. Each app holds only its own, so
 * a process that has one app's tokens reaches neither another app's port nor its sidecar.
 */
export function tokensOf(app: string): { appApiToken: string; daprApiToken: string } {
  const secrets = localSecrets();
  const derive = (key: string) => createHmac("sha256", key).update(app).digest("base64url");
  return { appApiToken: derive(secrets.appApiToken), daprApiToken: derive(secrets.daprApiToken) };
}
