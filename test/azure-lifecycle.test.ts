/**
 * Azure: what `pulumi up` on day 2 and `pulumi destroy` do with what we ask for, read against the engine and
 * the provider, not the mocks:
 * - Pulumi engine (pulumi/pulumi): pkg/resource/deploy/step.go DeleteStep.Apply (protect refuses; then
 *   retainOnDelete, or a deletedWith resource that is deleted in the same run, skip the provider's Delete);
 *   pkg/cmd/pulumi/operations/destroy.go getProtectedExcludes (--exclude-protected keeps the protected
 *   resources and their transitive dependencies: parent, dependencies, deletedWith, pkg/resource/graph);
 *   step_generator.go applyReplaceOnChanges (a replaceOnChanges path covers every path below it).
 * - azure-native: provider/pkg/resources/customresources/custom_keyvault.go (keyvault.Secret is deleted
 *   through the vault's data plane, which a deployer outside the VM subnet cannot reach), provider.go
 *   customCreate (creating a secret that exists fails), azureContext (2 h default operation timeout).
 * The helpers below model those rules over the offline plan; the tests say what follows for this stack.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CONFIG_RESTART_SECONDS, CONFIG_START_TIMEOUT_SECONDS, FETCH_BACKOFF_BASE_MS, FETCH_BACKOFF_CAP_MS, FETCH_DEADLINE_SECONDS, FETCH_REQUEST_TIMEOUT_SECONDS, keyVaultDelivery } from "../components/azure/key-vault-delivery";
import { VM_CREATE_ONLY_INPUTS } from "../components/azure/agent-vm";
import { CLOUD_INIT_WAIT_SECONDS, azureHostPayload, rolloutTimeBudget, unitStartTimeoutSeconds } from "../components/azure/cloud-init-payload";
import { ROLE_ASSIGNMENT_CREATE_ONLY_INPUTS, TOMBSTONE, VAULT_CREATE_ONLY_INPUTS } from "../components/azure/secret-store";
import { vaultSecretSlots } from "../components/azure/deploy";
import type { AzureSettings } from "../components/azure/settings";
import type { StackSpec } from "../config/spec";
import { loadSpec } from "../contract";
import { planStack, type Plan } from "../scripts/offline-plan";
import { destroyOutcome, protectedExcludes, unprotectAll } from "./support/lifecycle";
import { DEV_KEY, FAKE_SECRETS, rawConfig } from "./support/stack";
import { byType, get, one } from "./support/plan-queries";

const STACK = "azure-life";
const SECRET_TYPE = "azure-native:keyvault:Secret";

interface Observed {
  readonly plan: Plan;
  /** Inputs as Azure receives them (secrets in the clear), by `<type>::<name>`. */
  readonly sent: Map<string, Record<string, unknown>>;
}
async function observe(overrides: Record<string, unknown> = {}): Promise<Observed> {
  const sent = new Map<string, Record<string, unknown>>();
  const plan = await planStack({ stack: STACK, raw: rawConfig(overrides, STACK), observe: (r) => sent.set(`${r.type}::${r.name}`, r.inputs) });
  return { plan, sent };
}
const secretValue = (o: Observed, id: string) => get(o.sent.get(`${SECRET_TYPE}::secrets-${id}`), "properties.value");

/** Paths at which two input objects differ, as dotted paths to the first differing leaf or array. */
function changedPaths(a: unknown, b: unknown, prefix = ""): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => changedPaths((a as any)[k], (b as any)[k], prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}
/** PropertyPath.Contains for dotted paths. */
const covers = (outer: string, inner: string) => inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);

let base: Observed;
beforeAll(async () => {
  base = await observe();
});

