#!/usr/bin/env node
// Prints the one line CI reads, computed from jest's JSON result: "N passed, N failed".
const fs = require("node:fs");
const file = process.argv[2];
let passed = 0;
let failed = 0;
if (file && fs.existsSync(file)) {
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  passed = r.numPassedTests;
  failed = r.numFailedTests;
  // A suite that failed to run (syntax error, failed beforeAll) counts its tests as failed,
  // and a suite with no test result at all as one failure.
  for (const s of r.testResults) {
    if (s.status === "failed" && s.assertionResults.length === 0) failed += 1;
  }
} else {
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
