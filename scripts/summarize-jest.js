#!/usr/bin/env node
// Prints the one line CI reads, computed from jest's JSON results: "N passed, N failed".
//   node scripts/summarize-jest.js RESULT.json [RESULT.json ...]
// A missing or unreadable result counts as one failure (that run never finished). A suite that
// failed without a failed test (a syntax error, a failing beforeAll/afterAll hook, an error
// thrown outside any test) counts as one failure more, so the line can never say "0 failed"
// while jest itself failed. Failing suites are named on stderr.
const fs = require("node:fs");
const path = require("node:path");

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  let r;
  try {
    r = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    failed += 1;
    console.error(`FAILED: no jest result in ${file} (${e.code ?? e.message})`);
    continue;
  }
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  for (const s of r.testResults) {
    if (s.status !== "failed") continue;
    const name = path.relative(process.cwd(), s.name);
    const failedTests = s.assertionResults.filter((a) => a.status === "failed").length;
    if (failedTests === 0) failed += 1;
    const reason = failedTests ? `${failedTests} failed test(s)` : (s.message || "suite error").split("\n").find((l) => l.trim()) ?? "suite error";
    console.error(`FAILED: ${name}: ${reason.trim().slice(0, 300)}`);
  }
}
if (process.argv.length <= 2) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
