/**
 * The parts of `npm run bench` that compute something rather than time it: the dependency chain and the
 * matrix it plans. (Timings are the bench's output, never asserted.)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bridges } from "../bridges/registry";
import { cloudTargets } from "../components/targets";
import { modelProviders } from "../config/model-providers";
import { longestChainToHost } from "../scripts/bench";
import { planStack, type Plan, type PlannedResource } from "../scripts/offline-plan";
import { matrixStacks } from "../scripts/plan-matrix";

const VM = "azure-native:compute:VirtualMachine";

describe("longestChainToHost", () => {
  let dev: Plan;
  beforeAll(async () => {
    dev = await planStack({ stack: "dev" });
  }, 60_000);

  it("follows the dev plan from the resource group to the VM, each step a real dependency", () => {
    const [chain] = longestChainToHost(dev.resources);
    expect(chain!.host).toBe(VM);
    const types = chain!.path.map((r) => r.type);
    expect(types[0]).toBe("azure-native:resources:ResourceGroup");
    expect(types.at(-1)).toBe(VM);
    expect(types).toContain("azure-native:network:NetworkInterface");
    const byUrn = new Map(dev.resources.map((r) => [r.urn, r]));
    const waitsFor = (r: PlannedResource): Set<string> => {
      const direct = [...r.dependencies, r.parent].filter((u) => byUrn.has(u));
      return new Set(direct.flatMap((u) => [u, ...waitsFor(byUrn.get(u)!)]));
    };
    for (let i = 1; i < chain!.path.length; i++) expect(waitsFor(chain!.path[i]!)).toContain(chain!.path[i - 1]!.urn);
  });

  const r = (urn: string, deps: string[], custom = true, parent = "", type = "t"): PlannedResource => ({ urn, type, name: urn, parent, custom, inputs: {}, secretInputs: [], dependencies: deps, dependsOn: [], protect: false, retainOnDelete: false, deletedWith: "", replaceOnChanges: [], ignoreChanges: [], deleteBeforeReplace: false, customTimeouts: {} });

  it("counts custom resources only and goes through parents", () => {
    const plan = [r("a", []), r("b", ["a"]), r("comp", ["b"], false), r("c", [], true, "comp"), r("vm", ["c", "a"], true, "", VM)];
    expect(longestChainToHost(plan)[0]!.path.map((x) => x.urn)).toEqual(["a", "b", "c", "vm"]);
  });

  it("refuses a cycle instead of looping", () => {
    expect(() => longestChainToHost([r("a", ["b"]), r("b", ["a"]), r("vm", ["a"], true, "", VM)])).toThrow(/dependency cycle/);
  });
});

describe("matrixStacks", () => {
  it("is every cloud target x bridge x usable provider, each with its bridge's required config", () => {
    const stacks = matrixStacks();
    const usable = modelProviders.filter((p) => !p.unusable).length;
    expect(stacks).toHaveLength(Object.keys(cloudTargets).length * bridges.length * usable);
    expect(new Set(stacks.map((s) => `${s.cloud}/${s.bridge}/${s.provider}`)).size).toBe(stacks.length);
    for (const s of stacks) {
      expect(s.raw.values["codewhale-remote:cloud"]).toBe(s.cloud);
      for (const c of bridges.find((b) => b.id === s.bridge)!.plainKeys.filter((c) => c.required)) expect(s.raw.values[`codewhale-remote:${c.key}`]).toBe(c.example);
    }
  });
});

describe("the bench's peak-memory probe (scripts/bench-maxrss.cjs)", () => {
  it("has every node process of a command report its own peak memory", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "codewhale-maxrss-"));
    try {
      // A node process that starts another: both report, the child having grown past 100 MB.
      const child = "const b = Buffer.alloc(120 * 2 ** 20, 1); process.exitCode = b[0] === 1 ? 0 : 1";
      const r = spawnSync(process.execPath, ["-e", `require("node:child_process").execFileSync(process.execPath, ["-e", ${JSON.stringify(child)}])`], {
        env: { ...process.env, NODE_OPTIONS: `--require ${path.resolve(__dirname, "../scripts/bench-maxrss.cjs")}`, CODEWHALE_BENCH_RSS_DIR: dir },
        encoding: "utf8",
      });
      expect(r.status, r.stderr).toBe(0);
      const reports = readdirSync(dir).map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as { pid: number; ppid: number; maxRssKiB: number });
      expect(reports).toHaveLength(2);
      const [parent, grown] = [...reports].sort((a, b) => a.maxRssKiB - b.maxRssKiB);
      expect(grown!.ppid).toBe(parent!.pid);
      expect(grown!.maxRssKiB).toBeGreaterThan(120 * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