describe("offline plan: every lifecycle option is recorded", () => {
  it("records protect, retainOnDelete, deletedWith, replaceOnChanges, ignoreChanges, deleteBeforeReplace, dependsOn, customTimeouts", () => {
    const { plan } = base;
    const disk = one(plan, "azure-native:compute:Disk");
    expect(disk).toMatchObject({ protect: true, retainOnDelete: true, deletedWith: "", dependsOn: [] });
    const vault = one(plan, "azure-native:keyvault:Vault");
    expect(vault.ignoreChanges).toEqual([...VAULT_CREATE_ONLY_INPUTS]);
    for (const s of byType(plan, SECRET_TYPE)) expect(s).toMatchObject({ retainOnDelete: true, deletedWith: vault.urn, protect: false });
    const vm = one(plan, "azure-native:compute:VirtualMachine");
    expect(vm.replaceOnChanges).toEqual([...VM_CREATE_ONLY_INPUTS].sort());
    expect(vm.deleteBeforeReplace).toBe(true);
    expect(vm.dependsOn).toEqual([]); // everything the VM waits on comes through its inputs
    expect(one(plan, "azure-native:network:VirtualNetwork").ignoreChanges).toEqual(["subnets"]);
    const rollout = one(plan, "azure-native:compute:VirtualMachineRunCommandByVirtualMachine");
    // dependsOn: [store] stands for the store's children. The secrets also reach the command through its
    // script (their versions are the trigger); the vault and the role assignment only through dependsOn.
    const role = one(plan, "azure-native:authorization:RoleAssignment", "secrets-reader");
    expect(rollout.dependsOn).toEqual([role.urn, vault.urn].sort());
    expect(rollout.dependencies).toEqual(expect.arrayContaining([vm.urn, ...byType(plan, SECRET_TYPE).map((s) => s.urn), role.urn, vault.urn]));
    expect(rollout.customTimeouts).toEqual({ create: expect.stringMatching(/^\d+s$/), update: expect.stringMatching(/^\d+s$/) });
    expect(vm.customTimeouts).toEqual({});
  });
});

describe("Azure: Key Vault secrets are never deleted through the data plane", () => {
  it("declares one secret per slot whatever the config: a bridge switch or a keyless provider drops none", async () => {
    const slots = vaultSecretSlots();
    expect(slots).toEqual(["feishu-app-secret", "host-config", "provider-api-key", "runtime-token", "telegram-bot-token", "wecom-bot-secret"]);
    const urns = (o: Observed) => byType(o.plan, SECRET_TYPE).map((s) => s.urn).sort();
    const feishu = await observe({ bridge: "feishu" });
    const keyless = await observe({ provider: "ollama", providerApiKey: undefined });
    // A bridge with no secret of its own (weixin) still declares every slot.
    const weixin = await observe({ bridge: "weixin" });
    expect(urns(feishu)).toEqual(urns(base));
    expect(urns(keyless)).toEqual(urns(base));
    expect(urns(weixin)).toEqual(urns(base));
    expect(byType(base.plan, SECRET_TYPE).map((s) => s.inputs.secretName).sort()).toEqual(slots);
  });

  it("writes the real value to a used slot and a tombstone to an unused one, and back", async () => {
    expect(secretValue(base, "telegram-bot-token")).toBe(FAKE_SECRETS.telegramBotToken);
    expect(secretValue(base, "feishu-app-secret")).toBe(TOMBSTONE);
    const feishu = await observe({ bridge: "feishu" });
    expect(secretValue(feishu, "feishu-app-secret")).toBe(FAKE_SECRETS.feishuAppSecret);
    expect(secretValue(feishu, "telegram-bot-token")).toBe(TOMBSTONE);
    const keyless = await observe({ provider: "ollama", providerApiKey: undefined });
    expect(secretValue(keyless, "provider-api-key")).toBe(TOMBSTONE);
    const wecom = await observe({ bridge: "wecom" });
    expect(secretValue(wecom, "wecom-bot-secret")).toBe(FAKE_SECRETS.wecomBotSecret);
    expect(secretValue(wecom, "telegram-bot-token")).toBe(TOMBSTONE);
    expect(secretValue(base, "wecom-bot-secret")).toBe(TOMBSTONE);
    const weixin = await observe({ bridge: "weixin" });
    for (const id of ["telegram-bot-token", "feishu-app-secret", "wecom-bot-secret"]) expect(secretValue(weixin, id), id).toBe(TOMBSTONE);
  });

  it("leak: a configured secret the stack does not use goes nowhere, and a tombstone is still a Pulumi secret", () => {
    // The baseline config holds a Feishu secret while the bridge is Telegram: it must not be uploaded.
    for (const inputs of base.sent.values()) expect(JSON.stringify(inputs)).not.toContain(FAKE_SECRETS.feishuAppSecret);
    for (const inputs of base.sent.values()) expect(JSON.stringify(inputs)).not.toContain(FAKE_SECRETS.wecomBotSecret);
    const unused = one(base.plan, SECRET_TYPE, "secrets-feishu-app-secret");
    expect(unused.secretInputs).toContain("properties.value");
    expect(JSON.stringify(base.plan)).not.toContain(TOMBSTONE);
  });

  it("pulumi destroy calls no secret's Delete (the vault's ARM delete takes them)", () => {
    const { providerDeletes, leftInCloud } = destroyOutcome(base.plan, protectedExcludes(base.plan));
    expect(providerDeletes.filter((r) => r.type === SECRET_TYPE)).toEqual([]);
    expect(providerDeletes.map((r) => r.type)).toContain("azure-native:keyvault:Vault");
    expect(leftInCloud.filter((r) => r.type === SECRET_TYPE)).toHaveLength(vaultSecretSlots().length);
  });

  it("a location change draws a new vault name (a replaced vault would collide with its soft-deleted self)", async () => {
    const suffix = one(base.plan, "random:index/randomString:RandomString", "vault-suffix");
    expect(suffix.inputs.keepers).toEqual({ location: "westeurope" });
    const moved = await observe({ "azure-native:location": "northeurope" });
    expect(one(moved.plan, "random:index/randomString:RandomString", "vault-suffix").inputs.keepers).toEqual({ location: "northeurope" });
  });

  it("ignores later changes of the soft-delete retention, which Azure sets at creation only", async () => {
    const changed = await observe({ azure: { keyVaultRetentionDays: 30 } });
    expect(get(one(changed.plan, "azure-native:keyvault:Vault").inputs, "properties.softDeleteRetentionInDays")).toBe(30);
    const diff = changedPaths(one(base.plan, "azure-native:keyvault:Vault").inputs, one(changed.plan, "azure-native:keyvault:Vault").inputs);
    expect(diff).toEqual(["properties.softDeleteRetentionInDays"]);
    for (const p of diff) expect(VAULT_CREATE_ONLY_INPUTS.some((i) => covers(i, p)), p).toBe(true);
  });
});

