/**
 * npm run plan -- --stack <name> [--config <file>] [--json] [--out <dir>] [--strict] [--policy]
 *
 * The deployment of one stack without a cloud, credentials or the Pulumi CLI: prints the resource tree (or
 * JSON), writes the deploy bundle with --out. Invalid config: exit 1 with every problem, nothing written.
 * --policy runs the policy pack's checks on the planned resources: exit 1 on a mandatory violation, each
 * violation naming the policy and the resource.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../config/errors";
import type { PolicyReport } from "../policy/evaluate";
import { policyContextFromConfig } from "../policy/stack-opt-in";
import { ROOT, planStack, readStackConfig, type Plan } from "./offline-plan";

/** The policy pack (secretlint and its rules) is loaded for --policy only: a plain plan does not pay for it. */
const policyPack = () => require("../policy/evaluate") as typeof import("../policy/evaluate");

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

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", default: "dev" },
      config: { type: "string" },
      json: { type: "boolean", default: false },
      out: { type: "string" },
      strict: { type: "boolean", default: false },
      policy: { type: "boolean", default: false },
    },
  });
  const stack = values.stack!;
  let plan: Plan;
  const raw = readStackConfig(values.config ?? path.join(ROOT, `Pulumi.${stack}.yaml`), stack);
  try {
    plan = await planStack({ stack, raw, strict: values.strict ?? false });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`codewhale-remote: stack ${stack}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const report = values.policy ? await policyPack().evaluatePolicies(policyPack().planSubjects(plan.resources), policyContextFromConfig(raw.values)) : undefined;
  const refused = report !== undefined && policyPack().mandatoryViolations(report).length > 0;
  if (values.out && !refused) {
    const dir = path.resolve(values.out);
    rmSync(dir, { recursive: true, force: true });
    for (const [rel, content] of Object.entries(plan.artifacts)) {
      const file = path.join(dir, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content, { mode: rel.endsWith(".sh") ? 0o755 : 0o644 });
    }
  }
  if (values.json) {
    process.stdout.write(JSON.stringify(report ? { ...plan, policy: report } : plan, null, 2) + "\n");
  } else {
    const custom = plan.resources.filter((r) => r.custom).length;
    process.stdout.write(`Offline plan of ${plan.project}/${plan.stack}: ${custom} resources in ${plan.resources.length - custom} components\n\n`);
    process.stdout.write(tree(plan) + "\n\nOutputs:\n");
    for (const [k, v] of Object.entries(plan.outputs)) {
      const text = typeof v === "string" ? v : JSON.stringify(v);
      process.stdout.write(`  ${k}: ${text.includes("\n") ? "\n      " + text.split("\n").join("\n      ") : text}\n`);
    }
    if (plan.missingSecrets.length > 0) {
      process.stdout.write(`\nMissing secrets (a real deploy needs them; --strict fails on them):\n${plan.missingSecrets.map((k) => `  ${k}: pulumi config set --secret ${k.split(":")[1]} <value>`).join("\n")}\n`);
    }
    if (values.out && !refused) process.stdout.write(`\nBundle written to ${path.resolve(values.out)}: ${Object.keys(plan.artifacts).sort().join(", ")}\n`);
    if (report) process.stdout.write(`\n${policySummary(report)}\n`);
  }
  if (refused) {
    process.stderr.write(`codewhale-remote: stack ${stack} violates mandatory policies${values.out ? "; no bundle written" : ""}:\n${policyPack().mandatoryViolations(report).map(policyPack().formatViolation).join("\n")}\n`);
    return 1;
  }
  return 0;
}

function policySummary(report: PolicyReport): string {
  const { formatViolation, mandatoryViolations } = policyPack();
  const lines = report.violations.map(formatViolation);
  const mandatory = mandatoryViolations(report).length;
  return [`Policies: ${mandatory} mandatory and ${report.violations.length - mandatory} advisory violations`, ...lines].join("\n");
}

main().then(
  // Exit once stdout is flushed: a pipe takes 64 KiB at a time, and exiting earlier cuts a large --json plan.
  (code) => process.stdout.write("", () => process.exit(code)),
  (e: unknown) => {
    process.stderr.write(`codewhale-remote: plan failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
