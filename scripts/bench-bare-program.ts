/**
 * The baseline of `npm run bench` (a): a bare Pulumi program that loads the given SDK modules and registers
 * the given resources (same types, same count, same parent components) under Pulumi's plain mocks, and
 * does nothing else. Whatever the offline plan costs above this is the program's own work.
 *
 * tsx scripts/bench-bare-program.ts <spec.json>   spec: {modules: string[], components: string[], custom: string[]}
 */
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";

/** Any resource type: the mocks answer every registration the same way. */
class BareResource extends pulumi.CustomResource {}

interface BareSpec {
  readonly modules: readonly string[];
  readonly components: readonly string[];
  readonly custom: readonly string[];
}

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as BareSpec;
  for (const m of spec.modules) require(m);
  pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) }, "codewhale-remote", "bench", true);
  await pulumi.runtime.runInPulumiStack(async () => {
    const parents = spec.components.map((type, i) => new pulumi.ComponentResource(type, `component-${i}`));
    spec.custom.forEach((type, i) => new BareResource(type, `resource-${i}`, { input: `value-${i}` }, parents.length ? { parent: parents[i % parents.length] } : {}));
    return {};
  });
  await pulumi.runtime.disconnect();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bare program failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
