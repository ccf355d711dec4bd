import { ConfigError, databaseEnv, loadConfig, serviceEnv } from "../../src/config";

const shape = { ...serviceEnv, ...databaseEnv };
const good = { PORT: "3001", DB_USER: "concert", DB_PASSWORD: "s3cret-value", DB_NAME: "concert" };

describe("loadConfig", () => {
  it("coerces and defaults a valid environment", () => {
    const c = loadConfig("concert", shape, good);
    expect(c.PORT).toBe(3001);
    expect(c.DAPR_HTTP_PORT).toBe(3500);
    expect(c.PUBSUB_NAME).toBe("pubsub");
    expect(c.MIGRATE_ON_START).toBe(true);
  });

  it("stops start-up naming every bad variable", () => {
    const run = () => loadConfig("concert", shape, { PORT: "70000", DB_NAME: "x;drop", DB_PASSWORD: "hunter2-secret" });
    expect(run).toThrow(ConfigError);
    try {
      run();
    } catch (err) {
      const e = err as ConfigError;
      const fields = e.problems.map((p) => p.split(":")[0]);
      expect(fields).toEqual(expect.arrayContaining(["PORT", "DB_USER", "DB_NAME"]));
      expect(e.message).toContain("invalid configuration for concert");
    }
  });

  it("never echoes a value, which may be a secret", () => {
    const secret = "short";
    try {
      loadConfig("gateway", { ...serviceEnv }, { PORT: "1", DAPR_API_TOKEN: secret });
      throw new Error("should have failed");
    } catch (err) {
      expect((err as Error).message).toContain("DAPR_API_TOKEN");
      expect((err as Error).message).not.toContain(secret);
    }
  });

  it("rejects a boolean flag that is not true or false", () => {
    expect(() => loadConfig("seat", shape, { ...good, MIGRATE_ON_START: "yes" })).toThrow(/MIGRATE_ON_START/);
  });
});
