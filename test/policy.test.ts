/**
 * The policy pack, policy by policy: each gets what the program really plans (it must pass) and a
 * violating variant (it must fail, naming the rule or property). Then the offline runner over whole plans,
 * and the CrossGuard adapter the pack serves.
 */
import { generateKeyPairSync } from "node:crypto";
import type { ResourceValidationArgs } from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";
import { bridges } from "../bridges/registry";
import { envFileDelivery } from "../host/delivery";
import { buildHostPayload } from "../host/host-payload";
import { fillSecrets, renderShellBootstrap } from "../host/render-shell";
import { KEY_VAULT_SECRETS_USER_ROLE } from "../components/azure/secret-store";
import { loadSpec } from "../contract";
import { modelProviders } from "../config/model-providers";
import type { AgentPolicy, CheckResult, PolicyContext, PolicySubject } from "../policy/agent-policy";
import { toCrossGuardPolicies } from "../policy/crossguard";
import { evaluatePolicies, formatViolation, mandatoryViolations, planSubjects } from "../policy/evaluate";
import { DISK_BACKUP_READER_ROLE, DISK_SNAPSHOT_CONTRIBUTOR_ROLE } from "../components/azure/disk-backup";
import type { StackResource, StackViolation } from "../policy/agent-policy";
import {
  ALLOWED_ROLES,
  DISK_BACKUP_READER,
  DISK_SNAPSHOT_CONTRIBUTOR,
  KEY_VAULT_SECRETS_USER,
  backupRolesForBackupVault,
  keyVaultRbacPurgeProtection,
  noPasswordLogin,
  roleAssignmentReadSecretsOnly,
  vmManagedIdentity,
} from "../policy/host-access-policies";
import { inboundSshOnly, runtimePortClosed, sshNotWorldOpen, sshWorldOpenOptIn } from "../policy/network-policies";
import { agentPolicies, stackPolicies } from "../policy/policies";
import { findSecretLookingValues, secretEnvNames } from "../policy/secret-scan";
import { noSecretInUserData, remoteCommandStdin, secretInputsAreSecrets } from "../policy/secret-policies";
import { policyContextFromConfig } from "../policy/stack-opt-in";
import { planStack, type Plan } from "../scripts/offline-plan";
import { FAKE_SECRETS, rawConfig } from "./support/stack";
import { LIGHTHOUSE, asCustomData, lighthouseFirewall, subject, variant } from "./support/policy-subjects";

const CLOSED: PolicyContext = { allowSshFromAnywhere: false };
const get = (o: unknown, p: string): any => p.split(".").reduce((v: any, k) => v?.[k], o);
const OPTED_IN: PolicyContext = { allowSshFromAnywhere: true };

let plan: Plan;
let planned: PolicySubject[];
beforeAll(async () => {
  plan = await planStack({ stack: "policy", raw: rawConfig({}, "policy") });
  planned = planSubjects(plan.resources);
}, 60_000);

const real = (type: string): PolicySubject => {
  const s = planned.find((p) => p.type === type);
  if (!s) throw new Error(`the plan has no ${type}`);
  return s;
};

async function violations(policy: AgentPolicy, s: PolicySubject, context = CLOSED): Promise<readonly string[]> {
  expect(policy.resourceTypes).toContain(s.type);
  const result: CheckResult = await policy.check(s, context);
  if (!Array.isArray(result)) throw new Error(`not applicable: ${(result as { notApplicable: string }).notApplicable}`);
  return result;
}

const NSG = "azure-native:network:NetworkSecurityGroup";
const VM = "azure-native:compute:VirtualMachine";
const addNsgRule = (rule: Record<string, unknown>) =>
  variant(real(NSG), (p) => {
    p.securityRules.push({ name: "added", priority: 200, direction: "Inbound", access: "Allow", sourcePortRange: "*", destinationAddressPrefix: "*", ...rule });
  });

