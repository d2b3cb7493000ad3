/**
 * The environment guard (scripts/environment-guard.ts): a deploy or reconcile enters a stack's GitHub
 * environment only when the stack is listed, the environment exists (GitHub would create a missing one
 * unprotected) and only main can deploy to it (an environment open to any branch gives its secrets to any
 * branch's workflow), and the deploy key is not readable outside it.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { judgeEnvironment, type GitHubEnvironment, type GuardInput } from "../scripts/environment-guard";
import { fakeGitHub } from "./fixtures/github-environments";

const mainOnly: GitHubEnvironment = { name: "prod", deployment_branch_policy: { protected_branches: false, custom_branch_policies: true }, protection_rules: [{ type: "branch_policy" }] };
const base: GuardInput = { stack: "prod", listed: true, environment: mainOnly, branchPolicies: [{ name: "main", type: "branch" }], deployKeyOutsideEnvironment: false };

describe("judgeEnvironment", () => {
  it("passes a listed stack whose environment deploys from main only, and says whether approval is required", () => {
    const v = judgeEnvironment(base);
    expect(v).toMatchObject({ ok: true, problems: [] });
    expect(v.notes).toContain("deployment branches: 'main' only.");
    expect(v.notes.join("\n")).toContain("no required reviewers: a merge to main deploys without approval");
    const reviewed = judgeEnvironment({ ...base, environment: { ...mainOnly, protection_rules: [{ type: "required_reviewers", reviewers: [{ type: "User", reviewer: { login: "octo" } }] }] } });
    expect(reviewed.notes).toContain("required reviewers: octo; the deploy waits for one of them.");
  });

  it("accepts 'protected branches only'", () => {
    const v = judgeEnvironment({ ...base, environment: { name: "prod", deployment_branch_policy: { protected_branches: true, custom_branch_policies: false } }, branchPolicies: undefined });
    expect(v.ok).toBe(true);
  });

  it("refuses a missing environment (GitHub would create it unprotected)", () => {
    const v = judgeEnvironment({ ...base, environment: null });
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([expect.stringContaining("GitHub environment 'prod' does not exist; GitHub would create it on first use without any protection.")]);
  });

  it("refuses an environment every branch can deploy to", () => {
    const v = judgeEnvironment({ ...base, environment: { name: "prod", deployment_branch_policy: null } });
    expect(v.problems).toEqual([expect.stringContaining("lets every branch deploy")]);
  });

  it("refuses branch rules other than exactly 'main', and none at all", () => {
    for (const branchPolicies of [[{ name: "main" }, { name: "release/*" }], [{ name: "*" }], [{ name: "main", type: "tag" }], []]) {
      const v = judgeEnvironment({ ...base, branchPolicies });
      expect(v.ok, JSON.stringify(branchPolicies)).toBe(false);
      expect(v.problems[0]).toContain("must allow exactly the branch 'main'");
    }
  });

  it("refuses a stack that is not listed, and a deploy key readable outside the environment, all problems at once", () => {
    const v = judgeEnvironment({ ...base, listed: false, deployKeyOutsideEnvironment: true, environment: null });
    expect(v.problems).toHaveLength(3);
    expect(v.problems[0]).toContain("not listed in .github/deploy-stacks");
    expect(v.problems[1]).toContain("TENCENTCLOUD_SECRET_ID or TENCENTCLOUD_SECRET_KEY is readable outside the stack's environment");
  });
});

describe("the guard's command line, against a stand-in for GitHub's REST API", () => {
  const tmp = mkdtempSync(path.join(tmpdir(), "codewhale-guard-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const checkout = path.join(tmp, "repo");
  mkdirSync(path.join(checkout, ".github"), { recursive: true });
  writeFileSync(path.join(checkout, ".github/deploy-stacks"), "prod\nopen\nnew\n");

  const run = (stack: string, url: string, extra: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string; summary: string }>((resolve) => {
      const summary = path.join(tmp, `summary-${stack}.md`);
      writeFileSync(summary, "");
      const child = spawn(process.execPath, ["--require", "./scripts/register-ts.cjs", "scripts/environment-guard.ts", "--stack", stack, "--root", checkout], {
        cwd: path.resolve(__dirname, ".."),
        env: { ...process.env, GITHUB_API_URL: url, GITHUB_REPOSITORY: "me/cw", GITHUB_TOKEN: "t0ken", GITHUB_STEP_SUMMARY: summary, DEPLOY_KEY_OUTSIDE_ENVIRONMENT: "false", ...extra },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => resolve({ code, stdout, stderr, summary: readFileSync(summary, "utf8") }));
    });

  it("passes, refuses and explains, reading the environment and its branch rules", async () => {
    const gh = await fakeGitHub("me/cw", "t0ken", {
      prod: { env: mainOnly, policies: [{ name: "main", type: "branch" }] },
      open: { env: { name: "open", deployment_branch_policy: null } },
    });
    try {
      const ok = await run("prod", gh.url);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.summary).toContain("### Environment check for prod: passed");
      expect(gh.requests).toEqual(["GET /repos/me/cw/environments/prod", "GET /repos/me/cw/environments/prod/deployment-branch-policies?per_page=100"]);

      const open = await run("open", gh.url);
      expect(open.code).toBe(1);
      expect(open.stderr).toContain("codewhale-remote: stack open: GitHub environment 'open' lets every branch deploy");

      const missing = await run("new", gh.url);
      expect(missing.code).toBe(1);
      expect(missing.summary).toContain("### Environment check for new: refused");

      const leaked = await run("prod", gh.url, { DEPLOY_KEY_OUTSIDE_ENVIRONMENT: "true" });
      expect(leaked.code).toBe(1);
      expect(leaked.stderr).toContain("readable outside the stack's environment");

      const noToken = await run("prod", gh.url, { GITHUB_TOKEN: "wrong" });
      expect(noToken.code).toBe(2);
      expect(noToken.stderr).toContain("HTTP 401");
    } finally {
      await gh.close();
    }
  });
});
