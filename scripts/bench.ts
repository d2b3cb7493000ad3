/**
 * npm run bench [-- --runs <n>] [--json]
 *
 * What the program costs and how close it runs to the clouds' limits, on this machine, in one run:
 *  (a) the offline plan of one stack from a cold `node` start, next to a bare Pulumi program that loads the
 *      same SDK modules and registers the same resources under plain mocks (the ratio is the figure);
 *  (b) planning every stack of the cloud x bridge x provider matrix (from the registries);
 *  (c) rendered payload sizes against each cloud's limit (Azure customData, Lighthouse TAT content);
 *  (d) the longest dependency chain before the VM or instance can be created.
 * A benchmark, not a test: it reports and never fails on a number. A cloud that has no target yet is left
 * out of (b) and (d); a combination that cannot be planned is reported, not fatal.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { envFileDelivery } from "../cloud-init/delivery";
import { fillSecrets } from "../cloud-init/render-shell";
import { CUSTOM_DATA_LIMIT, renderAzurePayload } from "../components/azure/cloud-init-payload";
import { TAT_CONTENT_LIMIT, renderLighthousePayload } from "../components/lighthouse/cloud-init-payload";
import { lighthouseDataDevices } from "../components/lighthouse/target";
import { RUNTIME_TOKEN_LENGTH } from "../components/shared";
import { cloudTargets } from "../components/targets";
import { loadSpec } from "../config/load";
import { RUNTIME_TOKEN_SECRET } from "../config/spec";
import { MAX_SECRET_LENGTH } from "../config/values";
import { ROOT, planStack, type Plan, type PlannedResource } from "./offline-plan";
import { matrixStacks, type MatrixStack } from "./plan-matrix";

const TSX = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");

/** What "the VM" is on each cloud: the resource whose creation the chain in (d) leads to. */
const HOST_TYPES = new Set(["azure-native:compute:VirtualMachine", "tencentcloud:Lighthouse/instance:Instance"]);


const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (x: number) => `${Math.round(x)} ms`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export function machine(): string {
  let distro = os.type();
  try {
    distro = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? distro;
  } catch {
    // not Linux: os.type() is enough
  }
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${distro}, Node ${process.version}`;
}

function timeProcess(args: readonly string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const elapsed = performance.now() - started;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited with ${r.status}: ${r.stderr}`);
  return elapsed;
}

/** SDK module of a type token: `azure-native:network:X` -> @pulumi/azure-native/network when it exists. */
function sdkModule(type: string): string | undefined {
  const [pkg, mod] = type.split(":");
  if (!pkg || pkg === "pulumi" || !mod) return undefined;
  const sub = mod.split("/")[0]!.toLowerCase();
  for (const candidate of sub === "index" ? [`@pulumi/${pkg}`] : [`@pulumi/${pkg}/${sub}`, `@pulumi/${pkg}`]) {
    try {
      require.resolve(candidate, { paths: [ROOT] });
      return candidate;
    } catch {
      // try the package root
    }
  }
  return undefined;
}

interface ColdStart {
  readonly resources: number;
  readonly components: number;
  readonly modules: readonly string[];
  readonly planMs: number;
  readonly planWithPolicyMs: number;
  readonly bareMs: number;
  readonly warmPlanMs: number;
}

