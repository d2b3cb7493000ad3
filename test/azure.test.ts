/**
 * The Azure deployment under mocks: what we ask Azure for holds the invariants of DESIGN.md.
 */
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { planStack, type Plan } from "../scripts/offline-plan";
import { rawConfig } from "./support/stack";
import { byType, get, one } from "./support/plan-queries";


/** Every URN the resource waits on, directly or through others (parents excluded: they do not order creation). */
function dependencyClosure(plan: Plan, urn: string): Set<string> {
  const index = new Map(plan.resources.map((r) => [r.urn, r]));
  const seen = new Set<string>();
  const visit = (u: string) => {
    for (const d of index.get(u)?.dependencies ?? []) {
      if (seen.has(d)) continue;
      seen.add(d);
      visit(d);
      // A dependency on a component means a dependency on all of its children.
      for (const r of plan.resources) if (r.parent === d && !seen.has(r.urn)) { seen.add(r.urn); visit(r.urn); }
    }
  };
  visit(urn);
  return seen;
}

const customData = (plan: Plan) => get(one(plan, "azure-native:compute:VirtualMachine").inputs, "osProfile.customData") as string;

let plan: Plan;
beforeAll(async () => {
  plan = await planStack({ stack: "azure-test", raw: rawConfig({ sshAllowedCidrs: ["203.0.113.7/32", "198.51.100.0/24"] }, "azure-test") });
});

describe("Azure: network", () => {
  it("admits TCP 22 from the configured CIDRs only, and denies the rest", () => {
    const rules = get(one(plan, "azure-native:network:NetworkSecurityGroup").inputs, "securityRules") as any[];
    const allows = rules.filter((r) => r.direction === "Inbound" && r.access === "Allow");
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ protocol: "Tcp", destinationPortRange: "22", sourceAddressPrefixes: ["203.0.113.7/32", "198.51.100.0/24"] });
    expect(JSON.stringify(rules)).not.toMatch(/7878/);
    expect(rules.some((r) => r.access === "Deny" && r.direction === "Inbound" && r.sourceAddressPrefix === "*")).toBe(true);
    for (const r of allows) expect([r.sourceAddressPrefix, ...(r.sourceAddressPrefixes ?? [])]).not.toContain("0.0.0.0/0");
  });

  it("puts the NSG on the VM subnet, which is the only network the vault admits", () => {
    const subnet = one(plan, "azure-native:network:Subnet");
    expect(get(subnet.inputs, "networkSecurityGroup.id")).toMatch(/NetworkSecurityGroup/);
    expect(get(subnet.inputs, "serviceEndpoints")).toEqual([{ service: "Microsoft.KeyVault" }]);
    const acls = get(one(plan, "azure-native:keyvault:Vault").inputs, "properties.networkAcls");
    expect(acls).toMatchObject({ defaultAction: "Deny", bypass: "None" });
    expect(acls.virtualNetworkRules).toHaveLength(1);
    expect(acls.virtualNetworkRules[0].id).toContain("Subnet");
  });
});

