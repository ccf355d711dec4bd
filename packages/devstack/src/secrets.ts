import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RUN_DIR } from "./services";

export interface LocalSecrets {
  appApiToken: string;
  daprApiToken: string;
  jwtSecret: string;
  adminPassword: string;
}

/** Random per-checkout secrets for local runs, kept in .run/secrets.json (mode 600, git-ignored). */
export function localSecrets(): LocalSecrets {
  const file = join(RUN_DIR, "secrets.json");
  if (existsSync(file)) {
    const known = JSON.parse(readFileSync(file, "utf8")) as Partial<LocalSecrets>;
    if (known.adminPassword) return known as LocalSecrets;
  }
  mkdirSync(RUN_DIR, { recursive: true });
  const secrets: LocalSecrets = {
    appApiToken: randomBytes(24).toString("base64url"),
    daprApiToken: randomBytes(24).toString("base64url"),
    jwtSecret: randomBytes(32).toString("base64url"),
    adminPassword: randomBytes(18).toString("base64url"),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
