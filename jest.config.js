/** Unit tests need nothing running; integration tests run against the real local stack. */
const transform = {
  "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/test/tsconfig.json", diagnostics: false }],
};
const common = {
  rootDir: __dirname,
  // Only the source trees: .run/ holds the local cluster's container filesystems.
  roots: ["<rootDir>/packages", "<rootDir>/services", "<rootDir>/test"],
  testEnvironment: "node",
  testEnvironmentOptions: { globalsCleanup: "off" },
  transform,
  moduleFileExtensions: ["ts", "js", "json"],
};

module.exports = {
  // Integration tests wait on real brokers and sidecars, each wait with its own bounded deadline.
  testTimeout: 90_000,
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/{packages,services}/*/test/unit/**/*.test.ts"] },
    {
      ...common,
      displayName: "integration",
      testMatch: [
        "<rootDir>/{packages,services}/*/test/integration/**/*.test.ts",
        "<rootDir>/test/e2e/**/*.test.ts",
        "<rootDir>/test/chart/**/*.test.ts",
      ],
      // The invariant checker after every end-to-end file.
      setupFilesAfterEnv: ["<rootDir>/test/support/invariants-after-file.ts"],
      slowTestThreshold: 30,
    },
    // The fault suite on the real local stack (test/chaos): `make chaos` runs every fault.
    { ...common, displayName: "chaos", testMatch: ["<rootDir>/test/chaos/**/*.test.ts"], slowTestThreshold: 120 },
    // A real single-node cluster (scripts/k8s.sh up): Helm installs, upgrades and uninstalls the
    // system and a booking goes through it. Each test sets its own budget.
    { ...common, displayName: "k8s", testMatch: ["<rootDir>/test/k8s/**/*.test.ts"], slowTestThreshold: 120 },
  ],
};
