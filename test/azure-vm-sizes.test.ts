/**
 * Azure architecture x VM size: what boots a Trusted Launch Ubuntu VM of the chosen architecture, refused in
 * the config (key, expected, fix) before anything reaches Azure. Facts from the Azure size-series and
 * Trusted Launch docs: Arm64 sizes before v6 are Ampere Altra (no Trusted Launch), v6 Arm64 sizes are
 * Cobalt 100 (Trusted Launch), `Standard_B2s` is previous generation.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../config/errors";
import type { LoadOptions } from "../config/load";
import { loadSpec } from "../contract";
import { DEFAULT_VM_SIZE, RECOMMENDED_VM_SIZES, parseVmSize, resolveVmSize, vmSizeProblems } from "../components/azure/vm-sizes";
import { planStack } from "../scripts/offline-plan";
import { rawConfig } from "./support/stack";

const withCloudRules: LoadOptions = {};
function problemsOf(azure: Record<string, unknown>) {
  try {
    loadSpec(rawConfig({ azure }), withCloudRules);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe("Azure VM size names", () => {
  it.each([
    ["Standard_B2s", { family: "B", vcpus: 2, features: "s", version: 1, arm64: false }],
    ["Standard_B2as_v2", { family: "B", vcpus: 2, features: "as", version: 2, arm64: false }],
    ["Standard_B2ps_v2", { family: "B", vcpus: 2, features: "ps", version: 2, arm64: true }],
    ["Standard_D2pls_v6", { family: "D", vcpus: 2, features: "pls", version: 6, arm64: true }],
    ["Standard_D4ps_v5", { family: "D", vcpus: 4, features: "ps", version: 5, arm64: true }],
    ["Standard_NC4as_T4_v3", { family: "NC", vcpus: 4, features: "as", version: 3, arm64: false }],
    ["Standard_E4-2ps_v6", { family: "E", vcpus: 4, features: "ps", version: 6, arm64: true }],
  ])("reads %s", (size, expected) => {
    expect(parseVmSize(size)).toEqual(expected);
  });

  it("leaves names outside the convention to Azure (no rule applies)", () => {
    expect(parseVmSize("Standard_weird")).toBeUndefined();
    expect(vmSizeProblems({ architecture: "arm64", vmSize: "Standard_weird" })).toEqual([]);
  });
});

describe("Azure architecture x size", () => {
  it("defaults to a current-generation size per architecture, each valid for it", () => {
    expect(resolveVmSize({ architecture: "x64" })).toBe("Standard_B2as_v2");
    expect(resolveVmSize({ architecture: "arm64" })).toBe("Standard_D2pls_v6");
    for (const arch of ["x64", "arm64"] as const) {
      expect(vmSizeProblems({ architecture: arch })).toEqual([]);
      expect(parseVmSize(DEFAULT_VM_SIZE[arch])!.version).toBeGreaterThanOrEqual(2); // not a v1 series like B2s
      for (const size of RECOMMENDED_VM_SIZES[arch]) expect(vmSizeProblems({ architecture: arch, vmSize: size }), size).toEqual([]);
    }
  });

  it("plans the arm64 default with the arm64 image and Trusted Launch", async () => {
    const plan = await planStack({ stack: "azure-arm", raw: rawConfig({ azure: { architecture: "arm64" } }, "azure-arm") });
    const vm = plan.resources.find((r) => r.type === "azure-native:compute:VirtualMachine")!.inputs as any;
    expect(vm.hardwareProfile.vmSize).toBe("Standard_D2pls_v6");
    expect(vm.storageProfile.imageReference.sku).toBe("server-arm64");
    expect(vm.securityProfile.securityType).toBe("TrustedLaunch");
  });

  it.each(["Standard_B2ps_v2", "Standard_B2pls_v2", "Standard_D2ps_v5", "Standard_D2pls_v5", "Standard_E2ps_v5"])(
    "refuses the Ampere Altra size %s on arm64 (no Trusted Launch), naming a Cobalt 100 size",
    (size) => {
      const problems = problemsOf({ architecture: "arm64", vmSize: size });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ key: "codewhale-remote:azure.vmSize" });
      expect(problems[0]!.problem).toMatch(/Ampere Altra.*Trusted Launch/);
      expect(problems[0]!.expected).toContain("Standard_D2pls_v6");
      expect(problems[0]!.fix).toBe("pulumi config set --path 'azure.vmSize' Standard_D2pls_v6");
    },
  );

  it("refuses an x64 size on arm64 and an arm64 size on x64, saying which to change", () => {
    const [x64OnArm] = problemsOf({ architecture: "arm64", vmSize: "Standard_B2as_v2" });
    expect(x64OnArm).toMatchObject({ key: "codewhale-remote:azure.vmSize" });
    expect(x64OnArm!.problem).toMatch(/'Standard_B2as_v2' is an x64 size, but azure.architecture is arm64/);
    expect(x64OnArm!.fix).toMatch(/Standard_D2pls_v6, or set azure.architecture to x64$/);
    const [armOnX64] = problemsOf({ vmSize: "Standard_D2ps_v6" });
    expect(armOnX64!.problem).toMatch(/is an Arm64 size, but azure.architecture is x64/);
    expect(armOnX64!.fix).toMatch(/Standard_B2as_v2, or set azure.architecture to arm64$/);
  });

  it.each(["Standard_A2_v2", "Standard_A2m_v2", "Standard_D2_v2", "Standard_D2_v3", "Standard_E2_v3"])("refuses the Generation 1 only size %s", (size) => {
    const problems = problemsOf({ vmSize: size });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.problem).toMatch(/Generation 1 only/);
    expect(problems[0]!.fix).toBe("pulumi config set --path 'azure.vmSize' Standard_B2as_v2");
  });

  it("accepts Cobalt 100 sizes on arm64, and Gen2 x64 sizes of any generation on x64", () => {
    expect(problemsOf({ architecture: "arm64", vmSize: "Standard_D4ps_v6" })).toEqual([]);
    for (const size of ["Standard_B2s", "Standard_DS2_v2", "Standard_D2s_v3", "Standard_E2s_v3", "Standard_D2_v4", "Standard_D2as_v5"]) {
      expect(problemsOf({ vmSize: size }), size).toEqual([]);
    }
  });
});
