import { randomUUID } from "node:crypto";
import {
  admittedShopper,
  api,
  closePools,
  createConcertWithSchedule,
  GATEWAY,
  internal,
  queueStatus,
  seatMap,
  sql,
  startGatewayReplica,
  userToken,
  withQueue,
} from "../support/stack";

afterAll(closePools);

const email = () => `fan-${randomUUID().slice(0, 8)}@example.com`;

async function signUp(address = email(), password = "correct horse battery staple") {
  const r = await api("POST", "/api/users", { body: { email: address, password, name: "Fan" } });
  expect(r.status).toBe(201);
  const login = await api("POST", "/api/auth/login", { body: { email: address.toUpperCase(), password } });
  expect(login.status).toBe(200);
  return { id: r.body.id as string, token: login.body.accessToken as string, email: address };
}

function expectProblem(r: { status: number; headers: Headers; body: any }, status: number) {
  expect(r.status).toBe(status);
  expect(r.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(r.body.status).toBe(status);
}

describe("identity", () => {
  it("signs up, logs in and reads only its own profile; passwords are stored as argon2id hashes", async () => {
    const alice = await signUp();
    const me = await api("GET", "/api/me", { token: alice.token });
    expect(me.body).toMatchObject({ id: alice.id, email: alice.email, role: "user" });
    expect(JSON.stringify(me.body)).not.toMatch(/password/i);
    const [row] = await sql<{ password_hash: string }>("user", "SELECT password_hash FROM users WHERE id = ?", [alice.id]);
    // argon2id at OWASP's minimum parameters (19 MiB, 2 passes, 1 lane).
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const bob = await signUp();
    // Bob asks the user service for Alice's account: not his, so it does not exist for him.
    const peek = await internal("user", "GET", `/users/${alice.id}`, { userId: bob.id });
    expect(peek.status).toBe(404);
    expect((await internal("user", "GET", `/users/${alice.id}`, { userId: bob.id, role: "admin" })).status).toBe(200);
  });

  it("refuses a second account for an email, a wrong password, and sign-up as admin", async () => {
    const alice = await signUp();
    expectProblem(await api("POST", "/api/users", { body: { email: alice.email, password: "another long password", name: "A" } }), 409);
    expectProblem(await api("POST", "/api/auth/login", { body: { email: alice.email, password: "wrong password!" } }), 401);
    expectProblem(await api("POST", "/api/auth/login", { body: { email: email(), password: "whatever password" } }), 401);
    const admin = await api("POST", "/api/users", { body: { email: email(), password: "long enough pass", name: "X", role: "admin" } });
    expectProblem(admin, 400);
  });

  it("slows down password guessing: an account's log-ins are limited per minute (429 + Retry-After)", async () => {
    const alice = await signUp();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await api("POST", "/api/auth/login", { body: { email: alice.email, password: `guess number ${i}` } })).status);
    }
    // One log-in already succeeded in signUp(); the limit is 10 a minute per address and account.
    expect(statuses.slice(0, 9).every((s) => s === 401)).toBe(true);
    const limited = await api("POST", "/api/auth/login", { body: { email: alice.email, password: "correct horse battery staple" } });
    expectProblem(limited, 429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(statuses.at(-1)).toBe(429);
  });

  it("shares the log-in count between gateway replicas (Redis): spreading guesses over two gains nothing", async () => {
    const second = await startGatewayReplica(8_081);
    try {
      const alice = await signUp(`replicas-${randomUUID().slice(0, 8)}@example.com`);
      const statuses: number[] = [];
      // One log-in already counted in signUp(); 9 more, alternating, fill the 10 a minute.
      for (let i = 0; i < 9; i++) {
        const via = i % 2 === 0 ? api : second.api;
        statuses.push((await via("POST", "/api/auth/login", { body: { email: alice.email, password: `guess number ${i}` } })).status);
      }
      expect(statuses.every((s) => s === 401)).toBe(true);
      // Each replica alone has seen at most 5: only shared counters refuse the next one.
      expectProblem(await second.api("POST", "/api/auth/login", { body: { email: alice.email, password: "guess again" } }), 429);
      expectProblem(await api("POST", "/api/auth/login", { body: { email: alice.email, password: "guess again" } }), 429);
    } finally {
      await second.stop();
    }
  });

  it("takes the client address from the trusted proxy's hop of X-Forwarded-For only, and ignores the header without a proxy", async () => {
    const behindIngress = await startGatewayReplica(8_082, { TRUSTED_PROXY_HOPS: "1" });
    try {
      const alice = await signUp(`proxy-${randomUUID().slice(0, 8)}@example.com`);
      const guess = (via: typeof api, forwardedFor: string) =>
        via("POST", "/api/auth/login", { body: { email: alice.email, password: "a wrong guess" }, headers: { "x-forwarded-for": forwardedFor } });
      // The client writes any address first; the proxy appends the one it saw (10.9.0.1).
      for (let i = 0; i < 10; i++) expect((await guess(behindIngress.api, `203.0.113.${i}, 10.9.0.1`)).status).toBe(401);
      expectProblem(await guess(behindIngress.api, "198.51.100.7, 10.9.0.1"), 429);
      // Another client behind the same proxy is counted apart.
      expect((await guess(behindIngress.api, "10.9.0.2")).status).toBe(401);
      // Without a trusted proxy the header is ignored: the local gateway still sees 127.0.0.1,
      // whose count for this account signUp() and nothing else started.
      for (let i = 0; i < 9; i++) expect((await guess(api, `192.0.2.${i}`)).status).toBe(401);
      expectProblem(await guess(api, "192.0.2.99"), 429);
    } finally {
      await behindIngress.stop();
    }
  });

  it("counts log-ins per account however its email is spelt (case, accents): 429 all the same", async () => {
    const alice = await signUp(`limit-${randomUUID().slice(0, 8)}@example.com`);
    const [local, domain] = alice.email.split("@");
    const spellings = [alice.email.toUpperCase(), `${local!.replace("e", "é")}@${domain}`, `${local}@${domain!.toUpperCase()}`, ` ${alice.email}`];
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const email = spellings[i % spellings.length]!;
      statuses.push((await api("POST", "/api/auth/login", { body: { email, password: `guess number ${i}` } })).status);
    }
    expect(statuses).toContain(429);
    expect(statuses.at(-1)).toBe(429);
  });

  it.each([
    ["an invalid email", { email: "not-an-email", password: "long enough pass", name: "X" }],
    ["a short password", { email: "x@example.com", password: "short", name: "X" }],
    ["wrong types", { email: 1, password: true, name: [] }],
  ])("refuses sign-up with %s and creates nothing", async (_, body) => {
    const before = await sql<{ n: number }>("user", "SELECT COUNT(*) AS n FROM users");
    expectProblem(await api("POST", "/api/users", { body }), 400);
    expect(await sql<{ n: number }>("user", "SELECT COUNT(*) AS n FROM users")).toEqual(before);
  });

  it("a burst of deeply nested bodies is each caller's 4xx and trips no breaker: log-in still works for everyone", async () => {
    const fan = await signUp();
    const deep = "[".repeat(5_000) + "]".repeat(5_000);
    const deepInside = `{"email":"x@example.com","password":"long enough pass","extra":${deep}}`;
    for (const rawBody of [deep, deepInside, deep, deepInside, deep, deepInside, deep, deepInside]) {
      const r = await api("POST", "/api/auth/login", { rawBody, headers: { "content-type": "application/json" } });
      expect({ status: r.status, type: r.headers.get("content-type") }).toMatchObject({ status: expect.any(Number), type: expect.stringMatching(/problem\+json/) });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    const health = (await (await fetch(`${GATEWAY}/healthz`)).json()) as { breakers: Array<{ name: string; state: string; failures: number }> };
    expect(health.breakers.find((b) => b.name === "invoke:user")).toMatchObject({ state: "closed" });
    const login = await api("POST", "/api/auth/login", { body: { email: fan.email, password: "correct horse battery staple" } });
    expect(login.status).toBe(200);
  });
});

