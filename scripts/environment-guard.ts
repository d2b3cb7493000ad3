/**
 * node --require ./scripts/register-ts.cjs scripts/environment-guard.ts --stack <name> [--root <repository checkout>]
 *
 * Runs before any job that enters a stack's GitHub environment (deploy, reconcile) and refuses the stack
 * unless the environment exists and only `main` can deploy to it. GitHub creates a missing environment on
 * first use without any protection, and an environment open to every branch hands its secrets to a
 * workflow pushed on any branch, so neither may be entered. Exit 1 with every problem and its fix; the
 * verdict also goes to the job summary.
 *
 * Reads GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_TOKEN (the job token with `actions: read`: the REST
 * environments endpoints need the "Actions" repository permission, read) and DEPLOY_KEY_OUTSIDE_ENVIRONMENT
 * ("true" when the deploy-only secrets are visible to this job, which runs in no environment: then they are
 * repository or organization secrets, which every workflow of every branch can read).
 *
 * Response shapes: GitHub REST "Get an environment" (`deployment_branch_policy`: null, or
 * {protected_branches, custom_branch_policies}; `protection_rules`: [{type: required_reviewers | wait_timer |
 * branch_policy, ...}]) and "List deployment branch policies" ({total_count, branch_policies: [{name, type}]}).
 */
import { appendFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ROOT, readDeployList } from "./stack-matrix";

/** The branch that deploys: deploy.yml runs on pushes to it. */
export const DEPLOY_BRANCH = "main";

export interface GitHubEnvironment {
  readonly name: string;
  readonly deployment_branch_policy: { readonly protected_branches: boolean; readonly custom_branch_policies: boolean } | null;
  readonly protection_rules?: readonly { readonly type: string; readonly reviewers?: readonly { readonly type: string; readonly reviewer: { readonly login?: string; readonly slug?: string } }[] }[];
}

export interface BranchPolicy {
  readonly name: string;
  readonly type?: string;
}

export interface GuardInput {
  readonly stack: string;
  readonly listed: boolean;
  /** null: the environment does not exist (404). */
  readonly environment: GitHubEnvironment | null;
  /** The custom deployment branch policies, when the environment uses them. */
  readonly branchPolicies?: readonly BranchPolicy[];
  readonly deployKeyOutsideEnvironment: boolean;
}

export interface Verdict {
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly notes: readonly string[];
}

export function judgeEnvironment(input: GuardInput): Verdict {
  const { stack, environment: env } = input;
  const problems: string[] = [];
  const notes: string[] = [];
  if (!input.listed) problems.push(`stack '${stack}' is not listed in .github/deploy-stacks. Add it there in a reviewed pull request to let the pipeline deploy it.`);
  if (input.deployKeyOutsideEnvironment) {
    problems.push(
      "TENCENTCLOUD_SECRET_ID or TENCENTCLOUD_SECRET_KEY is readable outside the stack's environment (a repository or organization secret), so every workflow of every branch can read the deploy key. Store it as a secret of the environment and delete the repository/organization secret.",
    );
  }
  if (env === null) {
    problems.push(`GitHub environment '${stack}' does not exist; GitHub would create it on first use without any protection. Create it (Settings → Environments → New environment '${stack}') with deployment branches limited to '${DEPLOY_BRANCH}'.`);
    return { ok: false, problems, notes };
  }
  const policy = env.deployment_branch_policy;
  if (policy === null) {
    problems.push(`GitHub environment '${stack}' lets every branch deploy, so a workflow pushed on any branch can read its secrets. Set Deployment branches and tags to the branch '${DEPLOY_BRANCH}' only.`);
  } else if (policy.protected_branches) {
    notes.push(`deployment branches: protected branches only (protect '${DEPLOY_BRANCH}' and no other branch you would not deploy from).`);
  } else if (policy.custom_branch_policies) {
    const list = input.branchPolicies ?? [];
    const other = list.filter((p) => (p.type ?? "branch") !== "branch" || p.name !== DEPLOY_BRANCH);
    if (list.length === 0 || other.length > 0) {
      const found = list.length === 0 ? "none" : list.map((p) => `${p.type ?? "branch"} '${p.name}'`).join(", ");
      problems.push(`GitHub environment '${stack}' must allow exactly the branch '${DEPLOY_BRANCH}' (found: ${found}). Edit its Deployment branches and tags to the one branch rule '${DEPLOY_BRANCH}'.`);
    } else {
      notes.push(`deployment branches: '${DEPLOY_BRANCH}' only.`);
    }
  } else {
    problems.push(`GitHub environment '${stack}' has a deployment branch policy with neither protected branches nor branch rules. Set Deployment branches and tags to the branch '${DEPLOY_BRANCH}' only.`);
  }
  const reviewers = (env.protection_rules ?? []).filter((r) => r.type === "required_reviewers").flatMap((r) => r.reviewers ?? []);
  notes.push(
    reviewers.length > 0
      ? `required reviewers: ${reviewers.map((r) => r.reviewer.login ?? r.reviewer.slug ?? r.type).join(", ")}; the deploy waits for one of them.`
      : "no required reviewers: a merge to main deploys without approval (private repositories on GitHub Free, Pro and Team cannot have reviewers).",
  );
  return { ok: problems.length === 0, problems, notes };
}