describe("Azure: the workspace disk outlives the host", () => {
  it("lives alone in a resource group of its own, not the host's group that destroy deletes", () => {
    const { plan } = base;
    const disk = one(plan, "azure-native:compute:Disk");
    const groups = byType(plan, "azure-native:resources:ResourceGroup");
    // The backup vault's two groups (test/azure-backup.test.ts) are groups of their own too.
    expect(groups.map((g) => g.name).sort()).toEqual(["agent", "backup-rg", "backup-snapshots-rg", "workspace-rg"]);
    const workspaceGroup = groups.find((g) => g.name === "workspace-rg")!;
    expect(disk.dependencies).toContain(workspaceGroup.urn);
    // Nothing else is placed in the workspace group: deleting it deletes the workspace and nothing more.
    const inWorkspaceGroup = plan.resources.filter((r) => r.dependencies.includes(workspaceGroup.urn));
    expect(inWorkspaceGroup.map((r) => r.type)).toEqual(["azure-native:compute:Disk"]);
    expect(workspaceGroup.retainOnDelete).toBe(true);
    expect(groups.find((g) => g.name === "agent")!.retainOnDelete).toBe(false);
    expect(plan.outputs.workspaceResourceGroupName).toEqual(expect.any(String));
  });

  it("a plain pulumi destroy stops at the protected disk (and its protected backup instance) instead of deleting it", () => {
    const { refused } = destroyOutcome(base.plan);
    expect(refused.map((r) => r.type).sort()).toEqual(["azure-native:compute:Disk", "azure-native:dataprotection:BackupInstance"]);
  });

  it("pulumi destroy --exclude-protected deletes the host and keeps the disk, its group and its backups in the stack", () => {
    const kept = protectedExcludes(base.plan);
    const keptTypes = base.plan.resources.filter((r) => kept.has(r.urn)).map((r) => `${r.type}::${r.name}`).sort((a, b) => a.localeCompare(b));
    expect(keptTypes).toEqual([
      `pulumi:pulumi:Stack::codewhale-remote-${STACK}`,
      "azure-native:compute:Disk::workspace-disk",
      "azure-native:resources:ResourceGroup::workspace-rg",
      "codewhale-remote:azure:WorkspaceDisk::workspace",
      // The protected backup instance and what it depends on (test/azure-backup.test.ts says why).
      "azure-native:authorization:RoleAssignment::backup-disk-reader",
      "azure-native:authorization:RoleAssignment::backup-snapshot-contributor",
      "azure-native:dataprotection:BackupInstance::backup-instance",
      "azure-native:dataprotection:BackupPolicy::backup-policy",
      "azure-native:dataprotection:BackupVault::backup-vault",
      "azure-native:resources:ResourceGroup::backup-rg",
      "azure-native:resources:ResourceGroup::backup-snapshots-rg",
      "codewhale-remote:azure:DiskBackup::backup",
    ].sort((a, b) => a.localeCompare(b)));
    const { refused, providerDeletes } = destroyOutcome(base.plan, kept);
    expect(refused).toEqual([]);
    expect(providerDeletes.map((r) => r.type)).toEqual(expect.arrayContaining(["azure-native:compute:VirtualMachine", "azure-native:resources:ResourceGroup"]));
  });

  it("after pulumi state unprotect --all, pulumi destroy leaves disk and group in Azure (az group delete removes them)", () => {
    const unprotected = unprotectAll(base.plan);
    const { refused, providerDeletes, leftInCloud } = destroyOutcome(unprotected);
    expect(refused).toEqual([]);
    expect(providerDeletes.filter((r) => r.type === "azure-native:compute:Disk" || r.name === "workspace-rg")).toEqual([]);
    expect(leftInCloud.map((r) => r.name)).toEqual(expect.arrayContaining(["workspace-disk", "workspace-rg"]));
  });

  it("the VM only attaches the disk and detaches it when deleted", () => {
    const vm = one(base.plan, "azure-native:compute:VirtualMachine");
    const disk = one(base.plan, "azure-native:compute:Disk");
    expect(get(vm.inputs, "storageProfile.dataDisks")).toEqual([{ lun: 0, createOption: "Attach", deleteOption: "Detach", managedDisk: { id: expect.stringContaining("workspace-disk") } }]);
    expect(vm.dependencies).toContain(disk.urn);
  });

  it("no data disk (dataDiskSizeGb 0): no workspace group, nothing protected", async () => {
    const none = await observe({ azure: { dataDiskSizeGb: 0 } });
    expect(byType(none.plan, "azure-native:compute:Disk")).toEqual([]);
    expect(none.plan.resources.filter((r) => r.protect)).toEqual([]);
    expect(none.plan.outputs.workspaceResourceGroupName).toBeUndefined();
  });
});

