/**
 * `npm run plan`: the deployment of one stack without a cloud, credentials or the Pulumi CLI. Prints the
 * resource tree (or JSON), writes the deploy bundle with --out, runs the policy pack with --policy.
 * The options, the exit codes and an example are in `usage()` below (`npm run plan -- --help`).
 *
 * Every mistake a user can make on the command line or in the stack file ends in one line on stderr that
 * says what is wrong and how to fix it (exit 2); invalid config lists every problem (exit 1). A stack trace
 * is printed only for a bug in this program (exit 3).
 */
import { lstatSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { closest, distance } from "fastest-levenshtein";
import { ConfigError } from "../config/errors";
import type { PolicyReport } from "../policy/evaluate";
import { policyContextFromConfig } from "../policy/stack-opt-in";
import { ROOT, StackFileError, planStack, readStackConfig, type Plan } from "./offline-plan";
import { BundleDirError, checkBundleDir, writeBundle, type WrittenBundle } from "./write-bundle";

/** The policy pack (secretlint and its rules) is loaded for --policy only: a plain plan does not pay for it. */
const policyPack = () => require("../policy/evaluate") as typeof import("../policy/evaluate");

const EXIT = { ok: 0, refused: 1, usage: 2, bug: 3 } as const;

/** A mistake on the command line: one line, what is wrong and the fix. */
class UsageError extends Error {
  override readonly name = "UsageError";
}

const OPTIONS = {
  stack: { type: "string", default: "dev" },
  config: { type: "string" },
  json: { type: "boolean", default: false },
  "json-out": { type: "string" },
  out: { type: "string" },
  strict: { type: "boolean", default: false },
  policy: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

const stackFiles = () => readdirSync(ROOT).filter((f) => /^Pulumi\.[^.].*\.yaml$/.test(f)).sort();
const stackNames = () => stackFiles().map((f) => f.slice("Pulumi.".length, -".yaml".length));

function usage(): string {
  return `Usage: npm run -s plan -- [options]

Plans one stack offline: the real program under Pulumi's mocks, no cloud account, credentials or Pulumi CLI.
Names, ids and addresses the cloud would assign are stand-ins (mock values), marked as such in every output.

Options:
  --stack <name>      the stack to plan, from Pulumi.<name>.yaml in the project root (default: dev;
                      here: ${stackNames().join(", ")})
  --config <file>     plan this file instead (any file of the Pulumi.<stack>.yaml shape); --stack names the stack
  --json              print the plan as JSON on stdout. Run npm with -s (npm run -s plan -- --json > plan.json):
                      without it npm prints its own banner on stdout first. Or use --json-out.
  --json-out <file>   write the JSON plan to <file> (valid however npm is invoked); replaces only an earlier plan
  --out <dir>         write the deploy bundle to <dir>: a new or empty directory, or an earlier bundle (replaced
                      whole). Any other directory is refused, nothing is deleted.
  --strict            fail on missing secrets, as a real deploy would
  --policy            run the policy pack on the planned resources
  -h, --help          print this text

Exit codes:
  0  planned (and the bundle or JSON file written)
  1  the stack config is invalid (every problem listed), a secret is missing with --strict, or a mandatory
     policy is violated with --policy; nothing is written
  2  a mistake on the command line or in the stack file (unknown option or stack, unreadable or invalid YAML,
     a directory --out may not write); one line says what to fix; nothing is written
  3  a bug in this program (a stack trace follows; please report it)

Examples:
  npm run -s plan -- --stack lighthouse-feishu
  npm run -s plan -- --stack dev --json > plan.json
  npm run plan -- --config ./Pulumi.mine.yaml --stack mine --strict --policy --out bundle/
`;
}

interface Args {
  readonly stack: string;
  readonly config?: string;
  readonly json: boolean;
  readonly jsonOut?: string;
  readonly out?: string;
  readonly strict: boolean;
  readonly policy: boolean;
  readonly help: boolean;
}

function parse(argv: string[]): Args {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    throw usageFromParseArgs(e as NodeJS.ErrnoException, argv);
  }
  const stack = values.stack as string;
  // Pulumi's stack names: letters, digits, - _ . (and no path: the name picks a file in the project root).
  if (!/^[A-Za-z0-9_.-]+$/.test(stack) || stack.startsWith(".")) {
    throw new UsageError(`--stack '${stack}' is not a stack name (letters, digits, - _ .); to plan a file elsewhere use --config <file> --stack <name>`);
  }
  return {
    stack,
    ...(values.config !== undefined ? { config: values.config as string } : {}),
    json: values.json === true,
    ...(values["json-out"] !== undefined ? { jsonOut: values["json-out"] as string } : {}),
    ...(values.out !== undefined ? { out: values.out as string } : {}),
    strict: values.strict === true,
    policy: values.policy === true,
    help: values.help === true,
  };
}

function usageFromParseArgs(e: NodeJS.ErrnoException, argv: string[]): Error {
  const names = Object.keys(OPTIONS).map((o) => `--${o}`);
  const quoted = /'([^']+)'/.exec(e.message)?.[1] ?? "";
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const flag = quoted.split("=")[0]!;
      const best = flag.startsWith("--") ? closest(flag, names) : undefined;
      const near = best && distance(flag, best) <= 2 ? best : undefined;
      return new UsageError(`unknown option ${flag}${near ? `; did you mean ${near}?` : ""} (npm run plan -- --help lists the options)`);
    }
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const flag = quoted.split(" ")[0]!;
      return /argument missing/.test(e.message)
        ? new UsageError(`${flag} needs a value: ${flag} ${OPTIONS[flag.slice(2) as keyof typeof OPTIONS]?.type === "string" ? "<value>" : ""}`.trimEnd())
        : new UsageError(`${flag} takes no value; write ${flag} alone`);
    }
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL": {
      const stackHint = stackNames().includes(quoted) ? `; to plan that stack: --stack ${quoted}` : "";
      return new UsageError(`unexpected argument '${quoted}': every input is an option${stackHint} (npm run plan -- --help lists them)`);
    }
    default:
      return new UsageError(`cannot read the command line ${JSON.stringify(argv)}: ${e.message}`);
  }
}

