/**
 * Invariant 3 and the Azure identity model: SSH keys only on every VM, the Azure VM reads its secrets with
 * a managed identity, the vault is RBAC-only with purge protection, and a role assignment grants no more
 * than reading secret values of one vault.
 */
import type { AgentPolicy } from "./agent-policy";
import { valueAt } from "./agent-policy";

const AZURE_VM = "azure-native:compute:VirtualMachine";
const LIGHTHOUSE_INSTANCE = "tencentcloud:Lighthouse/instance:Instance";

/**
 * Azure built-in role "Key Vault Secrets User": read secret values, nothing else (a fact of Azure; the
 * program's SecretStore grants the same id, which test/policy.test.ts checks).
 */
export const KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";

export const noPasswordLogin: AgentPolicy = {
  name: "no-password-login",
  description: "VMs accept SSH keys only: no admin password, password authentication disabled, no generated login password.",
  enforcementLevel: "mandatory",
  resourceTypes: [AZURE_VM, LIGHTHOUSE_INSTANCE],
  remediationSteps: "Azure: osProfile.linuxConfiguration.disablePasswordAuthentication true and no adminPassword. Lighthouse: no loginConfiguration password and autoGeneratePassword NO; attach a key pair.",
  check: ({ type, props }) => {
    const problems: string[] = [];
    if (type === AZURE_VM) {
      if (valueAt(props, "osProfile") === undefined) return [];
      if (valueAt(props, "osProfile.adminPassword") !== undefined) problems.push("osProfile.adminPassword is set");
      if (valueAt(props, "osProfile.windowsConfiguration") !== undefined) problems.push("osProfile.windowsConfiguration: a Windows VM logs in with a password");
      if (valueAt(props, "osProfile.linuxConfiguration.disablePasswordAuthentication") !== true) {
        problems.push("osProfile.linuxConfiguration.disablePasswordAuthentication is not true");
      }
      const keys = valueAt(props, "osProfile.linuxConfiguration.ssh.publicKeys");
      if (!Array.isArray(keys) || keys.length === 0) problems.push("osProfile.linuxConfiguration.ssh.publicKeys is empty: no way in but a password");
    } else {
      if (valueAt(props, "loginConfiguration.password") !== undefined) problems.push("loginConfiguration.password is set");
      if (String(valueAt(props, "loginConfiguration.autoGeneratePassword") ?? "NO").toUpperCase() !== "NO") {
        problems.push("loginConfiguration.autoGeneratePassword is not NO: Lighthouse would create a login password");
      }
    }
    return problems;
  },
};

export const vmManagedIdentity: AgentPolicy = {
  name: "vm-managed-identity",
  description: "Azure VMs have a managed identity (how the host reads Key Vault without a stored credential).",
  enforcementLevel: "mandatory",
  resourceTypes: [AZURE_VM],
  remediationSteps: "Set identity.type to SystemAssigned.",
  check: ({ props }) => {
    const type = String(valueAt(props, "identity.type") ?? "None");
    return /assigned/i.test(type) ? [] : [`identity.type is ${type}: the VM has no managed identity`];
  },
};

export const keyVaultRbacPurgeProtection: AgentPolicy = {
  name: "key-vault-rbac-purge-protection",
  description: "Key Vaults use RBAC authorization (no access policies) with soft delete and purge protection on.",
  enforcementLevel: "mandatory",
  resourceTypes: ["azure-native:keyvault:Vault"],
  remediationSteps: "properties.enableRbacAuthorization true, enablePurgeProtection true, enableSoftDelete true, accessPolicies empty.",
  check: ({ props }) => {
    const problems: string[] = [];
    if (valueAt(props, "properties.enableRbacAuthorization") !== true) problems.push("properties.enableRbacAuthorization is not true");
    if (valueAt(props, "properties.enablePurgeProtection") !== true) problems.push("properties.enablePurgeProtection is not true");
    if (valueAt(props, "properties.enableSoftDelete") === false) problems.push("properties.enableSoftDelete is false");
    const policies = valueAt(props, "properties.accessPolicies");
    if (Array.isArray(policies) && policies.length > 0) problems.push(`properties.accessPolicies has ${policies.length} entries: access goes through RBAC only`);
    return problems;
  },
};

/** Scopes wider than one resource: the whole tenant, a management group, a subscription, a resource group. */
const BROAD_SCOPE = /^\/?$|^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+\/?$|^\/subscriptions\/[^/]+\/?$|^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/?$/i;

export const roleAssignmentReadSecretsOnly: AgentPolicy = {
  name: "role-assignment-read-secrets-only",
  description: "Role assignments grant Key Vault Secrets User (read secret values) on a single resource, nothing broader.",
  enforcementLevel: "mandatory",
  resourceTypes: ["azure-native:authorization:RoleAssignment"],
  remediationSteps: `Grant the built-in role ${KEY_VAULT_SECRETS_USER} (Key Vault Secrets User) with the vault as scope.`,
  check: ({ props }) => {
    const problems: string[] = [];
    const role = String(valueAt(props, "roleDefinitionId") ?? "");
    const roleGuid = role.split("/").pop()?.toLowerCase();
    if (roleGuid !== KEY_VAULT_SECRETS_USER) problems.push(`roleDefinitionId ${role || "(none)"} is not Key Vault Secrets User`);
    const scope = String(valueAt(props, "scope") ?? "");
    if (BROAD_SCOPE.test(scope)) problems.push(`scope ${scope || "/"} covers more than one vault`);
    return problems;
  },
};
