/**
 * The floor of `npm run bench` (a): a bare Pulumi program that loads the given SDK modules and registers
 * the given resources (same types, same count, same parent components) under Pulumi's plain mocks, and
 * does nothing else. Whatever the offline plan costs above this is the program's own work. The bench
 * compiles this file to JavaScript first and runs it with plain `node` (no TypeScript loader), and also
 * hands `registerBare` to the Pulumi CLI's loader as a plain JavaScript program (the CLI path's floor).
 *
 * node <compiled>.cjs <spec.json>   spec: {modules: string[], components: string[], custom: string[]}
 */
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";

/** Any resource type: the mocks answer every registration the same way. */
class BareResource extends pulumi.CustomResource {}

export interface BareSpec {
  readonly modules: readonly string[];
  readonly components: readonly string[];
  readonly custom: readonly string[];
}

/** Loads the modules and registers the resources; run inside a Pulumi stack. */
export function registerBare(spec: BareSpec): Record<string, never> {
  for (const m of spec.modules) require(m);
  const parents = spec.components.map((type, i) => new pulumi.ComponentResource(type, `component-${i}`));
  spec.custom.forEach((type, i) => new BareResource(type, `resource-${i}`, { input: `value-${i}` }, parents.length ? { parent: parents[i % parents.length] } : {}));
  return {};
}

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as BareSpec;
  pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) }, "codewhale-remote", "bench", true);
  await pulumi.runtime.runInPulumiStack(async () => registerBare(spec));
  await pulumi.runtime.disconnect();
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`bare program failed: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
