import { randomUUID } from "node:crypto";
import type { Logger } from "@concert/platform";
import type { DataSource } from "typeorm";
import { hashPassword } from "../domain/passwords";
import { User } from "./entities";

/** Creates the configured administrator once; an existing account is left as it is. */
export async function seedAdmin(ds: DataSource, log: Logger, email?: string, password?: string): Promise<void> {
  if (!email || !password) return;
  const result = await ds
    .createQueryBuilder()
    .insert()
    .into(User)
    .values({ id: randomUUID(), email: email.toLowerCase(), name: "Administrator", role: "admin", passwordHash: await hashPassword(password) })
    .orIgnore()
    .execute();
  if ((result.raw as { affectedRows: number }).affectedRows) log.info({ email }, "administrator created");
}
