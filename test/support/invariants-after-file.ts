import { sep } from "node:path";
import { checkInvariants } from "@concert/devstack";

/**
 * After every end-to-end file (jest `setupFilesAfterEnv` of the integration project): the
 * system-wide invariants hold on everything the stack holds so far, whatever the file did. A
 * file that breaks one fails here, named, instead of a later file or nobody.
 */
afterAll(async () => {
  if (!expect.getState().testPath?.includes(`${sep}test${sep}e2e${sep}`)) return;
  const report = await checkInvariants();
  expect(report.violations).toEqual([]);
});