describe("inbound-ssh-only", () => {
  it("passes the planned NSG (SSH allow + deny-all) and a Lighthouse TCP 22 rule", async () => {
    expect(await violations(inboundSshOnly, real(NSG))).toEqual([]);
    expect(await violations(inboundSshOnly, lighthouseFirewall({ protocol: "TCP", port: "22", cidrBlock: "203.0.113.7/32", action: "ACCEPT" }))).toEqual([]);
    // A DROP of everything is not an opening.
    expect(await violations(inboundSshOnly, lighthouseFirewall({ protocol: "ALL", port: "ALL", action: "DROP" }))).toEqual([]);
  });

  it("fails any other allowed protocol or port, on every firewall type, naming the rule", async () => {
    const [http] = await violations(inboundSshOnly, addNsgRule({ protocol: "Tcp", destinationPortRange: "80", sourceAddressPrefix: "203.0.113.7/32" }));
    expect(http).toMatch(/rule 'added' \(tcp 80 from 203\.0\.113\.7\/32\) admits more than TCP 22/);
    expect(await violations(inboundSshOnly, addNsgRule({ protocol: "Udp", destinationPortRange: "22", sourceAddressPrefix: "203.0.113.7/32" }))).toHaveLength(1);
    expect(await violations(inboundSshOnly, addNsgRule({ protocol: "Tcp", destinationPortRanges: ["22", "3389"], sourceAddressPrefix: "203.0.113.7/32" }))).toHaveLength(1);
    const standalone = subject("azure-native:network:SecurityRule", { securityRuleName: "rdp", direction: "Inbound", access: "Allow", protocol: "*", destinationPortRange: "3389", sourceAddressPrefix: "10.0.0.0/8" });
    expect(await violations(inboundSshOnly, standalone)).toEqual([expect.stringContaining("rule 'rdp' (any 3389")]);
    expect(await violations(inboundSshOnly, lighthouseFirewall({ protocol: "TCP", port: "20-30", cidrBlock: "203.0.113.7/32" }))).toEqual([expect.stringContaining("'firewallRules[0]' (tcp 20-30")]);
    expect(await violations(inboundSshOnly, lighthouseFirewall({ protocol: "TCP", port: "22,443", cidrBlock: "203.0.113.7/32" }))).toHaveLength(1);
    const template = subject(LIGHTHOUSE.firewallTemplate, { templateName: "t", templateRules: [{ protocol: "ICMP", cidrBlock: "203.0.113.7/32" }] });
    expect(await violations(inboundSshOnly, template)).toEqual([expect.stringContaining("'templateRules[0]' (icmp")]);
  });

  it("ignores outbound Azure rules", async () => {
    expect(await violations(inboundSshOnly, addNsgRule({ direction: "Outbound", protocol: "*", destinationPortRange: "*", sourceAddressPrefix: "*" }))).toEqual([]);
  });
});

describe("ssh-not-world-open and its advisory twin", () => {
  it("pass the planned NSG either way", async () => {
    for (const ctx of [CLOSED, OPTED_IN]) {
      expect(await violations(sshNotWorldOpen, real(NSG), ctx)).toEqual([]);
      expect(await violations(sshWorldOpenOptIn, real(NSG), ctx)).toEqual([]);
    }
  });

  it("report a whole-internet source as mandatory without the opt-in, as advisory with it", async () => {
    for (const source of ["0.0.0.0/0", "::/0", "Internet", "*"]) {
      const open = variant(real(NSG), (p) => (p.securityRules[0].sourceAddressPrefixes = ["203.0.113.7/32", source]));
      expect(await violations(sshNotWorldOpen, open, CLOSED), source).toEqual([expect.stringContaining("is open to the whole internet")]);
      expect(await violations(sshWorldOpenOptIn, open, CLOSED), source).toEqual([]);
      expect(await violations(sshNotWorldOpen, open, OPTED_IN), source).toEqual([]);
      expect(await violations(sshWorldOpenOptIn, open, OPTED_IN), source).toHaveLength(1);
    }
    expect(sshNotWorldOpen.enforcementLevel).toBe("mandatory");
    expect(sshWorldOpenOptIn.enforcementLevel).toBe("advisory");
  });

  it("treat a Lighthouse rule without cidrBlock as 0.0.0.0/0 (the API's default)", async () => {
    expect(await violations(sshNotWorldOpen, lighthouseFirewall({ protocol: "TCP", port: "22" }))).toEqual([expect.stringContaining("from 0.0.0.0/0")]);
    expect(await violations(sshNotWorldOpen, lighthouseFirewall({ protocol: "TCP", port: "22", cidrBlock: "203.0.113.0/24" }))).toEqual([]);
  });

  it("read the opt-in from the stack config as the engine passes it", () => {
    expect(policyContextFromConfig({ "codewhale-remote:allowSshFromAnywhere": "true" })).toEqual(OPTED_IN);
    expect(policyContextFromConfig({ "codewhale-remote:allowSshFromAnywhere": "false" })).toEqual(CLOSED);
    expect(policyContextFromConfig({ "other-project:allowSshFromAnywhere": "true" })).toEqual(CLOSED);
    expect(policyContextFromConfig({})).toEqual(CLOSED);
  });
});

