/**
 * npx tsx scripts/stack-matrix.ts
 *
 * The stacks of this repository as a GitHub Actions matrix, one entry per `Pulumi.<stack>.yaml`:
 * `[{"stack":"dev","cloud":"azure"}]` on one line. The workflows fan out over it (one job per stack), so
 * adding a stack is adding its file. `cloud` tells a job which credentials it needs.
 */
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { PROJECT, configKeys } from "../config/keys";
import { ROOT, readStackConfig } from "./offline-plan";

export interface StackEntry {
  readonly stack: string;
  readonly cloud: string;
}

const STACK_FILE = /^Pulumi\.(.+)\.ya?ml$/;
// Pulumi's own rule for stack names; it also keeps names safe as job, environment and artifact names.
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export function stackMatrix(root: string = ROOT): StackEntry[] {
  return readdirSync(root)
    .flatMap((file) => {
      const stack = STACK_FILE.exec(file)?.[1];
      if (stack === undefined) return [];
      if (!STACK_NAME.test(stack)) {
        throw new Error(`${file}: '${stack}' is not a valid stack name; expected letters, digits, '_', '.' or '-'. Rename the file to Pulumi.<stack>.yaml.`);
      }
      const values = readStackConfig(path.join(root, file), stack).values;
      return [{ stack, cloud: values[`${PROJECT}:cloud`] ?? String(configKeys.cloud.default) }];
    })
    .sort((a, b) => a.stack.localeCompare(b.stack));
}

if (require.main === module) {
  process.stdout.write(JSON.stringify(stackMatrix()) + "\n");
}
