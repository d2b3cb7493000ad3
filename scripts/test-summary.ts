/**
 * Prints vitest's JSON report as one plain closing line ("N passed, N failed, N skipped") so any CI reads
 * the count, and exits non-zero when a test failed or none ran.
 */
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? ".cache/vitest-report.json";
const report = JSON.parse(readFileSync(file, "utf8")) as {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
  numFailedTestSuites: number;
  success: boolean;
};
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
// A file that fails to load fails no test but fails its suite: that is a failure too.
if (report.numFailedTestSuites > 0) console.log(`${report.numFailedTestSuites} test file(s) failed to run`);
process.exit(!report.success || report.numFailedTests > 0 || report.numFailedTestSuites > 0 || report.numTotalTests === 0 ? 1 : 0);
