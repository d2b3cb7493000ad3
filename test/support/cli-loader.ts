/**
 * Runs the program the way the Pulumi CLI's Node.js language host runs it, without the CLI: the same node
 * command line and environment, taken from Pulumi.yaml's runtime options, under Pulumi's mock monitor
 * (test/fixtures/cli-loader-mocks.cjs). Used by test/cli-loader.test.ts and `npm run bench`.
 *
 * What the host does (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go, parseOptions,
 * constructArguments and execRuntime):
 *  - `typescript` defaults to true; when true the host sets PULUMI_NODEJS_TYPESCRIPT=true, and
 *    @pulumi/pulumi/cmd/run/run.js then registers ts-node (type-checking unless PULUMI_NODEJS_TRANSPILE_ONLY
 *    or the tsconfig's noCheck says otherwise);
 *  - `tsconfig` becomes PULUMI_NODEJS_TSCONFIG_PATH;
 *  - `nodeargs` is shell-split and put before the run script:
 *    `node <nodeargs> <@pulumi/pulumi/cmd/run> --monitor .. --project .. --root-directory .. --stack ..
 *    --pwd <program dir> [--dry-run] --parallel .. <entry point>`, the entry point being "." (package.json's
 *    main) unless Pulumi.yaml's `main` names another;
 *  - the stack's config goes in PULUMI_CONFIG (JSON) and its secret keys in PULUMI_CONFIG_SECRET_KEYS.
 * The host sets no working directory of its own: node runs in the host's, which is the project root when
 * Pulumi.yaml has no `main` (pkg/engine/project.go getPwdMain; sdk/go/common/resource/plugin/plugin.go
 * sets the plugin's cmd.Dir to it), so nodeargs' `./scripts/register-ts.cjs` resolves there.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import ts from "typescript";
import { parse as parseYaml } from "yaml";

export const ROOT = path.resolve(__dirname, "../..");
const MOCKS = path.join(ROOT, "test/fixtures/cli-loader-mocks.cjs");

export interface RuntimeOptions {
  readonly typescript?: boolean;
  readonly tsconfig?: string;
  readonly nodeargs?: string;
}

export function projectRuntime(root = ROOT): { options: RuntimeOptions; main?: string } {
  const project = parseYaml(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { main?: string; runtime: { options?: RuntimeOptions } };
  return { options: project.runtime.options ?? {}, ...(project.main ? { main: project.main } : {}) };
}

/**
 * The host splits nodeargs with a shell lexer (github.com/pulumi/pulumi/sdk/go/common/util/shlex). Ours
 * holds plain words, so splitting on blanks is the same; anything a shell would unquote is refused rather
 * than guessed at (no shell-words library is in the dependency tree).
 */