describe("runtime-port-closed", () => {
  it("passes the planned NSG", async () => {
    expect(await violations(runtimePortClosed, real(NSG))).toEqual([]);
  });

  it("fails a rule or range covering 7878 and a Lighthouse container publishing it", async () => {
    expect(await violations(runtimePortClosed, addNsgRule({ protocol: "Tcp", destinationPortRange: "7000-8000", sourceAddressPrefix: "203.0.113.7/32" }))).toEqual([
      expect.stringContaining("opens the runtime port 7878"),
    ]);
    expect(await violations(runtimePortClosed, lighthouseFirewall({ protocol: "TCP", port: "7878", cidrBlock: "203.0.113.7/32" }))).toHaveLength(1);
    expect(await violations(runtimePortClosed, lighthouseFirewall({ protocol: "UDP", port: "7878", cidrBlock: "203.0.113.7/32" }))).toEqual([]);
    const instance = subject(LIGHTHOUSE.instance, { containers: [{ containerImage: "x", publishPorts: [{ hostPort: 7878, containerPort: 7878 }] }] });
    expect(await violations(runtimePortClosed, instance)).toEqual(["containers[0] publishes host port 7878"]);
  });
});

describe("no-password-login", () => {
  it("passes the planned VM and a Lighthouse instance without a generated password", async () => {
    expect(await violations(noPasswordLogin, real(VM))).toEqual([]);
    expect(await violations(noPasswordLogin, subject(LIGHTHOUSE.instance, { loginConfiguration: { autoGeneratePassword: "NO" } }))).toEqual([]);
    expect(await violations(noPasswordLogin, subject(LIGHTHOUSE.instance, {}))).toEqual([]);
  });

  it("fails password authentication, an admin password, no keys, and Lighthouse passwords", async () => {
    const pw = variant(real(VM), (p) => {
      p.osProfile.linuxConfiguration.disablePasswordAuthentication = false;
      p.osProfile.adminPassword = "[secret]";
      p.osProfile.linuxConfiguration.ssh.publicKeys = [];
    });
    expect(await violations(noPasswordLogin, pw)).toEqual([
      "osProfile.adminPassword is set",
      "osProfile.linuxConfiguration.disablePasswordAuthentication is not true",
      expect.stringContaining("publicKeys is empty"),
    ]);
    expect(await violations(noPasswordLogin, subject(LIGHTHOUSE.instance, { loginConfiguration: { autoGeneratePassword: "YES" } }))).toEqual([
      expect.stringContaining("autoGeneratePassword is not NO"),
    ]);
    expect(await violations(noPasswordLogin, subject(LIGHTHOUSE.instance, { loginConfiguration: { autoGeneratePassword: "NO", password: "x" } }))).toEqual([
      "loginConfiguration.password is set",
    ]);
  });
});

describe("vm-managed-identity", () => {
  it("passes the planned VM and fails one without identity", async () => {
    expect(await violations(vmManagedIdentity, real(VM))).toEqual([]);
    expect(await violations(vmManagedIdentity, variant(real(VM), (p) => delete p.identity))).toEqual(["identity.type is None: the VM has no managed identity"]);
    expect(await violations(vmManagedIdentity, variant(real(VM), (p) => (p.identity.type = "None")))).toHaveLength(1);
  });
});

