/**
 * Invariant 2: secrets are Pulumi secrets end to end. Text a host receives in clear carries none, and
 * the inputs that do carry one (the Lighthouse bootstrap, Key Vault secret values) are Pulumi secrets, so
 * they are encrypted in state and masked in previews and logs.
 */
import type { AgentPolicy, CheckResult, PolicySubject } from "./agent-policy";
import { isSecretAt, valueAt } from "./agent-policy";
import { decodeHostText, type HostTextEncoding } from "./host-text";
import { findSecretLookingValues } from "./secret-scan";

/** What a host-bootstrap run over SSH executes (components/ssh-bootstrap.ts): its stdin is the bootstrap. */
const SSH_BOOTSTRAP_COMMAND = "sudo -n sh -s";

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

/**
 * Remote commands over SSH (pulumi-command `remote.Command`): the stdin of a bootstrap run (`create` or
 * `update` is `sudo -n sh -s`) writes the env files with every secret, so it is a Pulumi secret (the provider marks only
 * `connection` secret: command.go CommandInputs); every other stdin (the preflight; the teardown, whose `delete` is the same command but whose stdin is
 * the teardown script) is plain, and
 * plain text carries no secret-looking value. The provider logs a run's output and puts it in its error, never the
 * stdin, so stdin is where a secret may travel and nowhere else.
 */
export const remoteCommandStdin: AgentPolicy = {
  name: "remote-command-stdin",
  description: "A remote command that runs the host bootstrap has a secret stdin; any other remote command's stdin and command lines hold no secret-looking value.",
  enforcementLevel: "mandatory",
  resourceTypes: ["command:remote:Command"],
  remediationSteps: "Send secrets only in the bootstrap's stdin, wrapped in pulumi.secret(...); never in create/update/delete or another command's stdin.",
  check: async (subject) => {
    const problems: string[] = [];
    const runsBootstrap = ["create", "update"].some((k) => valueAt(subject.props, k) === SSH_BOOTSTRAP_COMMAND);
    const stdin = valueAt(subject.props, "stdin");
    const secretStdin = isSecretAt(subject, "stdin");
    // Undefined secretness (CrossGuard: pulumi/pulumi-policy#241) leaves this half to the offline plan.
    if (runsBootstrap && stdin !== undefined && secretStdin === false) {
      problems.push("stdin runs the host bootstrap with secrets but is not a Pulumi secret (it would sit in clear in the state and in previews)");
    }
    for (const path of ["create", "update", "delete", ...(secretStdin === true ? [] : ["stdin"])]) {
      const value = valueAt(subject.props, path);
      if (value === undefined || value === null || isSecretAt(subject, path)) continue;
      for (const f of await findSecretLookingValues(String(value), path)) problems.push(`${path} line ${f.line}: ${f.kind}`);
    }
    return problems;
  },
};
