/**
 * npm run bench [-- --runs <n>] [--json]
 *
 * What the program costs and how close it runs to the clouds' limits, on this machine, in one run:
 *  (a) the offline plan of one stack as the README runs it (`npm run plan -- --stack dev`, cold), and the
 *      program as the Pulumi CLI's language host starts it (Pulumi.yaml's runtime options, fresh temp dir),
 *      each next to the floor: a bare Pulumi program, compiled to JavaScript and run by plain `node`, that
 *      loads the same SDK modules and registers as many resources under plain mocks (the ratios are the
 *      figures), with each one's peak memory;
 *  (b) planning every stack of the cloud x bridge x provider matrix (from the registries);
 *  (c) rendered payload sizes against each cloud's limit (Azure customData, Lighthouse TAT content);
 *  (d) the longest dependency chain before the VM or instance can be created.
 * A benchmark, not a test: it reports and never fails on a number. A cloud that has no target yet is left
 * out of (b) and (d); a combination that cannot be planned is reported, not fatal.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import ts from "typescript";
import type { PayloadBudget } from "../components/target";
import { cloudTargets } from "../components/targets";
import { PROJECT } from "../config/keys";
import { loadSpec } from "../contract";
import { runLikeCli, type CliLoaderRun, type RuntimeOptions } from "../test/support/cli-loader";
import { ROOT, planStack, readStackConfig, type Plan, type PlannedResource } from "./offline-plan";
import { matrixStacks, type MatrixStack } from "./plan-matrix";

const MAXRSS = path.join(ROOT, "scripts/bench-maxrss.cjs");

/** What "the VM" is on each cloud: the resource whose creation the chain in (d) leads to (its row says). */
const HOST_TYPES = new Set(Object.values(cloudTargets).flatMap((t) => (t.hostType ? [t.hostType] : [])));


const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (x: number) => `${Math.round(x)} ms`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (k: number) => `${Math.round(k / 1024)} MB`;

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

interface Timed {
  readonly ms: number;
  /** Peak memory of the command's largest node process, KiB. */
  readonly maxRssKiB: number;
}