describe("key-vault-rbac-purge-protection", () => {
  const VAULT = "azure-native:keyvault:Vault";
  it("passes the planned vault and fails access policies or missing purge protection", async () => {
    expect(await violations(keyVaultRbacPurgeProtection, real(VAULT))).toEqual([]);
    const weak = variant(real(VAULT), (p) => {
      p.properties.enableRbacAuthorization = false;
      delete p.properties.enablePurgeProtection;
      p.properties.accessPolicies = [{ objectId: "x", permissions: { secrets: ["get"] } }];
    });
    expect(await violations(keyVaultRbacPurgeProtection, weak)).toEqual([
      "properties.enableRbacAuthorization is not true",
      "properties.enablePurgeProtection is not true",
      expect.stringContaining("accessPolicies has 1 entries"),
    ]);
  });
});

describe("role-assignment-read-secrets-only", () => {
  const RA = "azure-native:authorization:RoleAssignment";
  const assignment = (name: string) => {
    const s = planned.find((p) => p.type === RA && p.name === name);
    if (!s) throw new Error(`the plan has no role assignment ${name}`);
    return s;
  };
  const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
  const withRole = (s: PolicySubject, from: string, to: string) => variant(s, (p) => (p.roleDefinitionId = p.roleDefinitionId.replace(from, to)));

  it("names the same built-in roles the program grants, one row each", () => {
    expect(KEY_VAULT_SECRETS_USER).toBe(KEY_VAULT_SECRETS_USER_ROLE);
    expect(DISK_BACKUP_READER).toBe(DISK_BACKUP_READER_ROLE);
    expect(DISK_SNAPSHOT_CONTRIBUTOR).toBe(DISK_SNAPSHOT_CONTRIBUTOR_ROLE);
    expect(ALLOWED_ROLES.map((r) => r.id)).toEqual([KEY_VAULT_SECRETS_USER, DISK_BACKUP_READER, DISK_SNAPSHOT_CONTRIBUTOR]);
  });

  it("passes the planned assignments and fails a broader role or scope", async () => {
    expect(await violations(roleAssignmentReadSecretsOnly, assignment("secrets-reader"))).toEqual([]);
    const contributor = withRole(assignment("secrets-reader"), KEY_VAULT_SECRETS_USER, CONTRIBUTOR);
    expect(await violations(roleAssignmentReadSecretsOnly, contributor)).toEqual([expect.stringContaining("is not one the stack grants")]);
    for (const scope of ["/subscriptions/00000000-0000-0000-0000-000000000000", "/subscriptions/x/resourceGroups/agent", "/providers/Microsoft.Management/managementGroups/root", "/"]) {
      expect(await violations(roleAssignmentReadSecretsOnly, variant(assignment("secrets-reader"), (p) => (p.scope = scope))), scope).toEqual([expect.stringContaining("covers more than one vault")]);
    }
  });

  it("passes the backup vault's two roles, each at the one scope shape it may have", async () => {
    const reader = assignment("backup-disk-reader");
    const contributor = assignment("backup-snapshot-contributor");
    expect(reader.props.scope).toMatch(/\/providers\/Microsoft\.Compute\/disks\/[^/]+$/);
    expect(contributor.props.scope).toMatch(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/);
    expect(await violations(roleAssignmentReadSecretsOnly, reader)).toEqual([]);
    expect(await violations(roleAssignmentReadSecretsOnly, contributor)).toEqual([]);
  });

  it("fails a backup role on the subscription, on a group instead of the disk, on a disk instead of a group, or for a user", async () => {
    const reader = assignment("backup-disk-reader");
    const contributor = assignment("backup-snapshot-contributor");
    const sub = "/subscriptions/00000000-0000-0000-0000-000000000000";
    expect(await violations(roleAssignmentReadSecretsOnly, variant(reader, (p) => (p.scope = sub)))).toEqual([expect.stringContaining("is not one managed disk")]);
    expect(await violations(roleAssignmentReadSecretsOnly, variant(reader, (p) => (p.scope = `${sub}/resourceGroups/agent`)))).toEqual([expect.stringContaining("is not one managed disk")]);
    expect(await violations(roleAssignmentReadSecretsOnly, variant(contributor, (p) => (p.scope = sub)))).toEqual([expect.stringContaining("is not one resource group")]);
    expect(await violations(roleAssignmentReadSecretsOnly, variant(contributor, (p) => (p.scope = reader.props.scope)))).toEqual([expect.stringContaining("is not one resource group")]);
    expect(await violations(roleAssignmentReadSecretsOnly, variant(reader, (p) => (p.principalType = "User")))).toEqual([expect.stringContaining("is not ServicePrincipal")]);
    // Another role at the same scopes: refused.
    expect(await violations(roleAssignmentReadSecretsOnly, withRole(contributor, DISK_SNAPSHOT_CONTRIBUTOR, CONTRIBUTOR))).toEqual([
      expect.stringContaining("is not one the stack grants"),
      expect.stringContaining("covers more than one vault"),
    ]);
    expect(await violations(roleAssignmentReadSecretsOnly, withRole(reader, DISK_BACKUP_READER, "acdd72a7-3385-48ef-bd42-f606fba81ae7"))).toEqual([expect.stringContaining("is not one the stack grants")]);
  });
});

