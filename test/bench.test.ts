/**
 * The parts of `npm run bench` that compute something rather than time it: the dependency chain and the
 * matrix it plans. (Timings are the bench's output, never asserted.)
 */
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
      for (const c of bridges.find((b) => b.id === s.bridge)!.requiredConfig) expect(s.raw.values[`codewhale-remote:${c.key}`]).toBe(c.example);
    }
  });
});
