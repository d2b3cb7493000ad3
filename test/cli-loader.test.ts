/**
 * The program as the Pulumi CLI starts it: Pulumi.yaml's runtime options turned into the node command line
 * and environment exactly as the Node.js language host does (test/support/cli-loader.ts cites where), the
 * real @pulumi/pulumi/cmd/run loading the entry point, a cold compiler cache, Pulumi's mock monitor.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT } from "../config/keys";
import { planStack, readStackConfig, type Plan } from "../scripts/offline-plan";
import { ROOT, projectRuntime, runLikeCli, splitNodeargs, type CliLoaderRun, type RuntimeOptions } from "./support/cli-loader";

// The dev stack with its two secrets set, as `pulumi config set --secret` would (test values).
const raw = readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"), "dev");
const secrets = { [`${PROJECT}:providerApiKey`]: "sk-test-cli-loader-0000", [`${PROJECT}:telegramBotToken`]: "123456789:AAHtestTokenForTheCliLoaderTest_0123456789" };
const devRun = (compileCache: string, root?: string) =>
  runLikeCli({ stack: "dev", config: { ...raw.values, ...secrets }, secretKeys: Object.keys(secrets), env: { CODEWHALE_TS_CACHE_DIR: compileCache }, ...(root ? { root } : {}) });
const scratch = mkdtempSync(path.join(tmpdir(), "codewhale-cli-loader-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the project (its node_modules linked), for runs that edit a file. */
function projectCopy(): string {
  const copy = mkdtempSync(path.join(scratch, "project-"));
  for (const entry of readdirSync(ROOT)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"));
  return copy;
}

const names = (rs: readonly { type: string; name: string }[]) => rs.map((r) => `${r.type}::${r.name}`).sort();

describe("the program under the Pulumi CLI's loader (Pulumi.yaml's runtime options)", () => {
  let run: CliLoaderRun;
  let plan: Plan;
  beforeAll(async () => {
    // Cold: a fresh temp dir and an empty compile cache.
    run = devRun(mkdtempSync(path.join(scratch, "cache-")));
    plan = await planStack({ stack: "dev" });
  }, 120_000);

  it("keeps the language host's ts-node off and loads the program through nodeargs", () => {
    const { options } = projectRuntime();
    expect(options.typescript).toBe(false);
    const nodeargs = ["--require", "./scripts/register-ts.cjs", "--require", "./scripts/plain-stack-traces.cjs"];
    expect(splitNodeargs(options.nodeargs)).toEqual(nodeargs);
    expect(run.execArgv).toEqual(nodeargs);
    expect(run.tsNodeLoaded).toBe(false);
  });

  it("loads index.ts and registers every resource of the dev stack's plan", () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/error|warn/i);
    // The stack resource included: cmd/run registers it, as the offline plan's runInPulumiStack does.
    expect(plan.resources.length).toBeGreaterThan(20);
    expect(names(run.registered)).toEqual(names(plan.resources));
  });

  it("stays under 300 MB of peak memory", () => {
    expect(run.maxRssKiB).toBeGreaterThan(50 * 1024);
    expect(run.maxRssKiB).toBeLessThan(300 * 1024);
  });
});

describe("an edited .ts file", () => {
  it("takes effect on the next run, with no build step and the compile cache of the run before", () => {
    const copy = projectCopy();
    const cache = mkdtempSync(path.join(scratch, "cache-"));
    // A copy of the project, then an edit of the entry point, as a user makes it.
    const before = devRun(cache, copy);
    expect(before.status, before.stderr).toBe(0);
    expect(readdirSync(cache).length, "the first run filled the compile cache").toBeGreaterThan(20);
    expect(names(before.registered).some((n) => n.startsWith("test:edit:Marker"))).toBe(false);
    const index = path.join(copy, "index.ts");
    writeFileSync(
      index,
      readFileSync(index, "utf8").replace(
        'import { runProgram } from "./program";',
        'import * as pulumi from "@pulumi/pulumi";\nimport { runProgram } from "./program";\nnew pulumi.ComponentResource("test:edit:Marker", "edited-by-user");',
      ),
    );
    expect(readFileSync(index, "utf8")).toContain("edited-by-user");
    const r = devRun(cache, copy);
    expect(r.status, r.stderr).toBe(0);
    expect(names(r.registered)).toContain("test:edit:Marker::edited-by-user");
  }, 120_000);
});

// What a failing program costs under the loader. Before: 17-30 s of CPU and 3.3 GB peak, the loader's
// util.inspect looping on a source-mapped frame (scripts/plain-stack-traces.cjs says why). The bounds are
// CPU time and memory, which a busy machine stretches less than wall time.
const FAILING_RUN_CPU_MS = 6_000;
const FAILING_RUN_RSS_KIB = 300 * 1024;

