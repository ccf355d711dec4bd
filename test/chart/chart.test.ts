import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import { allEvents, DeadLetter, outboxTopic, RESERVATION_TOPIC, TOPIC_PUBLISHERS } from "@concert/contracts";
import { parseAllDocuments, parse } from "yaml";
import { allowed, LOCAL_DAPR_NAMESPACE, localPubsubScopes, scopesOf } from "../support/pubsub-scopes";

/**
 * The Kubernetes delivery, validated offline: helm lint and template for every values file,
 * every rendered object checked by kubectl-validate against the Kubernetes and Dapr schemas,
 * the Dapr annotations of every sidecar-enabled Deployment, names shared with components/, and
 * skaffold.yaml against skaffold's own schema. Tools: scripts/install-k8s-tools.sh.
 */
const ROOT = join(__dirname, "..", "..");
const CHART = join(ROOT, "charts", "concert-booking");
const TOOLS = join(process.env.CONCERT_CACHE ?? join(homedir(), ".cache", "concert-booking"), "k8s-tools");
const HELM = join(TOOLS, "bin", "helm");
const KUBECTL_VALIDATE = join(TOOLS, "bin", "kubectl-validate");
const VALUES_FILES = readdirSync(CHART).filter((f) => /^values.*\.yaml$/.test(f));
const K8S_VERSION = "1.30";

type Obj = { apiVersion: string; kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec?: any };

const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8", cwd: ROOT });

function render(valuesFile: string, set: string[] = [], namespace = "default"): string {
  const args = ["template", "concert-booking", CHART, "--namespace", namespace, "--kube-version", `${K8S_VERSION}.0`, "-f", join(CHART, valuesFile), ...set.flatMap((s) => ["--set", s])];
  const r = run(HELM, args);
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

const objectsOf = (manifest: string): Obj[] =>
  parseAllDocuments(manifest)
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => o !== null);

/** kubectl-validate over a manifest; returns its output when something is invalid. */
function validate(manifest: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "chart-"));
  writeFileSync(join(dir, "manifest.yaml"), manifest);
  const r = run(KUBECTL_VALIDATE, [dir, "--local-crds", join(TOOLS, "dapr-crds"), "--version", K8S_VERSION]);
  return { ok: r.status === 0, output: r.stdout + r.stderr };
}

const REQUIRED_DAPR = ["dapr.io/enabled", "dapr.io/app-id", "dapr.io/app-port", "dapr.io/config", "dapr.io/log-as-json", "dapr.io/app-token-secret", "dapr.io/api-token-secret"];

/** Every Deployment that runs one of our services with a sidecar must say so completely. */
function missingDaprAnnotations(objects: Obj[], sidecarless: string[]): string[] {
  return objects
    .filter((o) => o.kind === "Deployment" && o.metadata.name && !sidecarless.includes(o.metadata.name))
    .filter((o) => o.spec.template.metadata.labels?.["app.kubernetes.io/part-of"] === "concert-booking")
    .flatMap((o) => {
      const a = o.spec.template.metadata.annotations ?? {};
      const missing = REQUIRED_DAPR.filter((k) => !a[k]);
      if (a["dapr.io/app-id"] && a["dapr.io/app-id"] !== o.metadata.name) missing.push("dapr.io/app-id (wrong)");
      return missing.map((m) => `${o.metadata.name}: ${m}`);
    });
}

const DEV_INFRA = ["kafka", "mysql", "redis", "zipkin", "mock-dataplatform"];