describe("backup-roles-for-the-backup-vault (a stack policy)", () => {
  const RA = "azure-native:authorization:RoleAssignment";
  /** The plan as a stack policy sees it: every resource's state. */
  const stack = (): StackResource[] => plan.resources.filter((r) => r.custom).map((r) => ({ type: r.type, urn: r.urn, name: r.name, props: structuredClone(r.outputs) }));
  const check = (resources: StackResource[]) => {
    const result = backupRolesForBackupVault.checkStack(resources.filter((r) => backupRolesForBackupVault.resourceTypes.includes(r.type)), CLOSED);
    if (!Array.isArray(result)) throw new Error("not applicable");
    return result as readonly StackViolation[];
  };
  const tamper = (name: string, edit: (p: Record<string, any>) => void) =>
    stack().map((r) => {
      if (r.type === RA && r.name === name) edit(r.props as Record<string, any>);
      return r;
    });
  const urnOf = (name: string) => plan.resources.find((r) => r.type === RA && r.name === name)!.urn;
  const groupId = (name: string) => plan.resources.find((r) => r.type === "azure-native:resources:ResourceGroup" && r.name === name)!.outputs;

  it("passes the planned stack, and is in the pack", () => {
    expect(check(stack())).toEqual([]);
    expect(stackPolicies).toContain(backupRolesForBackupVault);
    expect(backupRolesForBackupVault.enforcementLevel).toBe("mandatory");
  });

  it("refuses either role for another principal (the VM's identity)", () => {
    const vmPrincipal = String(get(plan.resources.find((r) => r.type === VM)!.outputs, "identity.principalId"));
    for (const name of ["backup-disk-reader", "backup-snapshot-contributor"]) {
      expect(check(tamper(name, (p) => (p.principalId = vmPrincipal))), name).toEqual([{ urn: urnOf(name), message: expect.stringContaining("no backup vault's identity") }]);
    }
  });

  it("refuses Disk Backup Reader on another disk, and Disk Snapshot Contributor on the VM's group or the disk's group", () => {
    const otherDisk = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/elsewhere/providers/Microsoft.Compute/disks/other";
    expect(check(tamper("backup-disk-reader", (p) => (p.scope = otherDisk)))).toEqual([{ urn: urnOf("backup-disk-reader"), message: expect.stringContaining("not the disk a backup instance") }]);
    const vmGroup = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${String(get(groupId("agent"), "name"))}`;
    const onVmGroup = check(tamper("backup-snapshot-contributor", (p) => (p.scope = vmGroup)));
    expect(onVmGroup.map((v) => v.message)).toEqual([expect.stringContaining("not the snapshot resource group"), expect.stringContaining("holds the disk or the VM")]);
    const diskGroup = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${String(get(groupId("workspace-rg"), "name"))}`;
    expect(check(tamper("backup-snapshot-contributor", (p) => (p.scope = diskGroup))).map((v) => v.message)).toEqual([
      expect.stringContaining("not the snapshot resource group"),
      expect.stringContaining("holds the disk or the VM"),
    ]);
  });

  it("refuses the snapshot group even when the backup instance names the VM's group too", () => {
    const vmGroupName = String(get(groupId("agent"), "name"));
    const vmGroup = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${vmGroupName}`;
    const resources = tamper("backup-snapshot-contributor", (p) => (p.scope = vmGroup)).map((r) => {
      if (r.type === "azure-native:dataprotection:BackupInstance") (r.props as any).properties.policyInfo.policyParameters.dataStoreParametersList[0].resourceGroupId = vmGroup;
      return r;
    });
    expect(check(resources)).toEqual([{ urn: urnOf("backup-snapshot-contributor"), message: expect.stringContaining(`resource group ${vmGroupName.toLowerCase()}, which holds the disk or the VM`) }]);
  });

  it("reports through the offline runner under its own name, with the resource", async () => {
    const subjects = planned.map((s) => (s.type === RA && s.name === "backup-disk-reader" ? { ...s, outputs: { ...s.outputs, scope: "/subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/disks/z" } } : s));
    const report = await evaluatePolicies(subjects, CLOSED);
    expect(report.violations.map((v) => [v.policy, v.urn, v.type])).toEqual([["backup-roles-for-the-backup-vault", urnOf("backup-disk-reader"), RA]]);
  });
});

describe("no-secret-in-user-data", () => {
  const cloudConfig = () => {
    const text = plan.artifacts["cloud-config.yaml"];
    if (!text) throw new Error("no cloud-config in the plan");
    return text;
  };

  it("passes the planned VM (its real customData) and the rollout run command", async () => {
    expect(await violations(noSecretInUserData, real(VM))).toEqual([]);
    expect(await violations(noSecretInUserData, real("azure-native:compute:VirtualMachineRunCommandByVirtualMachine"))).toEqual([]);
  });

  it("fails customData carrying a bot token, a provider key or a private key, by line and kind, never the value", async () => {
    const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const leaky = `${cloudConfig()}\n# ${FAKE_SECRETS.telegramBotToken}\nruncmd:\n  - echo DEEPSEEK_API_KEY=${FAKE_SECRETS.providerApiKey}\n${privateKey}`;
    const found = await violations(noSecretInUserData, variant(real(VM), (p) => (p.osProfile.customData = asCustomData(leaky))));
    const lines = cloudConfig().split("\n").length;
    expect(found).toEqual([
      `osProfile.customData line ${lines + 1}: Telegram bot token`,
      `osProfile.customData line ${lines + 3}: a literal value for a secret env var`,
      `osProfile.customData line ${lines + 4}: private key`,
    ]);
    for (const f of found) for (const s of Object.values(FAKE_SECRETS)) expect(f).not.toContain(s);
    // An ed25519 key in PKCS#8 is too short for secretlint's own rule; the project's pattern catches it.
    const shortKey = generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const withShortKey = variant(real(VM), (p) => (p.osProfile.customData = asCustomData(`${cloudConfig()}\n${shortKey}`)));
    expect(await violations(noSecretInUserData, withShortKey)).toEqual([`osProfile.customData line ${lines + 1}: private key`]);
  });

  it("fails customData that is a Pulumi secret (it was built from one)", async () => {
    const secret = variant(real(VM), (p) => (p.osProfile.customData = "[secret]"), ["osProfile.customData"]);
    expect(await violations(noSecretInUserData, secret)).toEqual([expect.stringContaining("osProfile.customData is a Pulumi secret")]);
  });

  it("fails a run-command script with a secret in it", async () => {
    const rollout = variant(real("azure-native:compute:VirtualMachineRunCommandByVirtualMachine"), (p) => (p.source.script += `\nexport FEISHU_APP_SECRET=${FAKE_SECRETS.feishuAppSecret}\n`));
    expect(await violations(noSecretInUserData, rollout)).toEqual([expect.stringMatching(/^source\.script line \d+: a literal value for a secret env var$/)]);
  });
});