describe("a stack config the spec rejects, under the loader", () => {
  it("fails in about the time of a good run, prints every problem once, and no stack", () => {
    const config = { ...raw.values, ...secrets, [`${PROJECT}:sshAllowedCidrs`]: JSON.stringify(["0.0.0.0/0"]) };
    const r = runLikeCli({ stack: "dev", config, secretKeys: Object.keys(secrets), env: { CODEWHALE_TS_CACHE_DIR: mkdtempSync(path.join(scratch, "cache-")) } });
    // 32: the loader logged the error for the user (cmd/run/index.js, nodeJSProcessExitedAfterLoggingUserActionableMessage).
    expect(r.status, r.stderr).toBe(32);
    expect(r.stderr).toContain("codewhale-remote:sshAllowedCidrs[0]: '0.0.0.0/0' opens SSH to the whole internet");
    expect(r.stderr).toContain("fix: pulumi config set --path 'sshAllowedCidrs[0]'");
    expect(r.stderr.match(/problem in the stack config/g)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    // Nothing but the stack resource was registered.
    expect(r.registered.map((x) => x.type)).toEqual(["pulumi:pulumi:Stack"]);
    expect(r.cpuMs).toBeGreaterThan(0);
    expect(r.cpuMs).toBeLessThan(FAILING_RUN_CPU_MS);
    expect(r.maxRssKiB).toBeLessThan(FAILING_RUN_RSS_KIB);
  }, 120_000);
});

describe("stack traces under the loader (scripts/plain-stack-traces.cjs)", () => {
  // A program that prints a stack taken inside the loader's call into it (through the SDK's resource.js),
  // and one that throws an error the loader has to format itself.
  const probe = 'export = async () => {\n  process.stdout.write(`PROBE ${new Error("probe").stack}\\nEND\\n`);\n  return {};\n};\n';
  const failing = 'export = async () => {\n  throw new TypeError("an unexpected failure in the program");\n};\n';
  const runProgram = (index: string, runtime?: RuntimeOptions) => {
    const copy = projectCopy();
    writeFileSync(path.join(copy, "index.ts"), index);
    return runLikeCli({ stack: "dev", config: {}, secretKeys: [], root: copy, env: { CODEWHALE_TS_CACHE_DIR: mkdtempSync(path.join(scratch, "cache-")) }, ...(runtime ? { runtime } : {}) });
  };
  const probeStack = (r: CliLoaderRun) => /PROBE ([\s\S]*?)\nEND/.exec(r.stdout)?.[1] ?? "";

  it("are V8's own: SDK frames name the .js files on disk, not the unshipped .ts sources of the SDK's maps", () => {
    const r = runProgram(probe);
    expect(r.status, r.stderr).toBe(0);
    const stack = probeStack(r);
    expect(stack).toMatch(/index\.ts:2:\d+\)/);
    expect(stack).toMatch(/node_modules[\\/]@pulumi[\\/]pulumi[\\/]resource\.js:\d+:\d+\)/);
    // Only our own frame is TypeScript.
    expect(stack.split("\n").filter((frame) => frame.includes(".ts:"))).toHaveLength(1);
  }, 120_000);

  it("without it, the loader's source-map-support maps SDK frames to files that do not exist (the control)", () => {
    const { options } = projectRuntime();
    const r = runProgram(probe, { ...options, nodeargs: "--require ./scripts/register-ts.cjs" });
    expect(r.status, r.stderr).toBe(0);
    const mapped = /\((\S*node_modules[\\/]@pulumi[\\/]resource\.ts):\d+:\d+\)/.exec(probeStack(r));
    expect(mapped, probeStack(r)).not.toBeNull();
    expect(existsSync(mapped![1]!)).toBe(false);
  }, 120_000);

  it("leaves every other process alone: no source-map-support loaded, the same formatter as without it", () => {
    const probeFormatter = 'console.log(JSON.stringify([String(Error.prepareStackTrace), Object.keys(require.cache).some((f) => f.includes("source-map-support"))]))';
    const node = (...args: string[]) => spawnSync(process.execPath, [...args, "-e", probeFormatter], { cwd: ROOT, encoding: "utf8" });
    const without = node();
    const with_ = node("--require", "./scripts/plain-stack-traces.cjs");
    expect(with_.status, with_.stderr).toBe(0);
    expect(JSON.parse(with_.stdout)[1]).toBe(false);
    expect(with_.stdout).toBe(without.stdout);
  });

  it("keep an unexpected error quick to report: the message and its frames, within the bounds", () => {
    const r = runProgram(failing);
    expect(r.status, r.stderr).toBe(32);
    expect(r.stderr).toContain("TypeError: an unexpected failure in the program");
    expect(r.stderr).toMatch(/index\.ts:2:\d+/);
    expect(r.cpuMs).toBeLessThan(FAILING_RUN_CPU_MS);
    expect(r.maxRssKiB).toBeLessThan(FAILING_RUN_RSS_KIB);
  }, 120_000);
});

describe("splitNodeargs", () => {
  it("splits plain words as the host's shell lexer does, and refuses what a shell would unquote", () => {
    expect(splitNodeargs("  --require ./x.cjs   --max-old-space-size=512 ")).toEqual(["--require", "./x.cjs", "--max-old-space-size=512"]);
    expect(splitNodeargs(undefined)).toEqual([]);
    expect(() => splitNodeargs('--require "./a b.cjs"')).toThrow(/quoting is not supported/);
  });
});