describe.each(VALUES_FILES)("the chart with %s", (valuesFile) => {
  let manifest: string;
  beforeAll(() => {
    manifest = render(valuesFile);
  });

  it("passes helm lint --strict", () => {
    const r = run(HELM, ["lint", "--strict", CHART, "--kube-version", `${K8S_VERSION}.0`, "-f", join(CHART, valuesFile)]);
    expect(r.stderr + r.stdout).toContain("1 chart(s) linted, 0 chart(s) failed");
    expect(r.status).toBe(0);
  });

  it("renders only objects valid against the Kubernetes and Dapr schemas", () => {
    const result = validate(manifest);
    if (!result.ok) throw new Error(result.output);
    const kinds = new Set(objectsOf(manifest).map((o) => o.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(["Deployment", "Service", "Component", "Configuration", "Resiliency", "Secret"]));
  });

  it("gives every service Deployment its Dapr annotations, probes and a non-root, read-only container", () => {
    const objects = objectsOf(manifest);
    expect(missingDaprAnnotations(objects, DEV_INFRA)).toEqual([]);
    for (const d of objects.filter((o) => o.kind === "Deployment" && !DEV_INFRA.includes(o.metadata.name))) {
      const c = d.spec.template.spec.containers[0];
      expect({ name: d.metadata.name, live: c.livenessProbe.httpGet.path, ready: c.readinessProbe.httpGet.path }).toEqual({
        name: d.metadata.name,
        live: "/healthz",
        ready: "/readyz",
      });
      expect(d.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(c.resources.limits.memory).toBeDefined();
    }
    // Internal services accept network traffic only from the release's sidecars.
    const policies = objects.filter((o) => o.kind === "NetworkPolicy").map((o) => o.metadata.name);
    expect(policies).toEqual(expect.arrayContaining(["wallet", "seat", "reservation", "gateway"]));
  });
});

describe("what the checks catch", () => {
  it("a value the schema forbids is refused before anything renders", () => {
    for (const bad of ["defaults.replicas=-1", "services.seat.port=70000", "infra.redisUrl=http://nope", "image.pullPolicy=Sometimes"]) {
      expect(() => render("values-kind.yaml", [bad])).toThrow(/values don't meet the specifications of the schema|schema/i);
    }
  });

  it("a rendered object that breaks its schema fails kubectl-validate", () => {
    const objects = objectsOf(render("values-kind.yaml"));
    const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "seat")!;
    deployment.spec.replicas = "two";
    const component = objects.find((o) => o.kind === "Component")!;
    component.spec.metadata = "not-a-list";
    for (const broken of [deployment, component]) {
      const { ok, output } = validate(JSON.stringify(broken));
      expect(ok).toBe(false);
      expect(output).toMatch(/replicas|metadata/);
    }
  });

  it("a Deployment that lost a Dapr annotation is reported", () => {
    const objects = objectsOf(render("values-kind.yaml"));
    delete objects.find((o) => o.kind === "Deployment" && o.metadata.name === "wallet")!.spec.template.metadata.annotations["dapr.io/app-id"];
    expect(missingDaprAnnotations(objects, DEV_INFRA)).toEqual(["wallet: dapr.io/app-id"]);
  });
});

describe("names shared by components/ and the chart", () => {
  it("every local component, configuration and resiliency exists in the chart under the same name and kind", () => {
    const local = readdirSync(join(ROOT, "components"))
      .filter((f) => f.endsWith(".yaml"))
      .flatMap((f) => objectsOf(readFileSync(join(ROOT, "components", f), "utf8")))
      .map((o) => `${o.kind}/${o.metadata.name}`)
      .sort();
    for (const valuesFile of VALUES_FILES) {
      const chart = objectsOf(render(valuesFile))
        .filter((o) => o.apiVersion.startsWith("dapr.io/"))
        .map((o) => `${o.kind}/${o.metadata.name}`)
        .sort();
      expect({ valuesFile, names: chart }).toEqual({ valuesFile, names: local });
    }
  });
});

describe("the gateway's front in production", () => {
  const gatewayEnv = (objects: Obj[]) =>
    (objects.find((o) => o.kind === "Deployment" && o.metadata.name === "gateway")!.spec.template.spec.containers[0].env as Array<{ name: string; value?: string }>);

  it("is an Ingress terminating TLS, the gateway trusts one proxy hop, and only the controller's namespace reaches it", () => {
    const objects = objectsOf(render("values-production.yaml"));
    const ingress = objects.find((o) => o.kind === "Ingress")!;
    expect(ingress.spec.tls).toEqual([{ hosts: ["tickets.example.com"], secretName: "concert-booking-tls" }]);
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: "gateway", port: { name: "http" } });
    expect(gatewayEnv(objects)).toContainEqual({ name: "TRUSTED_PROXY_HOPS", value: "1" });
    expect(objects.find((o) => o.kind === "Service" && o.metadata.name === "gateway")!.spec.type).toBe("ClusterIP");
    const policy = objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "gateway")!;
    const open = policy.spec.ingress.find((r: { ports?: Array<{ port: number }> }) => r.ports?.some((p) => p.port === 8080) && !r.ports.some((p) => p.port === 50002));
    expect(open.from).toEqual([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }]);
  });

  it("without an Ingress the gateway trusts no X-Forwarded-For", () => {
    const objects = objectsOf(render("values-kind.yaml"));
    expect(objects.some((o) => o.kind === "Ingress")).toBe(false);
    expect(gatewayEnv(objects).map((e) => e.name)).not.toContain("TRUSTED_PROXY_HOPS");
  });
});