describe("the secret scanner on the real Lighthouse bootstrap", () => {
  it("knows every secret env var of the registries", () => {
    const names = secretEnvNames();
    for (const p of modelProviders) for (const n of p.apiKeyEnv) expect(names).toContain(n);
    for (const b of bridges) for (const n of [...b.runtimeTokenEnv, ...b.secrets.flatMap((s) => s.env)]) expect(names).toContain(n);
  });

  it.each(bridges.map((b) => b.id))("finds no secret in the %s bootstrap with placeholders, and each secret once filled", async (bridge) => {
    const { spec } = loadSpec(rawConfig({ bridge }));
    const withPlaceholders = renderShellBootstrap(buildHostPayload(spec, { delivery: envFileDelivery(), dataDevices: [], sshLoginUser: "ubuntu", unattendedUpgrades: true }));
    expect(await findSecretLookingValues(withPlaceholders, "bootstrap.sh")).toEqual([]);
    const values = new Map([
      ["runtime-token", "RuntimeToken0123456789abcdefghijklmnop"],
      ["provider-api-key", FAKE_SECRETS.providerApiKey],
      ["telegram-bot-token", FAKE_SECRETS.telegramBotToken],
      ["feishu-app-secret", FAKE_SECRETS.feishuAppSecret],
      ["wecom-bot-secret", FAKE_SECRETS.wecomBotSecret],
    ]);
    const filled = fillSecrets(withPlaceholders, values);
    const found = await findSecretLookingValues(filled, "bootstrap.sh");
    // runtime token (once per env file that carries it), provider key, the bridge secret.
    const secretLines = filled.split("\n").filter((l) => [...values.values()].some((v) => l.includes(v))).length;
    expect(new Set(found.map((f) => f.line)).size).toBe(secretLines);
  });
});