async function coldStart(runs: number, plan: Plan): Promise<ColdStart> {
  const custom = plan.resources.filter((r) => r.custom);
  const components = plan.resources.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack");
  const modules = [...new Set(["@pulumi/pulumi", ...custom.map((r) => sdkModule(r.type)).filter((m): m is string => m !== undefined)])].sort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "codewhale-bench-"));
  try {
    const spec = path.join(dir, "bare.json");
    writeFileSync(spec, JSON.stringify({ modules, components: components.map((r) => r.type), custom: custom.map((r) => r.type) }));
    const plain: number[] = [];
    const withPolicy: number[] = [];
    const bare: number[] = [];
    // Interleaved, so a slow moment of the machine does not land on one side only.
    for (let i = 0; i < runs; i++) {
      plain.push(timeProcess([TSX, "scripts/plan.ts", "--stack", "dev"]));
      withPolicy.push(timeProcess([TSX, "scripts/plan.ts", "--stack", "dev", "--policy"]));
      bare.push(timeProcess([TSX, "scripts/bench-bare-program.ts", spec]));
    }
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await planStack({ stack: "dev" });
      warm.push(performance.now() - started);
    }
    return { resources: custom.length, components: components.length, modules, planMs: median(plain), planWithPolicyMs: median(withPolicy), bareMs: median(bare), warmPlanMs: median(warm) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface MatrixRun {
  readonly cloud: string;
  readonly stacks: number;
  readonly planned: number;
  readonly totalMs: number;
  readonly failures: readonly string[];
}

async function planEveryStack(stacks: readonly MatrixStack[]): Promise<{ runs: MatrixRun[]; plans: Map<MatrixStack, Plan> }> {
  const plans = new Map<MatrixStack, Plan>();
  const runs: MatrixRun[] = [];
  for (const cloud of Object.keys(cloudTargets)) {
    const mine = stacks.filter((s) => s.cloud === cloud);
    const failures: string[] = [];
    const started = performance.now();
    for (const s of mine) {
      try {
        plans.set(s, await planStack({ stack: s.raw.stack, raw: s.raw }));
      } catch (e) {
        failures.push(`${s.bridge}/${s.provider}: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`);
      }
    }
    runs.push({ cloud, stacks: mine.length, planned: mine.length - failures.length, totalMs: performance.now() - started, failures });
  }
  return { runs, plans };
}

interface PayloadSize {
  readonly payload: string;
  readonly limitBytes: number;
  readonly largestBytes: number;
  readonly largestFor: string;
  readonly detail: string;
}

/** (c) Azure customData (gzip + base64 of the cloud-config) and the Lighthouse TAT bootstrap (base64). */
function payloadSizes(stacks: readonly MatrixStack[]): PayloadSize[] {
  const sizes: PayloadSize[] = [];
  const byBridgeProvider = new Map(stacks.map((s) => [`${s.bridge}/${s.provider}`, s]));
  if (cloudTargets.azure) {
    let largest = { gz: 0, b64: 0, raw: 0, for: "" };
    for (const s of stacks.filter((x) => x.cloud === "azure")) {
      const { spec } = loadSpec(s.raw, { allowMissingSecrets: true });
      // The longest vault name the program makes (cw + 12 + '-' + 8): it appears in the payload.
      const r = renderAzurePayload(spec, "cwabcdefghijkl-abcdefgh");
      const gz = Buffer.from(r.customData, "base64").length;
      if (gz > largest.gz) largest = { gz, b64: r.customData.length, raw: Buffer.byteLength(r.cloudConfig), for: `${s.bridge}/${s.provider}` };
    }
    sizes.push({
      payload: "Azure customData (gzip of the cloud-config)",
      limitBytes: CUSTOM_DATA_LIMIT,
      largestBytes: largest.gz,
      largestFor: largest.for,
      detail: `cloud-config ${kib(largest.raw)}, gzip ${kib(largest.gz)}, base64 ${kib(largest.b64)}`,
    });
  }
  let largest = { b64: 0, raw: 0, for: "" };
  for (const [key, s] of byBridgeProvider) {
    const { spec } = loadSpec(s.raw, { allowMissingSecrets: true });
    // What the Lighthouse target renders, with a data disk (the default) and every secret at its longest.
    const r = renderLighthousePayload(spec, envFileDelivery(), lighthouseDataDevices("lhdisk-00000000"));
    const values = new Map(r.secretIds.map((id) => [id, "x".repeat(id === RUNTIME_TOKEN_SECRET ? RUNTIME_TOKEN_LENGTH : MAX_SECRET_LENGTH)]));
    const script = fillSecrets(r.bootstrap, values);
    const b64 = Buffer.from(script, "utf8").toString("base64").length;
    if (b64 > largest.b64) largest = { b64, raw: Buffer.byteLength(script), for: key };
  }
  sizes.push({
    payload: "Lighthouse TAT content (shell bootstrap, base64)",
    limitBytes: TAT_CONTENT_LIMIT,
    largestBytes: largest.b64,
    largestFor: largest.for,
    detail: `bootstrap ${kib(largest.raw)} with every config secret at ${MAX_SECRET_LENGTH} characters, base64 ${kib(largest.b64)}`,
  });
  return sizes;
}

export interface Chain {
  readonly host: string;
  /** Custom resources that must exist before the host, in creation order (the host last). */
  readonly path: readonly PlannedResource[];
}

/**
 * (d) The longest chain of custom resources ending at a host resource, through dependencies and parents
 * (a child waits for its parent; components cost nothing themselves).
 */
export function longestChainToHost(resources: readonly PlannedResource[], hostTypes: ReadonlySet<string> = HOST_TYPES): Chain[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const memo = new Map<string, PlannedResource[]>();
  const longest = (r: PlannedResource, seen: ReadonlySet<string>): PlannedResource[] => {
    const cached = memo.get(r.urn);
    if (cached) return cached;
    if (seen.has(r.urn)) throw new Error(`dependency cycle through ${r.urn}`);
    const next = new Set(seen).add(r.urn);
    let best: PlannedResource[] = [];
    for (const urn of [...r.dependencies, r.parent]) {
      const dep = byUrn.get(urn);
      if (!dep) continue;
      const chain = longest(dep, next);
      if (chain.length > best.length) best = chain;
    }
    const result = r.custom ? [...best, r] : best;
    memo.set(r.urn, result);
    return result;
  };
  return resources.filter((r) => hostTypes.has(r.type)).map((host) => ({ host: host.type, path: longest(host, new Set()) }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, json: { type: "boolean", default: false } } });
  const runs = Math.max(1, Number(values.runs));
  const say = (line: string) => values.json || process.stdout.write(line + "\n");

  say(`Machine: ${machine()}\n`);
  const dev = await planStack({ stack: "dev" });
  const cold = await coldStart(runs, dev);
  say(`(a) Offline plan of the dev stack from a cold node start (median of ${runs}; ${cold.resources} resources in ${cold.components} components)`);
  say(`    npm run plan -- --stack dev            ${ms(cold.planMs)}`);
  say(`    npm run plan -- --stack dev --policy   ${ms(cold.planWithPolicyMs)}`);
  say(`    bare program, same SDK modules and resources  ${ms(cold.bareMs)}   (${cold.modules.join(", ")})`);
  say(`    ratio plan / bare                      ${(cold.planMs / cold.bareMs).toFixed(2)}`);
  say(`    the same plan in a warm process        ${ms(cold.warmPlanMs)}\n`);

  const stacks = matrixStacks();
  const { runs: matrix, plans } = await planEveryStack(stacks);
  const total = matrix.reduce((a, m) => a + m.totalMs, 0);
  const planned = matrix.reduce((a, m) => a + m.planned, 0);
  say(`(b) Every stack of the cloud x bridge x provider matrix, one process: ${planned} of ${stacks.length} planned in ${ms(total)} (${ms(total / Math.max(1, planned))} per stack)`);
  for (const m of matrix) {
    say(`    ${m.cloud}: ${m.planned}/${m.stacks} stacks in ${ms(m.totalMs)}`);
    for (const f of m.failures) say(`      not planned: ${f}`);
  }
  say("");

  const sizes = payloadSizes(stacks);
  say("(c) Rendered payloads against the cloud's limit (largest over the matrix)");
  for (const s of sizes) {
    say(`    ${s.payload}: ${kib(s.largestBytes)} of ${kib(s.limitBytes)} (${((100 * s.largestBytes) / s.limitBytes).toFixed(1)}%, ${s.largestFor}); ${s.detail}`);
  }
  say("");

  say("(d) Longest dependency chain before the VM/instance is created (first stack of each cloud)");
  const chains: { cloud: string; chain: Chain }[] = [];
  for (const cloud of Object.keys(cloudTargets)) {
    const first = stacks.find((s) => s.cloud === cloud && plans.has(s));
    for (const chain of first ? longestChainToHost(plans.get(first)!.resources) : []) {
      chains.push({ cloud, chain });
      say(`    ${cloud}: ${chain.path.length - 1} resources before ${chain.host}: ${chain.path.map((r) => `${r.name} (${r.type.split(":").pop()})`).join(" -> ")}`);
    }
  }

  if (values.json) {
    const chainJson = chains.map(({ cloud, chain }) => ({ cloud, host: chain.host, before: chain.path.length - 1, path: chain.path.map((r) => r.urn) }));
    process.stdout.write(JSON.stringify({ machine: machine(), coldStart: cold, matrix, payloads: sizes, chains: chainJson }, null, 2) + "\n");
  }
}

if (require.main === module) {
  main().then(
    () => process.stdout.write("", () => process.exit(0)),
    (e: unknown) => {
      process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