/** A path as the user would type it here: relative below the working directory, absolute elsewhere. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/** Where the stack's config comes from; an unknown stack lists the stack files there are. */
function stackFile(args: Args): string {
  if (args.config !== undefined) return path.resolve(args.config);
  const file = path.join(ROOT, `Pulumi.${args.stack}.yaml`);
  try {
    lstatSync(file);
  } catch {
    const files = stackFiles();
    throw new UsageError(
      `no stack '${args.stack}': there is no ${shown(file)}; stack files here: ${files.join(", ") || "none"}` +
        `. Pick one with --stack <name>, or plan another file with --config <file>`,
    );
  }
  return file;
}

/**
 * Writes the JSON plan to `file`, replacing only an earlier plan (or an empty file): a user's file of that
 * name is never overwritten. Written to a sibling and renamed, so a reader never sees half a plan.
 */
function writeJsonOut(file: string, json: string): void {
  const target = checkJsonOut(file);
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, json, { flag: "wx", mode: 0o644 });
  } catch (e) {
    throw new UsageError(`--json-out ${target}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give a file in a writable directory`);
  }
  renameSync(tmp, target);
}

/** Throws UsageError when `file` may not be written (run before anything is, so a refusal writes nothing). */
function checkJsonOut(file: string): string {
  const target = path.resolve(file);
  let existing: string | undefined;
  try {
    const st = lstatSync(target);
    if (!st.isFile()) throw new UsageError(`--json-out ${target} exists and is not a regular file; give a file path`);
    existing = readFileSync(target, "utf8");
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") throw new UsageError(`--json-out ${target}: ${code === "ENOTDIR" ? "a parent is not a directory" : (e as Error).message}`);
  }
  if (existing !== undefined && existing.trim() !== "" && !isEarlierPlan(existing)) {
    throw new UsageError(`--json-out ${target} exists and is not a plan this command wrote; nothing was written. Give another file name, or move it away`);
  }
  return target;
}

function isEarlierPlan(text: string): boolean {
  try {
    const j = JSON.parse(text) as Partial<Plan>;
    return typeof j.project === "string" && typeof j.stack === "string" && Array.isArray(j.resources) && typeof j.artifacts === "object";
  } catch {
    return false;
  }
}

