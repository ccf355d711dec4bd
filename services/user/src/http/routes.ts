import { randomUUID } from "node:crypto";
import { loginRequest, signUpRequest, uuidParam } from "@concert/contracts";
import { isDuplicateKey, PRINCIPAL_HEADERS, problems, Router, signAccessToken, type TokenSigner, validate } from "@concert/platform";
import type { Context } from "koa";
import type { DataSource } from "typeorm";
import { hashPassword, passwordMatches } from "../domain/passwords";
import { User } from "../infra/entities";

const toView = (u: User) => ({ id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt.toISOString() });

/** The user service's internal API (sign-up, login, profile, the token keys), reached through Dapr. */
export function userRoutes(ds: DataSource, signer: TokenSigner, ttlSeconds: number): Router {
  const users = ds.getRepository(User);
  const router = new Router();

  /** The public keys access tokens are verified with (the gateway loads them). */
  router.get("/.well-known/jwks.json", (ctx) => {
    ctx.set("Cache-Control", "public, max-age=300");
    ctx.body = signer.jwks;
  });

  router.post("/users", async (ctx) => {
    const body = validate(signUpRequest, ctx.request.body);
    const user = users.create({ id: randomUUID(), email: body.email, name: body.name, role: "user", passwordHash: await hashPassword(body.password) });
    try {
      await users.insert(user);
    } catch (err) {
      if (isDuplicateKey(err)) throw problems.conflict("An account with this email already exists.");
      throw err;
    }
    ctx.status = 201;
    ctx.body = toView(await users.findOneByOrFail({ id: user.id }));
  });

  router.post("/auth/login", async (ctx) => {
    const { email, password } = validate(loginRequest, ctx.request.body);
    const user = await users.findOne({ where: { email }, select: { id: true, role: true, passwordHash: true } });
    if (!(await passwordMatches(password, user?.passwordHash))) throw problems.unauthorized("Wrong email or password.");
    ctx.body = {
      accessToken: await signAccessToken(signer, { userId: user!.id, role: user!.role }, ttlSeconds),
      tokenType: "Bearer",
      expiresIn: ttlSeconds,
    };
  });

  router.get("/users/:id", async (ctx) => {
    const id = validate(uuidParam, ctx.params.id, "path");
    assertSelfOrAdmin(ctx, id);
    const user = await users.findOneBy({ id });
    if (!user) throw problems.notFound(`User ${id}`);
    ctx.body = toView(user);
  });

  return router;
}

/** A user reaches only their own account; an admin reaches any. */
function assertSelfOrAdmin(ctx: Context, id: string): void {
  if (ctx.get(PRINCIPAL_HEADERS.role) === "admin") return;
  if (ctx.get(PRINCIPAL_HEADERS.userId) !== id) throw problems.notFound(`User ${id}`);
}