describe("pub/sub topic scopes", () => {
  const local = localPubsubScopes();

  it("each business topic is protected and published by its owner only", () => {
    const business = allEvents.filter((e) => e !== DeadLetter).map((e) => e.topic);
    expect(Object.keys(TOPIC_PUBLISHERS).sort()).toEqual([...new Set(business)].sort());
    for (const [topic, owner] of Object.entries(TOPIC_PUBLISHERS)) {
      expect(local.protectedTopics).toContain(topic);
      const publishers = Object.keys(local.publishing).filter((app) => allowed(local, local.publishing, app, topic));
      expect({ topic, publishers }).toEqual({ topic, publishers: [owner] });
      // An app not named in the component (a new one, a probe) is refused too.
      expect(allowed(local, local.publishing, "someone-else", topic)).toBe(false);
    }
    // Dapr's outbox publishes and reads its internal topic through the owner's sidecar only.
    const internal = outboxTopic("reservation", RESERVATION_TOPIC, LOCAL_DAPR_NAMESPACE);
    expect(local.protectedTopics).toContain(internal);
    expect(allowed(local, local.publishing, "reservation", internal)).toBe(true);
    expect(allowed(local, local.subscription, "reservation", internal)).toBe(true);
  });

  it("the chart grants the same, with the release's namespace in the outbox's internal topic", () => {
    const localInternal = outboxTopic("reservation", RESERVATION_TOPIC, LOCAL_DAPR_NAMESPACE);
    const prefixed = (topics: string[]) => topics.map((t) => (t === localInternal ? outboxTopic("reservation", RESERVATION_TOPIC, "shop") : t));
    const expected = {
      protectedTopics: prefixed(local.protectedTopics),
      publishing: Object.fromEntries(Object.entries(local.publishing).map(([app, t]) => [app, prefixed(t)])),
      subscription: Object.fromEntries(Object.entries(local.subscription).map(([app, t]) => [app, prefixed(t)])),
    };
    for (const valuesFile of VALUES_FILES) {
      const pubsub = objectsOf(render(valuesFile, [], "shop")).find((o) => o.kind === "Component" && o.spec.type.startsWith("pubsub."));
      expect({ valuesFile, scopes: scopesOf(pubsub as never) }).toEqual({ valuesFile, scopes: expected });
    }
  });
});

