/**
 * The program as the Pulumi CLI starts it: Pulumi.yaml's runtime options turned into the node command line
 * and environment exactly as the Node.js language host does (test/support/cli-loader.ts cites where), the
 * real @pulumi/pulumi/cmd/run loading the entry point, a cold compiler cache, Pulumi's mock monitor.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT } from "../config/keys";
import { planStack, readStackConfig, type Plan } from "../scripts/offline-plan";
import { ROOT, projectRuntime, runLikeCli, splitNodeargs, type CliLoaderRun } from "./support/cli-loader";

// The dev stack with its two secrets set, as `pulumi config set --secret` would (test values).
const raw = readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"), "dev");
const secrets = { [`${PROJECT}:providerApiKey`]: "sk-test-cli-loader-0000", [`${PROJECT}:telegramBotToken`]: "123456789:AAHtestTokenForTheCliLoaderTest_0123456789" };
const devRun = (compileCache: string, root?: string) =>
  runLikeCli({ stack: "dev", config: { ...raw.values, ...secrets }, secretKeys: Object.keys(secrets), env: { CODEWHALE_TS_CACHE_DIR: compileCache }, ...(root ? { root } : {}) });
const scratch = mkdtempSync(path.join(tmpdir(), "codewhale-cli-loader-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

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
    expect(splitNodeargs(options.nodeargs)).toEqual(["--require", "./scripts/register-ts.cjs"]);
    expect(run.execArgv).toEqual(["--require", "./scripts/register-ts.cjs"]);
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
    const copy = mkdtempSync(path.join(scratch, "project-"));
    const cache = mkdtempSync(path.join(scratch, "cache-"));
    // A copy of the project (its node_modules linked), then an edit of the entry point, as a user makes it.
    for (const entry of readdirSync(ROOT)) {
      if (entry === "node_modules" || entry.startsWith(".")) continue;
      cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
    }
    symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"));
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

describe("splitNodeargs", () => {
  it("splits plain words as the host's shell lexer does, and refuses what a shell would unquote", () => {
    expect(splitNodeargs("  --require ./x.cjs   --max-old-space-size=512 ")).toEqual(["--require", "./x.cjs", "--max-old-space-size=512"]);
    expect(splitNodeargs(undefined)).toEqual([]);
    expect(() => splitNodeargs('--require "./a b.cjs"')).toThrow(/quoting is not supported/);
  });
});