/** Runs a command cold (fresh TMPDIR) with every node process in it reporting its peak memory. */
function timeProcess(command: string, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Timed {
  const dir = mkdtempSync(path.join(os.tmpdir(), "codewhale-bench-run-"));
  try {
    const rss = path.join(dir, "rss");
    mkdirSync(rss);
    const env = { ...process.env, TMPDIR: dir, NODE_OPTIONS: `--require ${MAXRSS}`, CODEWHALE_BENCH_RSS_DIR: rss, ...extraEnv };
    const started = performance.now();
    const r = spawnSync(command, args, { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const elapsed = performance.now() - started;
    if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${r.status}: ${r.stderr}`);
    const peaks = readdirSync(rss).map((f) => (JSON.parse(readFileSync(path.join(rss, f), "utf8")) as { maxRssKiB: number }).maxRssKiB);
    return { ms: elapsed, maxRssKiB: Math.max(0, ...peaks) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

interface Figure {
  readonly ms: number;
  readonly maxRssKiB: number;
  /** Every run's wall time, for the spread. */
  readonly runsMs: readonly number[];
}

const figure = (xs: readonly Timed[]): Figure => ({ ms: median(xs.map((x) => x.ms)), maxRssKiB: Math.max(...xs.map((x) => x.maxRssKiB)), runsMs: xs.map((x) => Math.round(x.ms)) });

interface ColdStart {
  readonly resources: number;
  readonly components: number;
  readonly modules: readonly string[];
  /** `npm run plan -- --stack dev`, as the README runs it. */
  readonly plan: Figure;
  /** The same with an empty compile cache (scripts/register-ts.cjs). */
  readonly planNoCache: Figure;
  readonly planWithPolicy: Figure;
  /** The same plan without npm: `node --require ./scripts/register-ts.cjs scripts/plan.ts --stack dev`. */
  readonly planNode: Figure;
  /** The program as the Pulumi CLI's language host starts it, from Pulumi.yaml's runtime options. */
  readonly cli: Figure;
  readonly cliNoCache: Figure;
  /** Plain node, bare program. */
  readonly bare: Figure;
  /** The bare program as a JavaScript Pulumi program under the CLI's loader: what cmd/run costs by itself. */
  readonly cliBare: Figure;
  /** One run of the former configuration (`typescript: true`: the host's ts-node, type-checking), with --ts-node. */
  readonly tsNode?: Figure;
  readonly warmPlanMs: number;
}

/** Writes the bare program as JavaScript (beside the project's node_modules, so its imports resolve). */
function compileBare(dir: string, spec: object): { script: string; spec: string; cliProgram: string } {
  const source = readFileSync(path.join(ROOT, "scripts/bench-bare-program.ts"), "utf8");
  const script = path.join(dir, "bench-bare-program.cjs");
  writeFileSync(script, ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText);
  const specFile = path.join(dir, "bare.json");
  writeFileSync(specFile, JSON.stringify(spec));
  // The same registrations as a plain JavaScript Pulumi project, for the CLI loader's own cost.
  const cliProgram = path.join(dir, "cli-program");
  mkdirSync(cliProgram);
  writeFileSync(path.join(cliProgram, "Pulumi.yaml"), "name: codewhale-remote\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n");
  writeFileSync(path.join(cliProgram, "package.json"), JSON.stringify({ name: "bench-bare", main: "index.js" }));
  writeFileSync(path.join(cliProgram, "index.js"), `const { registerBare } = require(${JSON.stringify(script)});\nmodule.exports = async () => registerBare(require(${JSON.stringify(specFile)}));\n`);
  return { script, spec: specFile, cliProgram };
}

function cliRun(stack: string, expected: number, options: { root?: string; runtime?: RuntimeOptions; env?: NodeJS.ProcessEnv } = {}): Timed {
  const raw = readStackConfig(path.join(ROOT, `Pulumi.${stack}.yaml`), stack);
  // Placeholders for the stack's secrets, as `pulumi config set --secret` would set them.
  const secrets = { [`${PROJECT}:providerApiKey`]: "sk-bench-placeholder-0000", [`${PROJECT}:telegramBotToken`]: "123456789:AAHbenchPlaceholderToken_0123456789abc" };
  const r: CliLoaderRun = runLikeCli({ stack, config: { ...raw.values, ...secrets }, secretKeys: Object.keys(secrets), ...options });
  if (r.status !== 0) throw new Error(`the program under the CLI's loader exited with ${r.status}: ${r.stderr}`);
  if (r.registered.length !== expected) throw new Error(`the program under the CLI's loader registered ${r.registered.length} resources, not ${expected}`);
  return { ms: r.ms, maxRssKiB: r.maxRssKiB };
}

async function coldStart(runs: number, plan: Plan, withTsNode: boolean): Promise<ColdStart> {
  const custom = plan.resources.filter((r) => r.custom);
  const components = plan.resources.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack");
  const modules = [...new Set(["@pulumi/pulumi", ...custom.map((r) => sdkModule(r.type)).filter((m): m is string => m !== undefined)])].sort();
  mkdirSync(path.join(ROOT, ".cache"), { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, ".cache", "bench-"));
  try {
    const bare = compileBare(dir, { modules, components: components.map((r) => r.type), custom: custom.map((r) => r.type) });
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const t: Record<"plan" | "planNoCache" | "planWithPolicy" | "planNode" | "cli" | "cliNoCache" | "bare" | "cliBare", Timed[]> = { plan: [], planNoCache: [], planWithPolicy: [], planNode: [], cli: [], cliNoCache: [], bare: [], cliBare: [] };
    const all = plan.resources.length;
    // An empty compile cache each time: what a checkout without `npm ci`'s prepare step (or after editing
    // every file) pays.
    const noCache = (): NodeJS.ProcessEnv => ({ CODEWHALE_TS_CACHE_DIR: mkdtempSync(path.join(dir, "no-cache-")) });
    spawnSync(process.execPath, ["scripts/register-ts.cjs", "--warm"], { cwd: ROOT, stdio: "ignore" });
    // Interleaved, so a slow moment of the machine does not land on one side only.
    for (let i = 0; i < runs; i++) {
      t.plan.push(timeProcess(npm, ["run", "plan", "--", "--stack", "dev"]));
      t.bare.push(timeProcess(process.execPath, [bare.script, bare.spec]));
      t.cli.push(cliRun("dev", all));
      t.planNoCache.push(timeProcess(npm, ["run", "plan", "--", "--stack", "dev"], noCache()));
      t.cliNoCache.push(cliRun("dev", all, { env: noCache() }));
      t.planWithPolicy.push(timeProcess(npm, ["run", "plan", "--", "--stack", "dev", "--policy"]));
      t.planNode.push(timeProcess(process.execPath, ["--require", "./scripts/register-ts.cjs", "scripts/plan.ts", "--stack", "dev"]));
      t.cliBare.push(cliRun("dev", all, { root: bare.cliProgram }));
    }
    const tsNode = withTsNode ? figure([cliRun("dev", all, { runtime: { typescript: true } })]) : undefined;
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await planStack({ stack: "dev" });
      warm.push(performance.now() - started);
    }
    return {
      resources: custom.length,
      components: components.length,
      modules,
      plan: figure(t.plan),
      planNoCache: figure(t.planNoCache),
      planWithPolicy: figure(t.planWithPolicy),
      planNode: figure(t.planNode),
      cli: figure(t.cli),
      cliNoCache: figure(t.cliNoCache),
      bare: figure(t.bare),
      cliBare: figure(t.cliBare),
      ...(tsNode ? { tsNode } : {}),
      warmPlanMs: median(warm),
    };
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

/** (c) What carries the payload to the host on each cloud with a limit (its deploy module measures it), largest over the matrix. */
async function payloadSizes(stacks: readonly MatrixStack[]): Promise<PayloadSize[]> {
  const sizes: PayloadSize[] = [];
  for (const [cloud, target] of Object.entries(cloudTargets)) {
    const module = await target.load();
    if (!module.payloadBudget) continue;
    let largest: (PayloadBudget & { for: string }) | undefined;
    for (const s of stacks.filter((x) => x.cloud === cloud)) {
      const b = module.payloadBudget(loadSpec(s.raw, { allowMissingSecrets: true }).spec);
      if (!largest || b.bytes > largest.bytes) largest = { ...b, for: `${s.bridge}/${s.provider}` };
    }
    if (largest) sizes.push({ payload: largest.payload, limitBytes: largest.limitBytes, largestBytes: largest.bytes, largestFor: largest.for, detail: largest.detail });
  }
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
  const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, json: { type: "boolean", default: false }, "ts-node": { type: "boolean", default: false } } });
  const runs = Math.max(1, Number(values.runs));
  const say = (line: string) => values.json || process.stdout.write(line + "\n");

  say(`Machine: ${machine()}\n`);
  const dev = await planStack({ stack: "dev" });
  const cold = await coldStart(runs, dev, values["ts-node"] ?? false);
  const row = (label: string, f: Figure, floor?: Figure) =>
    say(`    ${label.padEnd(58)} ${ms(f.ms).padStart(8)}  ${mib(f.maxRssKiB).padStart(6)}${floor ? `   ratio ${(f.ms / floor.ms).toFixed(2)}` : ""}   (runs: ${f.runsMs.join(", ")} ms)`);
  say(`(a) Cold starts of the dev stack (median of ${runs}, fresh TMPDIR each; peak memory of the largest node process; ${cold.resources} resources in ${cold.components} components)`);
  row("floor: bare program, plain node", cold.bare);
  row("npm run plan -- --stack dev", cold.plan, cold.bare);
  row("  the same, empty compile cache", cold.planNoCache, cold.bare);
  row("npm run plan -- --stack dev --policy", cold.planWithPolicy, cold.bare);
  row("the same plan without npm (node --require ...)", cold.planNode, cold.bare);
  row("Pulumi CLI loader path, as Pulumi.yaml configures it", cold.cli, cold.bare);
  row("  the same, empty compile cache", cold.cliNoCache, cold.bare);
  row("bare program under the CLI loader (cmd/run's own cost)", cold.cliBare, cold.bare);
  say(`    CLI loader path / bare program under the CLI loader: ${(cold.cli.ms / cold.cliBare.ms).toFixed(2)}`);
  if (cold.tsNode) row("former configuration: typescript: true (ts-node, type-checking)", cold.tsNode, cold.bare);
  say(`    bare program's modules: ${cold.modules.join(", ")}`);
  say(`    the same plan in a warm process                            ${ms(cold.warmPlanMs).padStart(8)}\n`);

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

  const sizes = await payloadSizes(stacks);
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