export function splitNodeargs(nodeargs: string | undefined): string[] {
  if (!nodeargs) return [];
  if (/["'\\$`]/.test(nodeargs)) throw new Error(`nodeargs ${JSON.stringify(nodeargs)}: quoting is not supported by this harness; use plain words`);
  return nodeargs.split(/\s+/).filter(Boolean);
}

export interface CliLoaderRun {
  readonly status: number | null;
  readonly stderr: string;
  readonly stdout: string;
  /** Wall time of the node process, spawn to exit. */
  readonly ms: number;
  readonly maxRssKiB: number;
  readonly registered: readonly { readonly type: string; readonly name: string }[];
  readonly argv: readonly string[];
  /** What the program's process saw: node's own flags, and whether ts-node was loaded into it. */
  readonly execArgv: readonly string[];
  readonly tsNodeLoaded: boolean;
}

export interface CliLoaderOptions {
  readonly stack: string;
  /** Flat `project:key` -> string config, as the engine passes it. */
  readonly config: Record<string, string>;
  readonly secretKeys: readonly string[];
  /** Override Pulumi.yaml's runtime options (the bench measures the old configuration with it). */
  readonly runtime?: RuntimeOptions;
  readonly env?: NodeJS.ProcessEnv;
  /** Project directory (Pulumi.yaml, package.json, the program); default: this repository. */
  readonly root?: string;
}

/** One cold run: a fresh temp dir as TMPDIR, so no compiler cache (ts-node's or tsx's) carries over. */
/**
 * A TypeScript module and every project module it imports, each compiled to CommonJS beside the others (the
 * tree keeps its relative paths, so the imports resolve), node_modules left to Node. Returns the entry's file.
 */
export function transpileClosure(entry: string, outDir: string): string {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    const out = path.join(outDir, path.relative(ROOT, file)).replace(/\.ts$/, ".js");
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText);
    for (const { fileName } of ts.preProcessFile(source, true, true).importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const base = path.resolve(path.dirname(file), fileName.replace(/\.js$/, ""));
      const target = [`${base}.ts`, path.join(base, "index.ts")].find((f) => existsSync(f));
      if (target) visit(target);
    }
  };
  visit(entry);
  // The tree lies outside the project: its packages resolve through a link to the project's node_modules.
  if (!existsSync(path.join(outDir, "node_modules"))) symlinkSync(path.join(ROOT, "node_modules"), path.join(outDir, "node_modules"));
  return path.join(outDir, path.relative(ROOT, entry)).replace(/\.ts$/, ".js");
}

export function runLikeCli(options: CliLoaderOptions): CliLoaderRun {
  const root = options.root ?? ROOT;
  const { options: fromYaml, main } = projectRuntime(root);
  const runtime = options.runtime ?? fromYaml;
  const tmp = mkdtempSync(path.join(os.tmpdir(), "codewhale-cli-loader-"));
  try {
    const report = path.join(tmp, "report.json");
    // The mock monitor's answers are the offline plan's (each target's own mocks, through the target rows);
    // compiled here, outside the measured process.
    const mocks = transpileClosure(path.join(ROOT, "scripts/offline-mocks.ts"), path.join(tmp, "mocks"));
    const runScript = require.resolve("@pulumi/pulumi/cmd/run", { paths: [root] });
    const programDir = main ? path.resolve(root, main) : root;
    const argv = [
      ...splitNodeargs(runtime.nodeargs),
      runScript,
      "--monitor", "mock",
      "--project", "codewhale-remote",
      "--root-directory", root,
      "--stack", options.stack,
      "--pwd", programDir,
      "--dry-run",
      "--parallel", "16",
      ".",
    ];
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith("PULUMI_") || k === "NODE_OPTIONS" || k.startsWith("TS_NODE_") || k.startsWith("TSX_")) delete env[k];
    Object.assign(env, {
      TMPDIR: tmp,
      PULUMI_CONFIG: JSON.stringify(options.config),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(options.secretKeys),
      NODE_OPTIONS: `--require ${MOCKS}`,
      CODEWHALE_CLI_LOADER_REPORT: report,
      CODEWHALE_CLI_LOADER_MOCKS: mocks,
      CODEWHALE_CLI_LOADER_PROJECT: "codewhale-remote",
      CODEWHALE_CLI_LOADER_STACK: options.stack,
      ...(runtime.typescript ?? true ? { PULUMI_NODEJS_TYPESCRIPT: "true" } : {}),
      ...(runtime.tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: runtime.tsconfig } : {}),
      ...options.env,
    });
    const started = performance.now();
    const r = spawnSync(process.execPath, argv, { cwd: root, env, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
    const ms = performance.now() - started;
    let parsed: Pick<CliLoaderRun, "registered" | "maxRssKiB" | "execArgv" | "tsNodeLoaded"> = { registered: [], maxRssKiB: 0, execArgv: [], tsNodeLoaded: false };
    try {
      parsed = JSON.parse(readFileSync(report, "utf8"));
    } catch {
      // no report: the process died before exit handlers ran; status and stderr tell why
    }
    return { status: r.status, stderr: r.stderr, stdout: r.stdout, ...parsed, ms, argv };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