describe("Azure: VM", () => {
  it("has a system-assigned identity, SSH keys only and Trusted Launch", () => {
    const vm = one(plan, "azure-native:compute:VirtualMachine").inputs;
    expect(get(vm, "identity.type")).toBe("SystemAssigned");
    expect(get(vm, "osProfile.linuxConfiguration.disablePasswordAuthentication")).toBe(true);
    expect(get(vm, "osProfile.adminPassword")).toBeUndefined();
    expect(get(vm, "osProfile.linuxConfiguration.ssh.publicKeys.0.keyData")).toMatch(/^ssh-ed25519 /);
    expect(get(vm, "securityProfile")).toMatchObject({ securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } });
    expect(get(vm, "diagnosticsProfile.bootDiagnostics.enabled")).toBe(true);
    expect(get(vm, "storageProfile.imageReference")).toMatchObject({ publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server" });
  });

  it("keeps the workspace on a protected data disk that the VM only attaches", () => {
    const disk = one(plan, "azure-native:compute:Disk");
    expect(disk.protect).toBe(true);
    expect(disk.parent).toMatch(/codewhale-remote:azure:WorkspaceDisk::workspace$/);
    const dataDisks = get(one(plan, "azure-native:compute:VirtualMachine").inputs, "storageProfile.dataDisks");
    expect(dataDisks).toEqual([expect.objectContaining({ lun: 0, createOption: "Attach", deleteOption: "Detach" })]);
  });

  it("does not wait on the Key Vault, its secrets or the role assignment", () => {
    const vm = one(plan, "azure-native:compute:VirtualMachine");
    const closure = [...dependencyClosure(plan, vm.urn)];
    expect(closure.length).toBeGreaterThan(0);
    expect(closure.filter((u) => /keyvault|RoleAssignment|SecretStore/.test(u))).toEqual([]);
  });

  it("carries a gzipped #cloud-config in customData with no secret", () => {
    const text = gunzipSync(Buffer.from(customData(plan), "base64")).toString("utf8");
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    expect(text).toContain("codewhale-config.service");
    expect(text).not.toMatch(/@@CODEWHALE_SECRET|RUNTIME_TOKEN=|API_KEY=/);
  });
});

describe("Azure: secrets", () => {
  it("uses RBAC, soft delete and purge protection on the vault", () => {
    const props = get(one(plan, "azure-native:keyvault:Vault").inputs, "properties");
    expect(props).toMatchObject({ enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true });
    expect(props.accessPolicies ?? []).toEqual([]);
    expect(get(one(plan, "azure-native:keyvault:Vault").inputs, "vaultName")).toMatch(/^[a-z][a-z0-9-]{2,23}$/);
  });

  it("grants the VM identity Key Vault Secrets User on the vault, as a ServicePrincipal", () => {
    const role = byType(plan, "azure-native:authorization:RoleAssignment").find((r) => r.name === "secrets-reader")!.inputs;
    expect(role.roleDefinitionId).toMatch(/\/roleDefinitions\/4633458b-17de-408a-b874-0445c86b69e6$/);
    expect(role.principalType).toBe("ServicePrincipal");
    expect(role.principalId).toBe("00000000-0000-0000-0000-0000000000a1");
    expect(role.scope).toContain("keyvault:Vault");
  });

  it("keeps one secret per vault slot, each value a Pulumi secret (unused slots: azure-lifecycle.test.ts)", () => {
    const secrets = byType(plan, "azure-native:keyvault:Secret");
    expect(secrets.map((s) => s.inputs.secretName).sort()).toEqual(["feishu-app-secret", "host-config", "provider-api-key", "runtime-token", "telegram-bot-token", "wecom-bot-secret"]);
    for (const s of secrets) {
      expect(get(s.inputs, "properties.value")).toBe("[secret]");
      expect(s.secretInputs).toContain("properties.value");
    }
  });

  it("exports the runtime token as a secret and the commands a user needs", () => {
    expect(plan.outputs.runtimeToken).toBe("[secret]");
    expect(plan.outputs.sshTunnelCommand).toBe("ssh -N -L 7878:127.0.0.1:7878 azureuser@203.0.113.10");
    expect(plan.outputs.keyVaultName).toMatch(/^cwazuretest-/);
  });
});

describe("Azure: day-2 changes", () => {
  const variants: [string, Record<string, unknown>][] = [
    ["model", { model: "deepseek-v4-flash" }],
    ["allowlist", { chatAllowlist: ["123456789"] }],
    ["provider key", { providerApiKey: "sk-ROTATED-provider-9876543210" }],
    ["bridge secret", { telegramBotToken: "987654321:AArotatedTelegramToken0123456789abcd" }],
    ["version", { codewhaleVersion: "0.9.8" }],
    // The host firewall's allowlist is a config file (firewall.nft), not part of customData.
    ["ssh allowlist", { sshAllowedCidrs: ["192.0.2.0/24"] }],
    ["runtime limits", { runtimeMemoryMax: "60%", runtimeTasksMax: 1024 }],
    ["provider", { provider: "openrouter" }],
  ];

  it.each(variants)("a change of %s keeps customData byte-identical and re-runs the rollout", async (_what, change) => {
    const changed = await planStack({ stack: "azure-test", raw: rawConfig({ sshAllowedCidrs: ["203.0.113.7/32", "198.51.100.0/24"], ...change }, "azure-test") });
    expect(customData(changed)).toBe(customData(plan));
    const script = (p: Plan) => get(one(p, "azure-native:compute:VirtualMachineRunCommandByVirtualMachine").inputs, "source.script");
    expect(script(changed)).not.toBe(script(plan));
    expect(script(changed)).not.toMatch(/sk-|AArotated/);
  });

  it("a change of bridge does change customData (new units): the VM is replaced, the disk kept", async () => {
    const feishu = await planStack({ stack: "azure-test", raw: rawConfig({ sshAllowedCidrs: ["203.0.113.7/32", "198.51.100.0/24"], bridge: "feishu" }, "azure-test") });
    expect(customData(feishu)).not.toBe(customData(plan));
  });
});