describe("skaffold.yaml", () => {
  it("is valid against skaffold's JSON schema and builds an image for every service in the chart", () => {
    const config = parse(readFileSync(join(ROOT, "skaffold.yaml"), "utf8"));
    const schema = JSON.parse(readFileSync(join(TOOLS, "skaffold-schema.json"), "utf8"));
    const ajv = new Ajv({ strict: false, allErrors: true });
    const valid = ajv.validate(schema, config);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);

    // The schema has teeth: a misspelt key is refused.
    const typo = structuredClone(config);
    typo.build.artifacts[0].docker.dockerfil = "Dockerfile";
    expect(ajv.validate(schema, typo)).toBe(false);

    const images = config.build.artifacts.map((a: { image: string }) => a.image.replace("concert-booking/", "")).sort();
    const services = Object.keys(parse(readFileSync(join(CHART, "values.yaml"), "utf8")).services).sort();
    expect(images).toEqual(services);
    expect(readdirSync(join(ROOT, "services")).every((s) => images.includes(s))).toBe(true);
  });

  it("points at a kind cluster config and the chart's kind values", () => {
    const config = parse(readFileSync(join(ROOT, "skaffold.yaml"), "utf8"));
    expect(config.manifests.helm.releases[0].valuesFiles).toEqual(["charts/concert-booking/values-kind.yaml"]);
    expect(parse(readFileSync(join(ROOT, "deploy", "kind", "cluster.yaml"), "utf8")).kind).toBe("Cluster");
  });

  it("builds from one multi-stage Dockerfile into a non-root image with a health check", () => {
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/^FROM .+ AS build$/m);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(readFileSync(join(ROOT, ".dockerignore"), "utf8")).toMatch(/node_modules/);
  });
});

type Operation = { name: string; httpVerb: string[]; action: string };
type AppPolicy = { appId: string; defaultAction: string; trustDomain: string; namespace: string; operations: Operation[] };

/**
 * Whether the chart's accessControl lets `caller` invoke `verb path`, by Dapr's rules
 * (pkg/config/acl_trie.go): `/x/**` is `/x` and anything below, `/x/*` one more segment, else exact.
 */
function invocationAllowed(policies: AppPolicy[], caller: string, verb: string, path: string): boolean {
  const policy = policies.find((p) => p.appId === caller);
  const op = policy?.operations.find(({ name }) => {
    if (name.endsWith("/**")) return path === name.slice(0, -3) || path.startsWith(name.slice(0, -2));
    if (name.endsWith("/*")) return path.startsWith(name.slice(0, -1)) && !path.slice(name.length - 1).includes("/");
    return path === name;
  });
  return op?.action === "allow" && op.httpVerb.includes(verb);
}

