import { randomUUID } from "node:crypto";
import { eventually } from "../support/stack";
import { api, GATEWAY, kubectl, NAMESPACE, pods, run, serviceGet, tail, ZIPKIN } from "./support";

/**
 * The system on a real single-node Kubernetes built on this machine (scripts/k8s.sh, started by
 * scripts/test.sh): installed by Helm the way a user installs it (scripts/k8s-deploy.sh), every
 * pod Ready with its sidecar in a Pod Security `restricted` namespace, a booking and a cancellation
 * through the gateway's Service with everything that follows them, the trace in Zipkin, an
 * upgrade to the production values, and `helm uninstall` leaving nothing behind. The tests run
 * in order: each builds on the release the previous one left.
 */
const DAPR_APPS = ["concert", "dataplatform", "gateway", "mypage", "notification", "queue", "ranking", "reservation", "seat", "user", "waitlist", "wallet", "web"];
const MINUTE = 60_000;

function deploy(...args: string[]) {
  const r = run("scripts/k8s-deploy.sh", args, 25 * MINUTE);
  if (r.status !== 0) throw new Error(`scripts/k8s-deploy.sh ${args.join(" ")} failed:\n${tail(r.output)}`);
  return r.output;
}

function expectEveryPodReadyWithItsSidecar() {
  const all = pods(NAMESPACE);
  expect(all.filter((p) => !p.ready).map((p) => p.name)).toEqual([]);
  const withSidecar = all.filter((p) => p.containers.some((c) => c.name === "daprd" && c.ready)).map((p) => p.app);
  expect([...new Set(withSidecar)].sort()).toEqual(DAPR_APPS);
  expect(pods("dapr-system").filter((p) => !p.ready).map((p) => p.name)).toEqual([]);
}

const booked: { concertId?: string; traceId?: string } = {};