export function verdictMarkdown(stack: string, v: Verdict): string {
  return [
    `### Environment check for ${stack}: ${v.ok ? "passed" : "refused"}`,
    "",
    ...v.problems.map((p) => `- :x: ${p}`),
    ...v.notes.map((n) => `- ${n}`),
    "",
  ].join("\n");
}

async function getJson(url: string, token: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { headers: { Accept: "application/vnd.github+json", Authorization: `Bearer ${token}`, "X-GitHub-Api-Version": "2022-11-28" } });
  const body = res.status === 200 ? await res.json() : await res.text();
  return { status: res.status, body };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { stack: { type: "string" }, root: { type: "string", default: ROOT } } });
  const stack = values.stack;
  const repo = process.env.GITHUB_REPOSITORY;
  const token = process.env.GITHUB_TOKEN;
  if (!stack || !repo || !token) {
    process.stderr.write("environment-guard: --stack, GITHUB_REPOSITORY and GITHUB_TOKEN are required\n");
    return 2;
  }
  const api = `${process.env.GITHUB_API_URL ?? "https://api.github.com"}/repos/${repo}/environments/${encodeURIComponent(stack)}`;
  const env = await getJson(api, token);
  if (env.status !== 200 && env.status !== 404) throw new Error(`GET ${api}: HTTP ${env.status}: ${String(env.body)}`);
  const environment = env.status === 200 ? (env.body as GitHubEnvironment) : null;
  let branchPolicies: BranchPolicy[] | undefined;
  if (environment?.deployment_branch_policy?.custom_branch_policies) {
    const list = await getJson(`${api}/deployment-branch-policies?per_page=100`, token);
    if (list.status !== 200) throw new Error(`GET ${api}/deployment-branch-policies: HTTP ${list.status}: ${String(list.body)}`);
    branchPolicies = (list.body as { branch_policies: BranchPolicy[] }).branch_policies;
  }
  const verdict = judgeEnvironment({
    stack,
    listed: readDeployList(values.root).includes(stack),
    environment,
    branchPolicies,
    deployKeyOutsideEnvironment: process.env.DEPLOY_KEY_OUTSIDE_ENVIRONMENT === "true",
  });
  const md = verdictMarkdown(stack, verdict);
  process.stdout.write(md);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, md + "\n");
  for (const p of verdict.problems) process.stderr.write(`codewhale-remote: stack ${stack}: ${p}\n`);
  return verdict.ok ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`environment-guard: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(2);
    },
  );
}