describe("secret-inputs-are-secrets", () => {
  const tat = (secretPaths: readonly string[] | undefined) =>
    subject(LIGHTHOUSE.tat, { instanceId: "lhins-fixture", content: secretPaths?.includes("content") ? "[secret]" : "IyEvYmluL3NoCg==", timeout: 1800 }, { secretPaths });

  it("passes a secret TAT content and the planned Key Vault secrets", async () => {
    expect(await violations(secretInputsAreSecrets, tat(["content"]))).toEqual([]);
    for (const s of planned.filter((p) => p.type === "azure-native:keyvault:Secret")) expect(await violations(secretInputsAreSecrets, s)).toEqual([]);
  });

  it("fails a plain TAT content or Key Vault secret value", async () => {
    expect(await violations(secretInputsAreSecrets, tat([]))).toEqual([expect.stringContaining("content carries a secret but is not a Pulumi secret")]);
    const kv = variant(real("azure-native:keyvault:Secret"), (p) => (p.properties.value = "plain"), []);
    expect(await violations(secretInputsAreSecrets, kv)).toEqual([expect.stringContaining("properties.value")]);
  });

  it("is not applicable where secretness is invisible (CrossGuard)", async () => {
    expect(await secretInputsAreSecrets.check(tat(undefined), CLOSED)).toEqual({ notApplicable: expect.stringContaining("npm run plan -- --policy") });
  });
});

describe("remote-command-stdin", () => {
  const REMOTE = "command:remote:Command";
  const bootstrap = `#!/bin/sh\nwrite_file /etc/codewhale/bridge.env <<'EOF'\nTELEGRAM_BOT_TOKEN=${FAKE_SECRETS.telegramBotToken}\nEOF\n`;

  it("passes a bootstrap run whose stdin is a secret, and plain preflight/teardown runs", async () => {
    expect(await violations(remoteCommandStdin, subject(REMOTE, { create: "sudo -n sh -s", stdin: "[secret]" }, { secretPaths: ["stdin"] }))).toEqual([]);
    expect(await violations(remoteCommandStdin, subject(REMOTE, { create: "sh -s", stdin: "# codewhale-remote preflight\necho ok\n" }))).toEqual([]);
    expect(await violations(remoteCommandStdin, subject(REMOTE, { delete: "sudo -n sh -s", stdin: "#!/bin/sh\nsystemctl disable --now codewhale-runtime.service\n" }))).toEqual([]);
  });

  it("fails a bootstrap run with a plain stdin, and a secret in any plain command or stdin", async () => {
    expect(await violations(remoteCommandStdin, subject(REMOTE, { create: "sudo -n sh -s", stdin: bootstrap }))).toEqual([
      expect.stringContaining("stdin runs the host bootstrap with secrets but is not a Pulumi secret"),
      expect.stringMatching(/^stdin line 3: /),
    ]);
    expect(await violations(remoteCommandStdin, subject(REMOTE, { create: `echo TELEGRAM_BOT_TOKEN=${FAKE_SECRETS.telegramBotToken} > /tmp/x` }))).toEqual([expect.stringMatching(/^create line 1: /)]);
  });

  it("leaves the secretness half to the offline plan where it is invisible (CrossGuard), and still scans", async () => {
    expect(await violations(remoteCommandStdin, subject(REMOTE, { create: "sudo -n sh -s", stdin: "#!/bin/sh\n" }, { secretPaths: undefined }))).toEqual([]);
  });
});