describe("zero trust inside the cluster", () => {
  const DAPR_APPS = ["concert", "dataplatform", "gateway", "mypage", "notification", "queue", "ranking", "reservation", "seat", "user", "waitlist", "wallet", "web"];
  const deployments = (objects: Obj[]) => objects.filter((o) => o.kind === "Deployment" && DAPR_APPS.includes(o.metadata.name));
  const envOf = (d: Obj) => d.spec.template.spec.containers[0].env as Array<{ name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }>;

  it.each(VALUES_FILES)("service invocation is denied unless listed: the public API from the gateway, seats and payments from the saga (%s)", (valuesFile) => {
    const config = objectsOf(render(valuesFile, [], "shop")).find((o) => o.kind === "Configuration")!;
    const acl = config.spec.accessControl as { defaultAction: string; trustDomain: string; policies: AppPolicy[] };
    expect(acl).toMatchObject({ defaultAction: "deny", trustDomain: "public" });
    expect(acl.policies.map((p) => p.appId).sort()).toEqual(DAPR_APPS);
    for (const p of acl.policies) expect(p).toMatchObject({ defaultAction: "deny", trustDomain: "public", namespace: "shop" });
    // Dapr lets a listed path decide for everything below it: no listed path may shadow another.
    for (const p of acl.policies) {
      const bases = p.operations.map((o) => o.name.replace(/\/\*\*?$/, ""));
      expect({ app: p.appId, shadowed: bases.filter((b, i) => bases.some((other, j) => i !== j && b.startsWith(`${other}/`))) }).toEqual({ app: p.appId, shadowed: [] });
    }
    const allowed = (caller: string, call: string) => invocationAllowed(acl.policies, caller, ...(call.split(" ") as [string, string]));
    const yes = {
      gateway: ["GET /concerts", "POST /concerts", "POST /concerts/c1/schedules", "GET /schedules/s1/seats", "GET /availability", "POST /users", "GET /users/u1",
        "GET /users/u1/reservations", "POST /auth/login", "GET /.well-known/jwks.json", "POST /tokens", "GET /tokens/current", "POST /reservations",
        "GET /reservations/r1", "POST /reservations/r1/payment", "DELETE /reservations/r1", "GET /wallets/u1", "POST /wallets/u1/charges", "GET /rankings/popular",
        "GET /sales/s1", "GET /queues/c1", "GET /site", "GET /site/", "GET /site/assets/index-1.js", "GET /site/book/s1",
        "POST /lists/s1/entries", "GET /lists/s1/entries/me", "DELETE /lists/s1/entries/me", "GET /lists/s1/stats", "POST /offers/o1/claim"],
      reservation: ["POST /holds", "GET /holds/r1", "POST /holds/r1/confirm", "POST /holds/r1/release", "POST /payments", "POST /payments/p1/void", "POST /payments/p1/refund"],
      ranking: ["GET /health/events"],
      waitlist: ["POST /schedules/s1/waitlist", "GET /holds/h1", "POST /holds", "POST /holds/h1/release", "POST /offer-reservations"],
    };
    const no = {
      gateway: ["POST /payments", "POST /payments/p1/refund", "POST /holds", "POST /holds/r1/release", "POST /internal/tokens/expire", "DELETE /concerts/c1", "GET /dapr/subscribe",
        "POST /site/x", "GET /sales/s1/x", "GET /queues/c1/x", "POST /schedules/s1/waitlist", "POST /offer-reservations"],
      reservation: ["GET /wallets/u1", "POST /reservations", "POST /internal/tokens/restore", "GET /users/u1"],
      ranking: ["GET /wallets/u1", "POST /payments", "GET /reservations/r1"],
      wallet: ["POST /holds", "GET /users/u1"],
      web: ["GET /concerts", "GET /users/u1", "POST /tokens", "GET /sales/s1"],
      waitlist: ["POST /payments", "POST /reservations", "POST /reservations/r1/payment", "GET /reservations/r1", "GET /wallets/u1", "GET /users/u1", "POST /offers/o1/claim"],
    };
    for (const [caller, calls] of Object.entries(yes)) for (const call of calls) expect({ caller, call, allowed: allowed(caller, call) }).toEqual({ caller, call, allowed: true });
    for (const [caller, calls] of Object.entries(no)) for (const call of calls) expect({ caller, call, allowed: allowed(caller, call) }).toEqual({ caller, call, allowed: false });
    // No secret reaches an app through its sidecar.
    expect(config.spec.secrets.scopes).toEqual([{ storeName: "kubernetes", defaultAccess: "deny" }]);
    for (const d of deployments(objectsOf(render(valuesFile)))) expect(d.spec.template.metadata.annotations["dapr.io/disable-builtin-k8s-secret-store"]).toBe("true");
  });

  it("the local stack enforces the same policy (components/config.yaml, namespace default)", () => {
    const local = objectsOf(readFileSync(join(ROOT, "components", "config.yaml"), "utf8"))[0]!;
    for (const valuesFile of VALUES_FILES) {
      const chart = objectsOf(render(valuesFile, [], "default")).find((o) => o.kind === "Configuration")!;
      expect({ valuesFile, acl: local.spec.accessControl }).toEqual({ valuesFile, acl: chart.spec.accessControl });
    }
  });

  it.each(VALUES_FILES)("each app has its own app and Dapr API tokens, the same for its sidecar and its container (%s)", (valuesFile) => {
    const objects = objectsOf(render(valuesFile));
    const secrets = new Set(objects.filter((o) => o.kind === "Secret").map((o) => o.metadata.name));
    const seen = new Set<string>();
    for (const d of deployments(objects)) {
      const a = d.spec.template.metadata.annotations;
      const ref = (name: string) => envOf(d).find((e) => e.name === name)?.valueFrom?.secretKeyRef;
      expect({ app: d.metadata.name, app_token: ref("APP_API_TOKEN"), dapr_token: ref("DAPR_API_TOKEN") }).toEqual({
        app: d.metadata.name,
        app_token: { name: a["dapr.io/app-token-secret"], key: "token" },
        dapr_token: { name: a["dapr.io/api-token-secret"], key: "token" },
      });
      for (const s of [a["dapr.io/app-token-secret"], a["dapr.io/api-token-secret"]]) {
        expect(secrets.has(s)).toBe(true);
        expect(seen.has(s)).toBe(false);
        seen.add(s);
      }
    }
    expect(seen.size).toBe(2 * DAPR_APPS.length);
  });

  it("each service logs in to MySQL as its own user, with rights on its own database only (kind values)", () => {
    const objects = objectsOf(render("values-kind.yaml"));
    const chartSecret = objects.find((o) => o.kind === "Secret" && o.metadata.name === "concert-booking-secrets") as unknown as { stringData: Record<string, string> };
    const initSql = (objects.find((o) => o.kind === "Secret" && o.metadata.name === "mysql-init") as unknown as { stringData: Record<string, string> }).stringData["init.sql"];
    const withDb = deployments(objects).filter((d) => envOf(d).some((e) => e.name === "DB_NAME"));
    expect(withDb.length).toBeGreaterThanOrEqual(8);
    const passwords = new Set<string>();
    for (const d of withDb) {
      const env = Object.fromEntries(envOf(d).map((e) => [e.name, e]));
      const db = env.DB_NAME.value!;
      expect({ app: d.metadata.name, user: env.DB_USER.value, key: env.DB_PASSWORD.valueFrom!.secretKeyRef.key }).toEqual({ app: d.metadata.name, user: db, key: `db-password-${db}` });
      const password = chartSecret.stringData[`db-password-${db}`];
      passwords.add(password);
      // The in-cluster MySQL creates that user with that password and grants it its database alone.
      expect(initSql).toContain(`CREATE USER IF NOT EXISTS '${db}'@'%' IDENTIFIED BY '${password}';`);
      expect(initSql.split("\n").filter((l) => l.includes(`TO '${db}'@'%'`)).map((l) => l.trim())).toEqual([`GRANT ALL ON \`${db}\`.* TO '${db}'@'%';`]);
    }
    expect(passwords.size).toBe(withDb.length);
    expect(initSql.split("\n").filter((l) => l.includes("TO 'reservation'@'%'")).map((l) => l.trim())).toEqual(["GRANT ALL ON `dapr_state`.* TO 'reservation'@'%';"]);
  });

  it("in production a pod reaches only DNS, the release's sidecars, Dapr, the managed services and, for two services, HTTPS outside", () => {
    const policies = objectsOf(render("values-production.yaml")).filter((o) => o.kind === "NetworkPolicy");
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(DAPR_APPS);
    for (const p of policies) expect({ app: p.metadata.name, types: p.spec.policyTypes }).toEqual({ app: p.metadata.name, types: ["Ingress", "Egress"] });
    const toInternet = policies.filter((p) => p.spec.egress.some((r: { to?: Array<{ ipBlock?: { cidr: string } }> }) => r.to?.some((t) => t.ipBlock?.cidr === "0.0.0.0/0")));
    expect(toInternet.map((p) => p.metadata.name).sort()).toEqual(["dataplatform", "notification"]);
    // Every rule names its destination, except DNS, which names only port 53.
    for (const p of policies) for (const rule of p.spec.egress) expect(rule.to ?? rule.ports.map((x: { port: number }) => x.port)).not.toContain(undefined);
    expect(objectsOf(render("values-kind.yaml")).filter((o) => o.kind === "NetworkPolicy").every((p) => !p.spec.policyTypes.includes("Egress"))).toBe(true);
  });
});