function tree(plan: Plan): string {
  const children = new Map<string, Plan["resources"][number][]>();
  for (const r of plan.resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  const lines: string[] = [];
  const walk = (parent: string, indent: string) => {
    for (const r of children.get(parent) ?? []) {
      lines.push(`${indent}${r.custom ? "+" : "*"} ${r.type}  ${r.name}${r.protect ? "  [protected]" : ""}${r.retainOnDelete ? "  [retained on delete]" : ""}`);
      walk(r.urn, indent + "    ");
    }
  };
  walk("", "");
  return lines.join("\n");
}

function policySummary(report: PolicyReport): string {
  const { formatViolation, mandatoryViolations } = policyPack();
  const lines = report.violations.map(formatViolation);
  const mandatory = mandatoryViolations(report).length;
  return [`Policies: ${mandatory} mandatory and ${report.violations.length - mandatory} advisory violations`, ...lines].join("\n");
}

function mockNote(plan: Plan): string {
  if (plan.mockValues.length === 0) return "";
  return `Mock values (stand-ins for what the cloud assigns; the real ones come from pulumi stack output after a deploy):\n${plan.mockValues.map((m) => `  ${m.value}  (${m.what})`).join("\n")}\n`;
}

/**
 * `npm run plan --stack x` (no `--`) hands the options to npm, which keeps them as its own config
 * (exported to the script as npm_config_stack=x) and runs the plan without them.
 */
function optionsNpmTook(env: NodeJS.ProcessEnv): string[] {
  if (env.npm_lifecycle_event !== "plan") return [];
  return Object.keys(OPTIONS).filter((o) => o !== "json" && o !== "help" && env[`npm_config_${o.replace("-", "_")}`] !== undefined).map((o) => `--${o}`);
}

async function main(argv: string[]): Promise<number> {
  const took = optionsNpmTook(process.env);
  if (took.length > 0) {
    throw new UsageError(`npm kept ${took.join(" ")} for itself: put the plan's options after --, e.g. npm run -s plan -- ${took.map((o) => (OPTIONS[o.slice(2) as keyof typeof OPTIONS].type === "string" ? `${o} ${process.env[`npm_config_${o.slice(2).replace("-", "_")}`]}` : o)).join(" ")}`);
  }
  const args = parse(argv);
  if (process.env.npm_lifecycle_event === "plan" && process.env.npm_config_json === "true" && !args.json) {
    process.stderr.write("codewhale-remote: note: npm kept --json for itself (or your npmrc sets json); for JSON output write npm run -s plan -- --json\n");
  }
  if (args.help) {
    process.stdout.write(usage());
    return EXIT.ok;
  }
  const file = stackFile(args);
  // Checked before planning, so a refused --out costs nothing and nothing is written.
  if (args.out !== undefined) checkBundleDir(args.out);
  if (args.jsonOut !== undefined) checkJsonOut(args.jsonOut);
  const raw = readStackConfig(file, args.stack);
  let plan: Plan;
  try {
    plan = await planStack({ stack: args.stack, raw, strict: args.strict });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`codewhale-remote: stack ${args.stack} (${shown(file)}): ${e.message}\n`);
      return EXIT.refused;
    }
    throw e;
  }
  const report = args.policy ? await policyPack().evaluatePolicies(policyPack().planSubjects(plan.resources), policyContextFromConfig(raw.values)) : undefined;
  const refused = report !== undefined && policyPack().mandatoryViolations(report).length > 0;
  if (refused) {
    process.stderr.write(`codewhale-remote: stack ${args.stack} violates mandatory policies${args.out || args.jsonOut ? "; nothing written" : ""}:\n${policyPack().mandatoryViolations(report).map(policyPack().formatViolation).join("\n")}\n`);
  }
  const json = JSON.stringify(report ? { ...plan, policy: report } : plan, null, 2) + "\n";
  if (args.json) process.stdout.write(json);
  if (refused) return EXIT.refused;

  const written: WrittenBundle | undefined = args.out !== undefined ? writeBundle(args.out, args.stack, plan.artifacts) : undefined;
  if (args.jsonOut !== undefined) writeJsonOut(args.jsonOut, json);
  // With --json, stdout is the JSON alone; what was written is said on stderr.
  const say = (text: string) => (args.json ? process.stderr : process.stdout).write(text);
  if (!args.json) {
    const custom = plan.resources.filter((r) => r.custom).length;
    say(`Offline plan of ${plan.project}/${plan.stack}: ${custom} resources in ${plan.resources.length - custom} components\n\n`);
    say(tree(plan) + "\n\nOutputs:\n");
    for (const [k, v] of Object.entries(plan.outputs)) {
      const text = typeof v === "string" ? v : JSON.stringify(v);
      say(`  ${k}: ${text.includes("\n") ? "\n      " + text.split("\n").join("\n      ") : text}\n`);
    }
    say(`\n${mockNote(plan)}`);
    if (plan.missingSecrets.length > 0) {
      say(`\nMissing secrets (a real deploy needs them; --strict fails on them):\n${plan.missingSecrets.map((k) => `  ${k}: pulumi config set --secret ${k.split(":")[1]} <value>`).join("\n")}\n`);
    }
    if (report) say(`\n${policySummary(report)}\n`);
  }
  if (written) say(`${args.json ? "" : "\n"}Bundle ${written.action} at ${written.dir}: ${Object.keys(plan.artifacts).sort().join(", ")}${written.leftOver ? ` (the earlier bundle, changed while this ran, is kept at ${written.leftOver})` : ""}\n`);
  if (args.jsonOut !== undefined) say(`${args.json || written ? "" : "\n"}JSON plan written to ${path.resolve(args.jsonOut)}\n`);
  return EXIT.ok;
}

/** The one line a user mistake gets, or undefined for a bug. */
function userMistake(e: unknown): string | undefined {
  if (e instanceof UsageError || e instanceof BundleDirError || e instanceof StackFileError) return e.message;
  return undefined;
}

main(process.argv.slice(2)).then(
  // Exit once stdout is flushed: a pipe takes 64 KiB at a time, and exiting earlier cuts a large --json plan.
  (code) => process.stdout.write("", () => process.exit(code)),
  (e: unknown) => {
    const line = userMistake(e);
    if (line !== undefined) {
      process.stderr.write(`codewhale-remote: ${line}\n`);
      process.stdout.write("", () => process.exit(EXIT.usage));
      return;
    }
    process.stderr.write(`codewhale-remote: plan failed (a bug in this program; please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(EXIT.bug);
  },
);
