/**
 * Invariant 2: secrets are Pulumi secrets end to end. Text a host receives in clear carries none, and
 * the inputs that do carry one (the Lighthouse bootstrap, Key Vault secret values) are Pulumi secrets, so
 * they are encrypted in state and masked in previews and logs.
 */
import type { AgentPolicy, CheckResult, PolicySubject } from "./agent-policy";
import { isSecretAt, valueAt } from "./agent-policy";
import { decodeHostText, type HostTextEncoding } from "./host-text";
import { findSecretLookingValues } from "./secret-scan";

/** Where each resource type carries text that reaches the host in clear (stored by the cloud, readable by its readers). */
const CLEAR_HOST_TEXT: Readonly<Record<string, readonly { path: string; encoding: HostTextEncoding }[]>> = {
  "azure-native:compute:VirtualMachine": [
    { path: "osProfile.customData", encoding: "base64" },
    { path: "userData", encoding: "base64" },
  ],
  "azure-native:compute:VirtualMachineRunCommandByVirtualMachine": [{ path: "source.script", encoding: "plain" }],
  "tencentcloud:Instance/instance:Instance": [
    { path: "userData", encoding: "base64" },
    { path: "userDataRaw", encoding: "plain" },
  ],
};

export const noSecretInUserData: AgentPolicy = {
  name: "no-secret-in-user-data",
  description: "customData, user data and run-command scripts hold no secret: they are not Pulumi secrets and contain no secret-looking value.",
  enforcementLevel: "mandatory",
  resourceTypes: Object.keys(CLEAR_HOST_TEXT),
  remediationSteps: "Deliver the secret another way: Key Vault read with the VM identity (Azure), or the Pulumi-secret TAT bootstrap (Lighthouse).",
  check: async (subject) => {
    const problems: string[] = [];
    for (const { path, encoding } of CLEAR_HOST_TEXT[subject.type] ?? []) {
      const value = valueAt(subject.props, path);
      if (value === undefined || value === null) continue;
      // A secret here means it was built from a secret: the cloud stores and serves it in clear anyway.
      if (isSecretAt(subject, path)) {
        problems.push(`${path} is a Pulumi secret, so it was built from a secret value; it must carry none`);
        continue;
      }
      for (const f of await findSecretLookingValues(decodeHostText(String(value), encoding), path)) {
        problems.push(`${path} line ${f.line}: ${f.kind}`);
      }
    }
    return problems;
  },
};

/** Inputs that carry a secret by design, by resource type. */
const SECRET_INPUTS: Readonly<Record<string, readonly string[]>> = {
  // The bootstrap writes the env files with the key, bot secret and runtime token in them.
  "tencentcloud:Tat/invocationCommandAttachment:InvocationCommandAttachment": ["content"],
  "azure-native:keyvault:Secret": ["properties.value"],
};

export const secretInputsAreSecrets: AgentPolicy = {
  name: "secret-inputs-are-secrets",
  description: "Inputs that carry a secret (TAT command content, Key Vault secret values) are Pulumi secrets.",
  enforcementLevel: "mandatory",
  resourceTypes: Object.keys(SECRET_INPUTS),
  remediationSteps: "Wrap the value in pulumi.secret(...) where the resource is declared.",
  check: (subject: PolicySubject): CheckResult => {
    if (subject.secretPaths === undefined) {
      // CrossGuard gives policies plain values without secretness (pulumi/pulumi-policy#241); the offline
      // plan, which CI runs on every stack, records it and enforces this policy.
      return { notApplicable: "secretness is not visible to CrossGuard policies; npm run plan -- --policy checks it" };
    }
    return (SECRET_INPUTS[subject.type] ?? [])
      .filter((path) => valueAt(subject.props, path) !== undefined && !isSecretAt(subject, path))
      .map((path) => `${path} carries a secret but is not a Pulumi secret (it would sit in clear in the state and in previews)`);
  },
};