describe("the system on a single-node Kubernetes", () => {
  it("installs with Helm and the kind values: every pod Ready, every service with its Dapr sidecar", () => {
    const output = deploy();
    expect(output).toContain("every pod Ready");
    expect(kubectl("get", "namespace", NAMESPACE).metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "restricted" });
    expectEveryPodReadyWithItsSidecar();
    // The app containers hold no Kubernetes API token: the Dapr operator resolves secrets.
    const spec = kubectl("get", "deployment", "wallet", "-n", NAMESPACE).spec.template.spec;
    expect(spec.automountServiceAccountToken).toBe(false);
  }, 30 * MINUTE);

  it("books and cancels through the gateway's Service, and everything that follows the booking arrives", async () => {
    const admin = await api("POST", "/api/auth/login", { body: { email: "admin@concert.local", password: "kind-admin-password" } });
    expect(admin.status).toBe(200);
    const adminToken = admin.body.accessToken as string;
    const concert = await api("POST", "/api/admin/concerts", { token: adminToken, body: { title: `Cluster ${randomUUID().slice(0, 8)}`, venue: "KSPO Dome" } });
    expect(concert.status).toBe(201);
    const schedule = await api("POST", `/api/admin/concerts/${concert.body.id}/schedules`, {
      token: adminToken,
      body: { startsAt: "2031-03-01T19:00:00+09:00", bookingOpensAt: new Date(Date.now() - MINUTE).toISOString(), sections: [{ name: "VIP", rows: 1, seatsPerRow: 4, price: 150_000 }] },
    });
    expect(schedule.status).toBe(201);
    booked.concertId = concert.body.id;
    booked.traceId = schedule.headers.get("x-trace-id") ?? undefined;

    const email = `fan-${randomUUID().slice(0, 8)}@example.com`;
    expect((await api("POST", "/api/users", { body: { email, password: "correct horse battery", name: "Fan" } })).status).toBe(201);
    const login = await api("POST", "/api/auth/login", { body: { email, password: "correct horse battery" } });
    expect(login.status).toBe(200);
    const token = login.body.accessToken as string;

    const joined = await api("POST", "/api/queue/tokens", { token, body: { concertId: concert.body.id } });
    expect(joined.status).toBe(201);
    const gate = { token, headers: { "x-queue-token": joined.body.token as string } };
    await eventually(async () => {
      const r = await api("GET", `/api/queue/tokens/current?concertId=${concert.body.id}`, { token });
      return r.body?.status === "ACTIVE" ? true : undefined;
    }, MINUTE, "admission from the queue");
    const map = await eventually(async () => {
      const r = await api("GET", `/api/schedules/${schedule.body.id}/seats`, gate);
      return r.status === 200 && r.body.total === 4 ? r.body : undefined;
    }, 2 * MINUTE, "the seat map built from ScheduleCreated through Kafka");
    expect(map.available).toBe(4);

    expect((await api("POST", "/api/me/wallet/charges", { token, body: { amount: 500_000 }, headers: { "idempotency-key": randomUUID() } })).status).toBe(201);
    const held = await api("POST", "/api/reservations", { ...gate, body: { scheduleId: schedule.body.id, seatNumbers: ["VIP-1-1", "VIP-1-2"] } });
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({ status: "PENDING_PAYMENT", amount: 300_000 });
    const id = held.body.reservationId as string;

    const paid = await api("POST", `/api/reservations/${id}/payment`, { token, headers: { "idempotency-key": randomUUID() } });
    expect([200, 202]).toContain(paid.status);
    await eventually(async () => ((await api("GET", `/api/reservations/${id}`, { token })).body?.status === "CONFIRMED" ? true : undefined), MINUTE, "CONFIRMED");
    expect((await api("GET", "/api/me/wallet", { token })).body.balance).toBe(200_000);

    const myPage = async (status: string) =>
      eventually(async () => {
        const items = (await api("GET", "/api/me/reservations", { token })).body.items as Array<{ reservationId: string; status: string }>;
        return items.find((r) => r.reservationId === id && r.status === status);
      }, 2 * MINUTE, `my page showing ${status}`);
    const notice = async (kind: string) =>
      eventually(async () => {
        const items = (await api("GET", "/api/me/notifications", { token })).body.items as Array<{ reservationId: string; kind: string }>;
        return items.find((n) => n.reservationId === id && n.kind === kind);
      }, 2 * MINUTE, `a ${kind} notice`);
    const delivered = async (key: string) =>
      eventually(async () => (serviceGet<{ keys: string[] }>("mock-dataplatform", 4080, "/admin/received").keys.includes(key) ? true : undefined), 2 * MINUTE, `${key} at the data platform`);
    // The operator's sale console counts it (the sales read model in ranking, the queue's line).
    await eventually(async () => {
      const c = await api("GET", `/api/admin/schedules/${schedule.body.id}/console`, { token: adminToken });
      return c.status === 200 && c.body.sold === 2 && c.body.revenue === 300_000 && c.body.queue !== null ? true : undefined;
    }, 2 * MINUTE, "the sale console counting the booking");
    await myPage("CONFIRMED");
    await notice("confirmed");
    await delivered(`${id}:completed`);

    const cancelled = await api("DELETE", `/api/reservations/${id}`, { token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "CANCELLED", refundedAmount: 300_000 });
    expect((await api("GET", "/api/me/wallet", { token })).body.balance).toBe(500_000);
    await myPage("CANCELLED");
    await notice("cancelled");
    await delivered(`${id}:cancelled`);
    const after = await api("GET", `/api/schedules/${schedule.body.id}/seats`, gate);
    expect(after.status === 200 ? after.body.available : 4).toBe(4);
  }, 10 * MINUTE);

  it("offers a sold-out schedule's cancelled seat to its waiting list, and the claim is a reservation", async () => {
    const admin = await api("POST", "/api/auth/login", { body: { email: "admin@concert.local", password: "kind-admin-password" } });
    const adminToken = admin.body.accessToken as string;
    const concert = await api("POST", "/api/admin/concerts", { token: adminToken, body: { title: `Sold out ${randomUUID().slice(0, 8)}`, venue: "KSPO Dome" } });
    const schedule = await api("POST", `/api/admin/concerts/${concert.body.id}/schedules`, {
      token: adminToken,
      body: { startsAt: "2031-03-02T19:00:00+09:00", bookingOpensAt: new Date(Date.now() - MINUTE).toISOString(), sections: [{ name: "S", rows: 1, seatsPerRow: 1, price: 50_000 }] },
    });
    expect(schedule.status).toBe(201);
    const fan = async () => {
      const email = `fan-${randomUUID().slice(0, 8)}@example.com`;
      await api("POST", "/api/users", { body: { email, password: "correct horse battery", name: "Fan" } });
      return (await api("POST", "/api/auth/login", { body: { email, password: "correct horse battery" } })).body.accessToken as string;
    };
    const [buyer, waiting] = [await fan(), await fan()];

    const joined = await api("POST", "/api/queue/tokens", { token: buyer, body: { concertId: concert.body.id } });
    const gate = { token: buyer, headers: { "x-queue-token": joined.body.token as string } };
    const held = await eventually(async () => {
      const r = await api("POST", "/api/reservations", { ...gate, body: { scheduleId: schedule.body.id, seatNumbers: ["S-1-1"] } });
      return r.status === 201 ? r : undefined;
    }, 2 * MINUTE, "the only seat held");
    await api("POST", "/api/me/wallet/charges", { token: buyer, body: { amount: 50_000 }, headers: { "idempotency-key": randomUUID() } });
    await api("POST", `/api/reservations/${held.body.reservationId}/payment`, { token: buyer, headers: { "idempotency-key": randomUUID() } });
    const id = held.body.reservationId as string;
    await eventually(async () => ((await api("GET", `/api/reservations/${id}`, { token: buyer })).body?.status === "CONFIRMED" ? true : undefined), MINUTE, "CONFIRMED");

    const entry = await api("POST", `/api/schedules/${schedule.body.id}/waiting-list`, { token: waiting, body: { seatCount: 1 } });
    expect(entry.status).toBe(201);
    expect(entry.body).toMatchObject({ status: "WAITING", position: 1 });
    expect((await api("DELETE", `/api/reservations/${id}`, { token: buyer })).body.status).toBe("CANCELLED");
    const offered = await eventually(async () => {
      const r = await api("GET", `/api/schedules/${schedule.body.id}/waiting-list/me`, { token: waiting });
      return r.body?.status === "OFFERED" ? r.body : undefined;
    }, 2 * MINUTE, "the seat offered to the first in line");
    expect(offered.offer.seatNumbers).toEqual(["S-1-1"]);
    const claimed = await api("POST", `/api/waiting-list/offers/${offered.offer.offerId}/claim`, { token: waiting });
    expect(claimed.status).toBe(201);
    expect(claimed.body).toMatchObject({ status: "PENDING_PAYMENT", seatNumbers: ["S-1-1"] });
    await eventually(async () => {
      const items = (await api("GET", "/api/me/notifications", { token: waiting })).body.items as Array<{ kind: string }>;
      return items.some((n) => n.kind === "offered") ? true : undefined;
    }, 2 * MINUTE, "the offer's notice");
  }, 5 * MINUTE);

  it("serves the web app through the gateway's Service: the page, and its assets precompressed", async () => {
    // The first call to the web app: every sidecar crash-loops a few times while the control
    // plane starts, and a web sidecar restarted late in the install can take a moment to be
    // reachable from the gateway's (a 503 problem meanwhile, as a browser would see and retry).
    const page = await eventually(async () => {
      const r = await fetch(`${GATEWAY}/book/${randomUUID()}`);
      return r.status === 503 ? undefined : r;
    }, MINUTE, "the web app reachable through the gateway");
    expect([page.status, page.headers.get("content-type")]).toEqual([200, "text/html; charset=utf-8"]);
    const script = (await page.text()).match(/\/assets\/[\w.-]+\.js/)?.[0];
    const asset = await fetch(`${GATEWAY}${script}`, { headers: { "accept-encoding": "br" } });
    expect([asset.status, asset.headers.get("content-encoding")]).toEqual([200, "br"]);
  }, MINUTE);

  it("inside the cluster a pod reaches only what it is granted: Dapr's access control, each app's own tokens, no secrets", () => {
    // As a compromised gateway would: from inside its container, with its own tokens.
    const gateway = pods(NAMESPACE).find((p) => p.app === "gateway")!.name;
    const script = `(async () => {
      const id = "${randomUUID()}", as = { "x-user-id": id, "x-user-role": "user" };
      const sidecar = "http://127.0.0.1:3500/v1.0", headers = { ...as, "dapr-api-token": process.env.DAPR_API_TOKEN, "content-type": "application/json" };
      const answer = async (url, init) => { try { const r = await fetch(url, init); return { status: r.status, text: (await r.text()).slice(0, 300) }; } catch (e) { return { status: 0, text: String(e) }; } };
      const invoke = (app, method, path) => answer(sidecar + "/invoke/" + app + "/method" + path, { method, headers, body: method === "GET" ? undefined : "{}" });
      console.log(JSON.stringify({
        refund: await invoke("wallet", "POST", "/payments/" + id + "/refund"),
        hold: await invoke("seat", "POST", "/holds"),
        expire: await invoke("queue", "POST", "/internal/tokens/expire"),
        wallet: await invoke("wallet", "GET", "/wallets/" + id),
        secret: await answer(sidecar + "/secrets/kubernetes/${NAMESPACE}-jwt-signing-key", { headers }),
        walletPort: await answer("http://wallet:3000/wallets/" + id, { headers: { ...as, "dapr-api-token": process.env.APP_API_TOKEN } }),
      }));
    })()`;
    const r = run("kubectl", ["-n", NAMESPACE, "exec", gateway, "-c", "gateway", "--", "node", "-e", script], 60_000);
    expect(r).toMatchObject({ status: 0 });
    const seen = JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, { status: number; text: string }>;
    const denied = /denied access/i;
    // Calls the gateway never makes are refused by the callee's sidecar, on the gateway's identity.
    for (const call of ["refund", "hold", "expire"]) expect({ call, ...seen[call] }).toMatchObject({ call, status: 403, text: expect.stringMatching(denied) });
    // The gateway's own calls pass the policy (the wallet app answers for itself).
    expect(seen.wallet.text).not.toMatch(denied);
    expect(seen.wallet.status).toBe(200);
    // No secret store is reachable through a sidecar.
    expect(seen.secret.status).toBeGreaterThanOrEqual(400);
    expect(seen.secret.text).not.toContain("PRIVATE KEY");
    // The gateway's app token does not open the wallet's port.
    expect(seen.walletPort.status).toBe(401);
  });

  it("records the schedule's trace in Zipkin across gateway, concert and, through Kafka, seat", async () => {
    expect(booked.traceId).toMatch(/^[0-9a-f]{32}$/);
    const names = await eventually(async () => {
      const res = await fetch(`${ZIPKIN}/api/v2/trace/${booked.traceId}`);
      if (!res.ok) return undefined;
      const spans = (await res.json()) as Array<{ localEndpoint?: { serviceName?: string } }>;
      const set = new Set(spans.map((s) => s.localEndpoint?.serviceName));
      return ["gateway", "concert", "seat"].every((n) => set.has(n)) ? set : undefined;
    }, MINUTE, "spans of gateway, concert and seat");
    expect([...names]).toEqual(expect.arrayContaining(["gateway", "concert", "seat"]));
  });

  it("upgrades to the production values (its managed dependencies pointed at the in-cluster ones) and keeps serving", async () => {
    // The operator's Secret: the Dapr state stores' user and each service's own user, with the
    // passwords the in-cluster MySQL was initialised with (the kind release's Secret).
    const kind = kubectl<{ data: Record<string, string> }>("get", "secret", "concert-booking-secrets", "-n", NAMESPACE).data;
    const perService = Object.entries(kind).filter(([k]) => k.startsWith("db-password-"));
    expect(perService.length).toBeGreaterThanOrEqual(8);
    const secret = run("kubectl", ["-n", NAMESPACE, "create", "secret", "generic", "concert-booking-production",
      "--from-literal=db-password=concert-dev",
      "--from-literal=mysql-connection=reservation:concert-dev@tcp(mysql:3306)/?allowNativePasswords=true&parseTime=true",
      "--from-literal=kafka-password=unused-without-sasl",
      ...perService.map(([k, v]) => `--from-literal=${k}=${Buffer.from(v, "base64").toString("utf8")}`)]);
    expect(secret).toMatchObject({ status: 0 });
    deploy("-f", "charts/concert-booking/values-production.yaml", "-f", "deploy/k8s/production-here.yaml");
    expectEveryPodReadyWithItsSidecar();
    expect(kubectl("get", "configurations.dapr.io", "daprconfig", "-n", NAMESPACE).spec.tracing.samplingRate).toBe("0.1");
    // Production autoscales every service (the mock data platform too: it is a service of the chart).
    expect(kubectl("get", "hpa", "-n", NAMESPACE).items.map((h: { metadata: { name: string } }) => h.metadata.name).sort()).toEqual([...DAPR_APPS, "mock-dataplatform"].sort());
    // The data written before the upgrade is still served, through the new pods.
    const concerts = await eventually(async () => {
      const r = await api("GET", "/api/concerts");
      return r.status === 200 ? (r.body.items as Array<{ id: string }>) : undefined;
    }, 2 * MINUTE, "the concert list after the upgrade");
    expect(concerts.map((c) => c.id)).toContain(booked.concertId);
  }, 30 * MINUTE);

  it("helm uninstall leaves nothing of the release behind", async () => {
    deploy("uninstall");
    expect(run("kubectl", ["-n", NAMESPACE, "delete", "secret", "concert-booking-production"]).status).toBe(0);
    const kinds = run("kubectl", ["api-resources", "--verbs=list", "--namespaced", "-o", "name"]).stdout.split("\n").filter((k) => k && !k.startsWith("events") && k !== "endpoints");
    const leftovers = () => {
      const left = run("kubectl", ["-n", NAMESPACE, "get", kinds.join(","), "-o", "name"]);
      if (left.status !== 0) throw new Error(left.output);
      return left.stdout.split("\n").filter(Boolean).sort();
    };
    const empty = ["configmap/kube-root-ca.crt", "serviceaccount/default"];
    // Pods terminate after their Deployments are gone; nothing else may stay.
    await eventually(async () => (leftovers().join() === empty.join() ? true : undefined), 3 * MINUTE, "an empty namespace").catch(() => undefined);
    expect(leftovers()).toEqual(empty);
  }, 10 * MINUTE);
});
