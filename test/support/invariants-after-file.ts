import { sep } from "node:path";
import { checkInvariants } from "@concert/devstack";
import { closePools } from "./stack";

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

// And whatever database pools the file opened are closed: an open pool would keep jest alive
// after the last file (it never exits, and CI waits for it).
afterAll(closePools);