describe("Azure: create-only settings", () => {
  const OTHER_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHd6b8Q0b7cXk8H3C0m0pZ2m7p3yQ1mJ8nC6u9r2o4Ld rotated@example";
  it.each([
    ["the SSH key", { sshPublicKey: OTHER_KEY }],
    ["the admin user", { azure: { adminUsername: "operator" } }],
    ["the architecture", { azure: { architecture: "arm64" } }],
  ])("a change of %s replaces the VM (every changed VM input is create-only) and keeps the disk", async (_what, change) => {
    expect(OTHER_KEY).not.toBe(DEV_KEY);
    const changed = await observe(change);
    const before = one(base.plan, "azure-native:compute:VirtualMachine");
    const after = one(changed.plan, "azure-native:compute:VirtualMachine");
    const diff = changedPaths(before.inputs, after.inputs).filter((p) => p !== "hardwareProfile.vmSize");
    expect(diff.length).toBeGreaterThan(0);
    for (const p of diff) expect(after.replaceOnChanges.some((r) => covers(r, p)), p).toBe(true);
    expect(after.deleteBeforeReplace).toBe(true);
    // The disk is untouched (a protected disk would refuse a replacement) and reattached.
    expect(one(changed.plan, "azure-native:compute:Disk").inputs).toEqual(one(base.plan, "azure-native:compute:Disk").inputs);
    expect(get(after.inputs, "storageProfile.dataDisks")).toEqual(get(before.inputs, "storageProfile.dataDisks"));
  });

  it("the replacement paths name real inputs", () => {
    const vm = one(base.plan, "azure-native:compute:VirtualMachine").inputs;
    for (const p of VM_CREATE_ONLY_INPUTS) expect(get(vm, p), p).toBeDefined();
    const role = one(base.plan, "azure-native:authorization:RoleAssignment", "secrets-reader");
    for (const p of ROLE_ASSIGNMENT_CREATE_ONLY_INPUTS) expect(get(role.inputs, p), p).toBeDefined();
  });

  it("a replaced VM (new identity) gets a new role assignment rather than an update Azure refuses", () => {
    const role = one(base.plan, "azure-native:authorization:RoleAssignment", "secrets-reader");
    expect(role.replaceOnChanges).toEqual([...ROLE_ASSIGNMENT_CREATE_ONLY_INPUTS].sort());
    expect(role.dependencies).toContain(one(base.plan, "azure-native:compute:VirtualMachine").urn);
  });
});