describe("the offline runner", () => {
  it("finds nothing on the planned stack, and every policy name is unique", async () => {
    const report = await evaluatePolicies(planned, CLOSED);
    expect(report.violations).toEqual([]);
    expect(report.notApplicable).toEqual([]);
    expect(new Set(agentPolicies.map((p) => p.name)).size).toBe(agentPolicies.length);
  });

  it("reports each violation with the policy, level and resource URN, and ignores unrelated types", async () => {
    const open = addNsgRule({ protocol: "Tcp", destinationPortRange: "7878", sourceAddressPrefix: "0.0.0.0/0" });
    const report = await evaluatePolicies([...planned.filter((p) => p.type !== NSG), open], CLOSED);
    expect(report.violations.map((v) => v.policy).sort()).toEqual(["inbound-ssh-only", "runtime-port-closed", "ssh-not-world-open"]);
    expect(mandatoryViolations(report)).toHaveLength(3);
    expect(formatViolation(report.violations[0]!)).toContain(open.urn);
    expect(formatViolation(report.violations[0]!)).toMatch(/^\[mandatory\] [a-z-]+: azure-native:network:NetworkSecurityGroup 'ssh-nsg': /);
  });
});

describe("the CrossGuard adapter", () => {
  class NotApplicableSignal extends Error {}
  const args = (s: PolicySubject) =>
    ({
      type: s.type,
      urn: s.urn,
      name: s.name,
      props: s.props,
      notApplicable: (reason?: string) => {
        throw new NotApplicableSignal(reason);
      },
    }) as unknown as ResourceValidationArgs;

  async function run(policyName: string, s: PolicySubject, context = CLOSED): Promise<string[] | NotApplicableSignal> {
    const p = toCrossGuardPolicies(agentPolicies, () => context).find((x) => x.name === policyName)!;
    const reported: string[] = [];
    try {
      await (p.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => Promise<void>)(args(s), (m) => reported.push(m));
    } catch (e) {
      if (e instanceof NotApplicableSignal) return e;
      throw e;
    }
    return reported;
  }

  it("keeps name, level and steps, and reports what the check finds", async () => {
    const pack = toCrossGuardPolicies(agentPolicies, () => CLOSED);
    expect(pack.map((p) => [p.name, p.enforcementLevel])).toEqual(agentPolicies.map((p) => [p.name, p.enforcementLevel]));
    expect(await run("runtime-port-closed", lighthouseFirewall({ protocol: "TCP", port: "7878", cidrBlock: "203.0.113.7/32" }))).toEqual([expect.stringContaining("7878")]);
    expect(await run("ssh-world-open-opt-in", lighthouseFirewall({ protocol: "TCP", port: "22" }), OPTED_IN)).toHaveLength(1);
  });

  it("marks other types and unseen secretness as not applicable", async () => {
    expect(await run("vm-managed-identity", lighthouseFirewall({ protocol: "TCP", port: "22" }))).toBeInstanceOf(NotApplicableSignal);
    expect(await run("secret-inputs-are-secrets", subject(LIGHTHOUSE.tat, { content: "IyEvYmluL3NoCg==" }, { secretPaths: undefined }))).toBeInstanceOf(NotApplicableSignal);
  });
});
