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
import { KEY_VAULT_SECRETS_USER, keyVaultRbacPurgeProtection, noPasswordLogin, roleAssignmentReadSecretsOnly, vmManagedIdentity } from "../policy/host-access-policies";
import { inboundSshOnly, runtimePortClosed, sshNotWorldOpen, sshWorldOpenOptIn } from "../policy/network-policies";
import { agentPolicies } from "../policy/policies";
import { findSecretLookingValues, secretEnvNames } from "../policy/secret-scan";
import { noSecretInUserData, secretInputsAreSecrets } from "../policy/secret-policies";
import { policyContextFromConfig } from "../policy/stack-opt-in";
import { planStack, type Plan } from "../scripts/offline-plan";
import { FAKE_SECRETS, rawConfig } from "./support/stack";
import { LIGHTHOUSE, asCustomData, lighthouseFirewall, subject, variant } from "./support/policy-subjects";

const CLOSED: PolicyContext = { allowSshFromAnywhere: false };
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
  it("names the same built-in role the program grants", () => {
    expect(KEY_VAULT_SECRETS_USER).toBe(KEY_VAULT_SECRETS_USER_ROLE);
  });

  it("passes the planned assignment and fails a broader role or scope", async () => {
    expect(await violations(roleAssignmentReadSecretsOnly, real(RA))).toEqual([]);
    const contributor = variant(real(RA), (p) => (p.roleDefinitionId = p.roleDefinitionId.replace(KEY_VAULT_SECRETS_USER, "b24988ac-6180-42a0-ab88-20f7382dd24c")));
    expect(await violations(roleAssignmentReadSecretsOnly, contributor)).toEqual([expect.stringContaining("is not Key Vault Secrets User")]);
    for (const scope of ["/subscriptions/00000000-0000-0000-0000-000000000000", "/subscriptions/x/resourceGroups/agent", "/providers/Microsoft.Management/managementGroups/root", "/"]) {
      expect(await violations(roleAssignmentReadSecretsOnly, variant(real(RA), (p) => (p.scope = scope))), scope).toEqual([expect.stringContaining("covers more than one vault")]);
    }
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
