import { appEnv, dbAccountOf, INFRA, localSecrets, SERVICES, serviceSpec, signToken, tokensOf } from "@concert/devstack";
import { createPrivateKey, generateKeyPairSync, randomUUID } from "node:crypto";
import { type KeyLike, SignJWT } from "jose";
import { ReservationCompleted, SeatsReleased } from "@concert/contracts";
import { allowed, localPubsubScopes } from "../support/pubsub-scopes";
import { createConnection } from "mysql2/promise";
import { adminToken, api, appToken, internal, sidecarOf, sql, userToken } from "../support/stack";

const body = { title: "Auth", venue: "Hall" };

describe("who may call what", () => {
  it("refuses admin routes without a token, with a tampered or foreign token, and to plain users", async () => {
    expect((await api("POST", "/api/admin/concerts", { body })).status).toBe(401);

    const good = await adminToken();
    const [h, p, s] = good.split(".");
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString());
    const forged = [h, Buffer.from(JSON.stringify({ ...claims, role: "admin", sub: randomUUID() })).toString("base64url"), s].join(".");
    const tampered = await api("POST", "/api/admin/concerts", { body, token: forged });
    expect(tampered.status).toBe(401);
    expect(tampered.body).toMatchObject({ type: "/problems/unauthorized" });

    const foreign = await new SignJWT({ role: "admin" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(randomUUID())
      .setIssuer("concert-booking")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("a-different-secret-of-enough-length-000"));
    expect((await api("POST", "/api/admin/concerts", { body, token: foreign })).status).toBe(401);

    const expired = await signToken(randomUUID(), "admin", -60);
    expect((await api("POST", "/api/admin/concerts", { body, token: expired })).status).toBe(401);

    const user = await api("POST", "/api/admin/concerts", { body, token: await userToken() });
    expect(user.status).toBe(403);
    expect(user.body).toMatchObject({ type: "/problems/forbidden" });
  });

  it("access tokens are EdDSA from the user service: the gateway has only its public key, and refuses another key or audience", async () => {
    const jwks = await internal("user", "GET", "/.well-known/jwks.json");
    expect(jwks.status).toBe(200);
    const [published] = jwks.body.keys as Array<Record<string, string>>;
    expect(published).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig", kid: expect.any(String) });
    expect(published).not.toHaveProperty("d");
    // The gateway's own environment holds no signing key at all.
    expect(Object.keys(serviceSpec("gateway").env?.(localSecrets()) ?? {}).filter((k) => /JWT|SIGN/.test(k))).toEqual([]);

    const token = await adminToken();
    expect(JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString())).toMatchObject({ alg: "EdDSA", kid: published!.kid });
    expect((await api("POST", "/api/admin/concerts", { token, body })).status).toBe(201);

    const sign = (claims: Record<string, unknown>, key: KeyLike = generateKeyPairSync("ed25519").privateKey) =>
      new SignJWT({ role: "admin", ...claims })
        .setProtectedHeader({ alg: "EdDSA", kid: published!.kid })
        .setSubject(randomUUID())
        .setIssuer("concert-booking")
        .setExpirationTime("1h")
        .sign(key);
    const otherKey = await sign({ aud: "concert-booking-api" });
    expect((await api("POST", "/api/admin/concerts", { token: otherKey, body })).status).toBe(401);
    const ownKey = createPrivateKey(localSecrets().jwtPrivateKey);
    expect((await api("POST", "/api/admin/concerts", { token: await sign({ aud: "concert-booking-api" }, ownKey), body })).status).toBe(201);
    expect((await api("POST", "/api/admin/concerts", { token: await sign({ aud: "another-api" }, ownKey), body })).status).toBe(401);
    expect((await api("POST", "/api/admin/concerts", { token: await sign({}, ownKey), body })).status).toBe(401);
  });

  it("internal services answer only their own sidecar (app API token)", async () => {
    const concert = `http://127.0.0.1:${serviceSpec("concert").appPort}`;
    const direct = await fetch(`${concert}/concerts`);
    expect(direct.status).toBe(401);
    expect(direct.headers.get("content-type")).toMatch(/problem\+json/);
    const wrong = await fetch(`${concert}/concerts`, { headers: { "dapr-api-token": "x".repeat(32) } });
    expect(wrong.status).toBe(401);
    // Probes stay open for the platform.
    expect((await fetch(`${concert}/healthz`)).status).toBe(200);
  });

  it("each app holds only its own tokens: the gateway's reach neither the wallet's port nor the wallet's sidecar", async () => {
    const gateway = appEnv(serviceSpec("gateway"));
    const wallet = appEnv(serviceSpec("wallet"));
    expect(gateway.APP_API_TOKEN).not.toBe(wallet.APP_API_TOKEN);
    expect(gateway.DAPR_API_TOKEN).not.toBe(wallet.DAPR_API_TOKEN);
    const path = `/wallets/${randomUUID()}`;
    const asUser = { "x-user-id": randomUUID(), "x-user-role": "user" };
    // The wallet's port takes its own sidecar's token, not the gateway's.
    const port = `http://127.0.0.1:${serviceSpec("wallet").appPort}`;
    expect((await fetch(`${port}${path}`, { headers: { ...asUser, "dapr-api-token": gateway.APP_API_TOKEN! } })).status).toBe(401);
    expect((await fetch(`${port}${path}`, { headers: { ...asUser, "dapr-api-token": wallet.APP_API_TOKEN! } })).status).not.toBe(401);
    // The wallet's sidecar takes the wallet's Dapr API token, not the gateway's.
    const sidecar = `http://127.0.0.1:${serviceSpec("wallet").daprHttpPort}/v1.0/invoke/wallet/method${path}`;
    expect((await fetch(sidecar, { headers: { ...asUser, "dapr-api-token": gateway.DAPR_API_TOKEN! } })).status).toBe(401);
    expect((await fetch(sidecar, { headers: { ...asUser, "dapr-api-token": wallet.DAPR_API_TOKEN! } })).status).not.toBe(401);
  });

  it("Dapr's access control: an app invokes only what it is granted, on its mTLS identity", async () => {
    const id = randomUUID();
    const asUser = { "x-user-id": id, "x-user-role": "user", "content-type": "application/json" };
    const invoke = async (caller: string, app: string, method: string, path: string) => {
      const res = await fetch(`http://127.0.0.1:${serviceSpec(caller).daprHttpPort}/v1.0/invoke/${app}/method${path}`, {
        method,
        headers: { ...asUser, "dapr-api-token": tokensOf(caller).daprApiToken },
        body: method === "GET" ? undefined : "{}",
      });
      return { caller, call: `${method} ${app}${path}`, status: res.status, text: await res.text() };
    };
    const denied = { status: 403, text: expect.stringMatching(/denied access/i) };
    // Never made by the gateway: refused by the callee's sidecar whatever the gateway's tokens.
    for (const [app, method, path] of [["wallet", "POST", `/payments/${id}/refund`], ["seat", "POST", "/holds"], ["queue", "POST", "/internal/tokens/expire"]]) {
      expect(await invoke("gateway", app!, method!, path!)).toMatchObject(denied);
    }
    // Nor by the ranking service; the wallet read is the gateway's own call and passes.
    expect(await invoke("ranking", "wallet", "GET", `/wallets/${id}`)).toMatchObject(denied);
    expect(await invoke("gateway", "wallet", "GET", `/wallets/${id}`)).toMatchObject({ status: 200 });
    // The saga's wallet call passes the policy (the wallet itself then answers for the payment).
    expect((await invoke("reservation", "wallet", "POST", `/payments/${id}/refund`)).text).not.toMatch(/denied access/i);
  });

  it("each service reaches MySQL as its own user, with rights on its own database only", async () => {
    const databases = SERVICES.filter((s) => s.database).map((s) => s.name);
    expect(databases.length).toBeGreaterThanOrEqual(8);
    // Who the running services are connected as, per database (the operator's test account aside).
    const sessions = await sql<{ user: string; db: string }>("information_schema", "SELECT DISTINCT user, db FROM information_schema.processlist WHERE db IS NOT NULL AND user <> ?", [INFRA.dbUser]);
    for (const db of databases) expect({ db, users: sessions.filter((s) => s.db === db).map((s) => s.user) }).toEqual({ db, users: [db] });
    expect(sessions.filter((s) => s.db === "dapr_state").map((s) => s.user)).toEqual(["reservation"]);
    // One service's account cannot read another's database.
    const seat = await createConnection({ host: "127.0.0.1", port: INFRA.mariadbPort, ...dbAccountOf("seat"), database: "seat" });
    try {
      await expect(seat.query("SELECT COUNT(*) FROM wallet.wallets")).rejects.toThrow(/denied/i);
      await expect(seat.query("SELECT COUNT(*) FROM dapr_state.reservations")).rejects.toThrow(/denied/i);
      await expect(seat.query("SELECT COUNT(*) FROM seats")).resolves.toBeDefined();
    } finally {
      await seat.end();
    }
  });

  it("each service reports readiness of its database and sidecar", async () => {
    for (const name of ["concert", "seat", "user", "queue", "gateway"]) {
      const r = await fetch(`http://127.0.0.1:${serviceSpec(name).appPort}/readyz`);
      expect(r.status).toBe(200);
      const checks = ((await r.json()) as { checks: Record<string, string> }).checks;
      expect(Object.values(checks).every((s) => s === "up")).toBe(true);
      expect(checks.sidecar).toBe("up");
    }
  });

  it("a sidecar refuses to publish an event its app does not own (a forged ReservationCompleted, a SeatsReleased)", async () => {
    const forged = { reservationId: randomUUID(), userId: randomUUID(), amount: 0 };
    for (const [app, event] of [["gateway", ReservationCompleted], ["wallet", ReservationCompleted], ["concert", SeatsReleased]] as const) {
      const res = await sidecarOf(app).pubsub.publish("pubsub", event.topic, forged, { metadata: { "cloudevent.type": event.type } });
      expect({ app, topic: event.topic, refused: String(res.error ?? "") }).toMatchObject({ refused: expect.stringMatching(/ERR_PUBSUB_FORBIDDEN|forbidden|not allowed/i) });
    }
  });

  it("every subscription an app declares is granted by the pub/sub component's scopes", async () => {
    const scopes = localPubsubScopes();
    const withSidecar = SERVICES.filter((s) => s.sidecar !== false);
    let declared = 0;
    for (const service of withSidecar) {
      const res = await fetch(`http://127.0.0.1:${service.appPort}/dapr/subscribe`, { headers: { "dapr-api-token": appToken(service.name) } });
      const subscriptions = res.status === 404 ? [] : ((await res.json()) as Array<{ topic: string }>);
      for (const { topic } of subscriptions) {
        declared++;
        expect({ app: service.name, topic, granted: allowed(scopes, scopes.subscription, service.name, topic) }).toMatchObject({ granted: true });
      }
    }
    expect(declared).toBeGreaterThan(10);
  });
});