describe("Azure: the rollout's time budget", () => {
  const spec = loadSpec(rawConfig({}, STACK)).spec as StackSpec<AzureSettings>;
  const payload = azureHostPayload(spec);
  const budget = rolloutTimeBudget(payload);

  it("keeps the fetcher's defaults equal to the exported schedule", () => {
    const fetcher = readFileSync(path.join(__dirname, "../components/azure/assets/fetch-host-config.mjs"), "utf8");
    const dflt = (env: string) => Number(new RegExp(`num\\('${env}', (\\d+)\\)`).exec(fetcher)?.[1]);
    expect(dflt("CODEWHALE_FETCH_DEADLINE_SECONDS")).toBe(FETCH_DEADLINE_SECONDS);
    expect(dflt("CODEWHALE_FETCH_REQUEST_TIMEOUT_SECONDS")).toBe(FETCH_REQUEST_TIMEOUT_SECONDS);
    expect(dflt("CODEWHALE_FETCH_BACKOFF_BASE_MS")).toBe(FETCH_BACKOFF_BASE_MS);
    expect(dflt("CODEWHALE_FETCH_BACKOFF_CAP_MS")).toBe(FETCH_BACKOFF_CAP_MS);
  });

  it("lets codewhale-config finish its whole retry schedule, then restart it for ever after a failure", () => {
    const unit = keyVaultDelivery("https://v.vault.azure.net").files.find((f) => f.path.endsWith("codewhale-config.service"))!.content;
    expect(unitStartTimeoutSeconds(unit)).toBe(CONFIG_START_TIMEOUT_SECONDS);
    expect(CONFIG_START_TIMEOUT_SECONDS).toBeGreaterThan(FETCH_DEADLINE_SECONDS + FETCH_REQUEST_TIMEOUT_SECONDS);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(new RegExp(`^RestartSec=${CONFIG_RESTART_SECONDS}$`, "m"));
    // StartLimitIntervalSec=0 turns systemd's start rate limit off: no "start request repeated too quickly".
    expect(unit).toMatch(/^\[Unit\][^[]*^StartLimitIntervalSec=0$/m);
  });

  it("exceeds the worst case of what the rollout waits for: cloud-init, then every unit's start", () => {
    expect(Object.keys(budget.perUnit)).toEqual(payload.units);
    expect(budget.perUnit["codewhale-config.service"]).toBe(CONFIG_START_TIMEOUT_SECONDS);
    expect(budget.perUnit["codewhale-install.service"]).toBeGreaterThanOrEqual(900);
    const waits = CLOUD_INIT_WAIT_SECONDS + Object.values(budget.perUnit).reduce((a, b) => a + b, 0);
    expect(budget.total).toBeGreaterThan(waits);
  });

  it("is what the run command and its Pulumi operation timeout get, within azure-native's 2 h default", () => {
    const rollout = one(base.plan, "azure-native:compute:VirtualMachineRunCommandByVirtualMachine");
    expect(rollout.inputs.timeoutInSeconds).toBe(budget.total);
    expect(get(rollout.inputs, "source.script")).toContain(`timeout ${CLOUD_INIT_WAIT_SECONDS} cloud-init status --wait`);
    const op = Number(rollout.customTimeouts.create!.replace(/s$/, ""));
    expect(op).toBeGreaterThan(budget.total);
    expect(rollout.customTimeouts.update).toBe(rollout.customTimeouts.create);
    // Even without the explicit operation timeout, the provider's default (2 h) would hold the command.
    expect(op).toBeLessThan(120 * 60);
  });

  it("refuses a unit timeout it cannot read instead of guessing", () => {
    expect(unitStartTimeoutSeconds("[Service]\nType=simple\n")).toBe(90);
    expect(() => unitStartTimeoutSeconds("[Service]\nTimeoutStartSec=15min\n")).toThrow(/plain seconds/);
  });
});
