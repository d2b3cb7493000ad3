/**
 * npx tsx scripts/stack-matrix.ts [--deployable]
 *
 * The stacks of this repository as a GitHub Actions matrix, one entry per `Pulumi.<stack>.yaml`, on one line:
 * `[{"stack":"dev","cloud":"azure","deploy":false,"azureLogin":true}]`. With --deployable, only the stacks
 * listed in `.github/deploy-stacks`: the only ones the pipeline previews against the cloud, deploys and checks
 * for drift. A new stack file is planned offline on every pull request but touches no cloud until a reviewed
 * change lists it (`.github/` has code owners), so adding a file cannot deploy by itself.
 *
 * `azureLogin` says whether a job on the stack needs the Azure login: an Azure stack, or any stack whose
 * backend (`PULUMI_BACKEND_URL` = azblob://...) or secrets provider (the stack file's `secretsprovider:`,
 * azurekeyvault://...) lives in Azure, whatever the stack's own cloud.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { PROJECT } from "../config/keys";
import { CONFIG_KEYS } from "../contract";

export const ROOT = path.resolve(__dirname, "..");
/** The allowlist of deployable stacks, under `.github/` so that CODEOWNERS guards it with the workflows. */
export const DEPLOY_LIST = ".github/deploy-stacks";

export interface StackEntry {
  readonly stack: string;
  readonly cloud: string;
  /** Listed in .github/deploy-stacks: previewed against the cloud, deployed, drift-checked. */
  readonly deploy: boolean;
  readonly azureLogin: boolean;
}

export interface MatrixEnv {
  /** vars.PULUMI_BACKEND_URL: empty for Pulumi Cloud. */
  readonly backendUrl?: string;
}

const STACK_FILE = /^Pulumi\.(.+)\.(yaml|yml)$/;
// Pulumi's own rule for stack names; it also keeps names safe as job, environment, group and artifact names.
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** The stack names of `.github/deploy-stacks`: one per line, `#` starts a comment. Missing file: none. */
export function readDeployList(root: string = ROOT): string[] {
  const file = path.join(root, DEPLOY_LIST);
  if (!existsSync(file)) return [];
  const names = readFileSync(file, "utf8")
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .filter((line) => line !== "");
  for (const name of names) {
    if (!STACK_NAME.test(name)) throw new Error(`${DEPLOY_LIST}: '${name}' is not a stack name; expected one stack name per line (letters, digits, '_', '.' or '-'), '#' for comments.`);
  }
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new Error(`${DEPLOY_LIST}: '${dup}' is listed twice; list each stack once.`);
  return names;
}

export function stackMatrix(root: string = ROOT, env: MatrixEnv = {}): StackEntry[] {
  const listed = readDeployList(root);
  const entries = readdirSync(root)
    .flatMap((file) => {
      const m = STACK_FILE.exec(file);
      if (!m) return [];
      const [, stack, ext] = m as unknown as [string, string, string];
      if (ext === "yml") {
        // The CLI reads Pulumi.<stack> + the project file's extension, so next to Pulumi.yaml a .yml stack
        // file is never read: `pulumi up` would deploy the stack without its config
        // (pulumi/pulumi sdk/go/common/workspace/paths.go, DetectProjectStackPath, v3.248.0).
        throw new Error(`${file}: the Pulumi CLI reads Pulumi.${stack}.yaml (the extension of Pulumi.yaml) and would ignore this file. Rename it to Pulumi.${stack}.yaml.`);
      }
      if (!STACK_NAME.test(stack)) {
        throw new Error(`${file}: '${stack}' is not a valid stack name; expected letters, digits, '_', '.' or '-'. Rename the file to Pulumi.<stack>.yaml.`);
      }
      const doc = (parseYaml(readFileSync(path.join(root, file), "utf8")) ?? {}) as { config?: Record<string, unknown>; secretsprovider?: unknown };
      const rawCloud = doc.config?.[`${PROJECT}:cloud`] ?? doc.config?.cloud ?? CONFIG_KEYS.cloud!.default;
      const cloud = String(rawCloud);
      const secretsProvider = typeof doc.secretsprovider === "string" ? doc.secretsprovider : "";
      const azureLogin = cloud === "azure" || (env.backendUrl ?? "").startsWith("azblob://") || secretsProvider.startsWith("azurekeyvault://");
      return [{ stack, cloud, deploy: listed.includes(stack), azureLogin }];
    })
    .sort((a, b) => a.stack.localeCompare(b.stack));
  const unknown = listed.filter((s) => !entries.some((e) => e.stack === s));
  if (unknown.length > 0) {
    throw new Error(`${DEPLOY_LIST}: ${unknown.map((s) => `'${s}'`).join(", ")} has no Pulumi.<stack>.yaml at the repository root. Add the stack file or remove the line.`);
  }
  return entries;
}

if (require.main === module) {
  const { values } = parseArgs({ options: { deployable: { type: "boolean", default: false } } });
  const entries = stackMatrix(ROOT, { backendUrl: process.env.PULUMI_BACKEND_URL });
  process.stdout.write(JSON.stringify(values.deployable ? entries.filter((e) => e.deploy) : entries) + "\n");
}
