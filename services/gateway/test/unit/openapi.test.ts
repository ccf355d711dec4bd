import { loadConfig, serviceEnv, shutdownBreakers, Upstream } from "@concert/platform";
import { createLocalJWKSet } from "jose";
import { openApiDocument } from "../../src/http/openapi";
import { publicRoutes, type Upstreams } from "../../src/http/routes";

afterAll(() => shutdownBreakers());

describe("the OpenAPI document", () => {
  it("documents exactly the routes the gateway serves, method by method", () => {
    const config = loadConfig("gateway", serviceEnv, { PORT: "0" });
    const names = ["concert", "seat", "user", "queue", "reservation", "wallet", "ranking", "notification", "mypage", "waitlist"] as const;
    const upstreams = Object.fromEntries(names.map((n) => [n, new Upstream(n, config, { timeoutMs: 1_000 })])) as unknown as Upstreams;
    const router = publicRoutes(upstreams, {
      verifier: { keys: createLocalJWKSet({ keys: [] }), issuer: "test", audience: "test" },
      limits: { loginPerMinute: 1, signUpPerMinute: 1, reservationsPerMinute: 1 },
    });

    const served = router.stack
      .flatMap((layer) => layer.methods.filter((m) => m !== "HEAD").map((m) => `${m} ${String(layer.path).replace(/:(\w+)/g, "{$1}")}`))
      .sort();
    const documented = Object.entries(openApiDocument.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(served.filter((r) => r !== "GET /api/openapi.json"));
  });
});
