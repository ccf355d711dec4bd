import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { startGatewayReplica } from "../support/stack";

/**
 * The public API keeps its OpenAPI contract under generated input: schemathesis (scripts/fuzz.sh)
 * over every operation, as a user and as an admin, following the document's links. It talks to
 * a gateway replica behind a pretend proxy (its own X-Forwarded-For address), so its thousands of
 * sign-ups and log-ins are counted apart from the other tests' 127.0.0.1.
 */
describe("the public API under fuzzing", () => {
  it("answers only documented statuses and content types, bodies matching their schemas, never a 5xx", async () => {
    const replica = await startGatewayReplica(8_083, { TRUSTED_PROXY_HOPS: "1" });
    try {
      const run = await promisify(execFile)("bash", ["scripts/fuzz.sh"], {
        env: { ...process.env, GATEWAY_URL: "http://127.0.0.1:8083", FUZZ_FORWARDED_FOR: "198.51.100.77" },
        timeout: 600_000,
        maxBuffer: 64 * 1024 * 1024,
      }).catch((err: { code?: number; stdout?: string; stderr?: string }) => err);
      const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
      const passed = [...output.matchAll(/(\d+) generated, (\d+) passed/g)];
      // Both runs (user, admin) finished and every generated case passed; otherwise the report.
      expect({ runs: passed.length, failures: /failure|Undocumented|Server error/i.test(output) ? output.slice(-6_000) : "" }).toEqual({ runs: 2, failures: "" });
      for (const [, generated, ok] of passed) expect(Number(ok)).toBe(Number(generated));
      expect(Number(passed[0]![1])).toBeGreaterThan(200);
    } finally {
      await replica.stop();
    }
  }, 900_000);
});