describe("ids are canonical", () => {
  it("an upper-case concert id joins the same queue as its lower-case form, not a new one", async () => {
    const { concert } = await createConcertWithSchedule();
    const token = await userToken();
    const lower = await api("POST", "/api/queue/tokens", { token, body: { concertId: concert.id } });
    expect([200, 201]).toContain(lower.status);
    const upper = await api("POST", "/api/queue/tokens", { token, body: { concertId: String(concert.id).toUpperCase() } });
    expect([200, 201]).toContain(upper.status);
    expect(upper.body.token).toBe(lower.body.token);
    const status = await api("GET", `/api/queue/tokens/current?concertId=${String(concert.id).toUpperCase()}`, { token });
    expect(status.body.token).toBe(lower.body.token);
  });
});

describe("reservations behind the queue", () => {
  it("an admitted user sees the seat map and holds seats, all or nothing", async () => {
    const { concert, schedule } = await createConcertWithSchedule([{ name: "G", rows: 1, seatsPerRow: 4, price: 30_000 }]);
    const alice = await admittedShopper(concert.id);
    const map = await seatMap(concert.id, schedule.id, alice);
    expect(map.available).toBe(4);

    const held = await api("POST", "/api/reservations", { ...withQueue(alice), body: { scheduleId: schedule.id, seatNumbers: ["G-1-1", "G-1-2"] } });
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({ status: "PENDING_PAYMENT", amount: 60_000, seatNumbers: ["G-1-1", "G-1-2"] });
    expect(new Date(held.body.holdExpiresAt).getTime()).toBeGreaterThan(Date.now());

    const bob = await admittedShopper(concert.id);
    const clash = await api("POST", "/api/reservations", { ...withQueue(bob), body: { scheduleId: schedule.id, seatNumbers: ["G-1-2", "G-1-3"] } });
    expectProblem(clash, 409);
    expect(clash.body).toMatchObject({ unavailableSeats: ["G-1-2"], instance: "/api/reservations" });
    const after = await seatMap(concert.id, schedule.id, bob);
    expect(after).toMatchObject({ available: 2, held: 2 });
  });

  it("lets an ACTIVE fan through on the queue's admission pass, and nobody else on it", async () => {
    const { concert, schedule } = await createConcertWithSchedule([{ name: "P", rows: 1, seatsPerRow: 4, price: 10_000 }]);
    const other = await createConcertWithSchedule([{ name: "Q", rows: 1, seatsPerRow: 2, price: 10_000 }]);
    const alice = await admittedShopper(concert.id);
    await seatMap(concert.id, schedule.id, alice);
    const status = await queueStatus(concert.id, alice);
    expect(status).toMatchObject({ status: "ACTIVE", pass: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) });
    expect(new Date(status.passExpiresAt).getTime()).toBeLessThanOrEqual(new Date(status.activeUntil).getTime());
    const withPass = (s: { token: string }, pass: string) => ({ token: s.token, headers: { "x-queue-token": pass } });

    const map = await api("GET", `/api/schedules/${schedule.id}/seats`, withPass(alice, status.pass));
    expect(map.status).toBe(200);
    const held = await api("POST", "/api/reservations", { ...withPass(alice, status.pass), body: { scheduleId: schedule.id, seatNumbers: ["P-1-1"] } });
    expect(held.status).toBe(201);

    // Someone else's pass, a pass for another concert, a forged one: 403 problems.
    const bob = await admittedShopper(concert.id);
    expectProblem(await api("GET", `/api/schedules/${schedule.id}/seats`, withPass(bob, status.pass)), 403);
    expectProblem(await api("GET", `/api/schedules/${other.schedule.id}/seats`, withPass(alice, status.pass)), 403);
    const [header, claims] = status.pass.split(".");
    const forged = `${header}.${claims}.${Buffer.from("not the queue's signature").toString("base64url")}`;
    expectProblem(await api("GET", `/api/schedules/${schedule.id}/seats`, withPass(alice, forged)), 403);
  });

  it("refuses bad reservation input with 4xx problem+json and holds nothing", async () => {
    const { concert, schedule } = await createConcertWithSchedule([{ name: "H", rows: 1, seatsPerRow: 3, price: 1 }]);
    const s = await admittedShopper(concert.id);
    const cases: Array<[number, unknown]> = [
      [404, { scheduleId: randomUUID(), seatNumbers: ["H-1-1"] }],
      [400, { scheduleId: schedule.id, seatNumbers: [] }],
      [400, { scheduleId: schedule.id, seatNumbers: ["H-1-1", "H-1-1"] }],
      [400, { scheduleId: schedule.id, seatNumbers: "H-1-1" }],
      [400, { scheduleId: 7, seatNumbers: [1] }],
      [400, { scheduleId: schedule.id, seatNumbers: ["H-1-1"], price: 0 }],
    ];
    for (const [status, body] of cases) expectProblem(await api("POST", "/api/reservations", { ...withQueue(s), body }), status);
    const tenThousand = Array.from({ length: 10_000 }, (_, i) => `H-1-${i}`);
    const big = await api("POST", "/api/reservations", { ...withQueue(s), body: { scheduleId: schedule.id, seatNumbers: tenThousand } });
    expect([400, 413]).toContain(big.status);
    expectProblem(big, big.status);
    expect((await seatMap(concert.id, schedule.id, s)).available).toBe(3);
  });

  it("needs a valid access token for the seat map, the queue and reservations", async () => {
    const { schedule } = await createConcertWithSchedule([{ name: "J", rows: 1, seatsPerRow: 1, price: 1 }]);
    expectProblem(await api("GET", `/api/schedules/${schedule.id}/seats`), 401);
    expectProblem(await api("POST", "/api/reservations", { body: { scheduleId: schedule.id, seatNumbers: ["J-1-1"] } }), 401);
    expectProblem(await api("GET", `/api/schedules/${schedule.id}/seats`, { token: "not.a.jwt" }), 401);
    expectProblem(await api("GET", "/api/me"), 401);
  });
});
