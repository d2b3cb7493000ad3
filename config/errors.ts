/**
 * A config problem names the full key, says what was expected and how to fix it. The loader collects every
 * problem before it throws, so a user fixes the whole stack file in one pass (invariant 5).
 */
import { RunError } from "@pulumi/pulumi";
export interface ConfigProblem {
  /** Full key as the Pulumi CLI shows it, e.g. `codewhale-remote:sshAllowedCidrs[0]`. */
  readonly key: string;
  /** What is wrong with the value as given (never the value of a secret). */
  readonly problem: string;
  /** What a valid value looks like. */
  readonly expected: string;
  /** The command or edit that fixes it. */
  readonly fix: string;
}

/**
 * A Pulumi RunError, so the CLI's loader (@pulumi/pulumi/cmd/run/run.js, uncaughtHandler) prints the
 * message alone: it already names every key, what was expected and the fix.
 *
 * Its stack is the message alone, no frames. The loader still formats every uncaught error with
 * util.inspect for its trace span (cmd/run/error.js, defaultErrorMessage), and frames are what made that
 * slow: rewritten by source-map-support to node_modules/@pulumi/resource.ts, a frame Node's inspect loops on
 * (nodejs/node#64011; scripts/plain-stack-traces.cjs keeps those frames out of the CLI path). Measured
 * under the loader: 17-30 s and 3.3 GB peak before the fix, about 1 s and 150 MB after. Where in our code
 * a problem was found is no help to the user; the key is.
 */
export class ConfigError extends RunError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = "ConfigError";
    this.problems = problems;
    this.stack = `${this.name}: ${this.message}`;
  }
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  const lines = [`${count} in the stack config; nothing was deployed:`];
  for (const p of problems) {
    lines.push(`  - ${p.key}: ${p.problem}`);
    lines.push(`      expected: ${p.expected}`);
    lines.push(`      fix: ${p.fix}`);
  }
  return lines.join("\n");
}
