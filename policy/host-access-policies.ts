/**
 * Invariant 3 and the Azure identity model: SSH keys only on every VM, the Azure VM reads its secrets with
 * a managed identity, the vault is RBAC-only with purge protection, and a role assignment grants no more
 * than reading secret values of one vault, or, to the backup vault only, what Azure Backup needs for one disk.
 */
import type { AgentPolicy, StackPolicy, StackResource, StackViolation } from "./agent-policy";
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
const ONE_MANAGED_DISK = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/disks\/[^/]+$/i;
const ONE_RESOURCE_GROUP = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i;

/**
 * Azure built-in roles Azure Backup for managed disks needs (Az.DataProtection's AzureDisk manifest:
 * datasourcePermissions "Disk Backup Reader", snapshotRGPermissions "Disk Snapshot Contributor"); the program's
 * DiskBackup grants the same ids, which test/policy.test.ts checks.
 */
export const DISK_BACKUP_READER = "3e5e47e6-65f7-47ef-90b5-e5dd4d455f24";
export const DISK_SNAPSHOT_CONTRIBUTOR = "7efff54f-a5b4-42b5-a1c5-5411624893ce";

interface AllowedRole {
  readonly id: string;
  readonly name: string;
  /** What the scope must be, said in words, and the test of it. */
  readonly scope: string;
  readonly scopeProblem: (scope: string) => boolean;
  /** Granted to a managed identity only (the backup vault's). */
  readonly servicePrincipalOnly: boolean;
}

/** Every role the stack may grant, each with the one scope shape it may have (a table: one row per role). */
export const ALLOWED_ROLES: readonly AllowedRole[] = [
  { id: KEY_VAULT_SECRETS_USER, name: "Key Vault Secrets User", scope: "covers more than one vault", scopeProblem: (s) => BROAD_SCOPE.test(s), servicePrincipalOnly: false },
  { id: DISK_BACKUP_READER, name: "Disk Backup Reader", scope: "is not one managed disk", scopeProblem: (s) => !ONE_MANAGED_DISK.test(s), servicePrincipalOnly: true },
  { id: DISK_SNAPSHOT_CONTRIBUTOR, name: "Disk Snapshot Contributor", scope: "is not one resource group", scopeProblem: (s) => !ONE_RESOURCE_GROUP.test(s), servicePrincipalOnly: true },
];

const roleGuid = (props: Readonly<Record<string, unknown>>) => String(valueAt(props, "roleDefinitionId") ?? "").split("/").pop()?.toLowerCase();

export const roleAssignmentReadSecretsOnly: AgentPolicy = {
  name: "role-assignment-read-secrets-only",
  description:
    "Role assignments grant Key Vault Secrets User (read secret values) on a single resource, or, for Azure Backup of the workspace disk, Disk Backup Reader on one managed disk and Disk Snapshot Contributor on one resource group; nothing else.",
  enforcementLevel: "mandatory",
  resourceTypes: ["azure-native:authorization:RoleAssignment"],
  remediationSteps: `Grant the built-in role ${KEY_VAULT_SECRETS_USER} (Key Vault Secrets User) with the vault as scope; the backup vault's identity may also get ${DISK_BACKUP_READER} (Disk Backup Reader) on the disk and ${DISK_SNAPSHOT_CONTRIBUTOR} (Disk Snapshot Contributor) on the snapshot resource group.`,
  check: ({ props }) => {
    const problems: string[] = [];
    const role = String(valueAt(props, "roleDefinitionId") ?? "");
    const allowed = ALLOWED_ROLES.find((r) => r.id === roleGuid(props));
    const scope = String(valueAt(props, "scope") ?? "");
    if (!allowed) {
      problems.push(`roleDefinitionId ${role || "(none)"} is not one the stack grants (${ALLOWED_ROLES.map((r) => r.name).join(", ")})`);
      if (BROAD_SCOPE.test(scope)) problems.push(`scope ${scope || "/"} covers more than one vault`);
      return problems;
    }
    if (allowed.scopeProblem(scope)) problems.push(`scope ${scope || "/"} ${allowed.scope}: ${allowed.name} is granted on exactly that`);
    if (allowed.servicePrincipalOnly && valueAt(props, "principalType") !== "ServicePrincipal") {
      problems.push(`principalType ${String(valueAt(props, "principalType") ?? "(none)")} is not ServicePrincipal: ${allowed.name} goes to the backup vault's managed identity only`);
    }
    return problems;
  },
};

const BACKUP_VAULT = "azure-native:dataprotection:BackupVault";
const BACKUP_INSTANCE = "azure-native:dataprotection:BackupInstance";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const VM_TYPE = "azure-native:compute:VirtualMachine";

const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : undefined);
/** The resource group part of an ARM id, lower-cased. */
const groupOf = (id: unknown) => lower(id)?.match(/^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)/)?.[1];

/**
 * The two backup roles, across resources: each goes to the principal of a backup vault of this stack, Disk
 * Backup Reader on exactly the disk a backup instance of the stack protects, Disk Snapshot Contributor on exactly
 * the snapshot resource group that instance names, and that group holds neither the disk nor the VM.
 */
export const backupRolesForBackupVault: StackPolicy = {
  name: "backup-roles-for-the-backup-vault",
  description: "Disk Backup Reader and Disk Snapshot Contributor go to this stack's backup vault only, on the disk it backs up and on its own snapshot resource group.",
  enforcementLevel: "mandatory",
  resourceTypes: [ROLE_ASSIGNMENT, BACKUP_VAULT, BACKUP_INSTANCE, VM_TYPE],
  remediationSteps: "Give the role assignment principalId = the backup vault's identity.principalId, and scope = the backup instance's dataSourceInfo.resourceID (Disk Backup Reader) or its OperationalStore resourceGroupId (Disk Snapshot Contributor), a group of its own.",
  checkStack: (resources) => {
    const of = (type: string) => resources.filter((r) => r.type === type);
    const vaultPrincipals = new Set(of(BACKUP_VAULT).map((v) => lower(valueAt(v.props, "identity.principalId"))).filter(Boolean));
    const instances = of(BACKUP_INSTANCE);
    const disks = new Set(instances.map((i) => lower(valueAt(i.props, "properties.dataSourceInfo.resourceID"))).filter(Boolean));
    const snapshotGroups = new Set(
      instances.flatMap((i) => {
        const list = valueAt(i.props, "properties.policyInfo.policyParameters.dataStoreParametersList");
        return Array.isArray(list) ? list.map((p) => lower((p as Record<string, unknown>).resourceGroupId)) : [];
      }).filter(Boolean),
    );
    // Groups the snapshot contributor must never cover: the disk's, and the VM's (where the agent runs).
    const forbiddenGroups = new Set([...[...disks].map(groupOf), ...of(VM_TYPE).flatMap((vm: StackResource) => [lower(valueAt(vm.props, "resourceGroupName")), groupOf(valueAt(vm.props, "id"))])].filter(Boolean));
    const violations: StackViolation[] = [];
    for (const ra of of(ROLE_ASSIGNMENT)) {
      const guid = roleGuid(ra.props);
      if (guid !== DISK_BACKUP_READER && guid !== DISK_SNAPSHOT_CONTRIBUTOR) continue;
      const role = guid === DISK_BACKUP_READER ? "Disk Backup Reader" : "Disk Snapshot Contributor";
      const principal = lower(valueAt(ra.props, "principalId"));
      if (!principal || !vaultPrincipals.has(principal)) {
        violations.push({ urn: ra.urn, message: `${role} goes to principal ${principal ?? "(none)"}, which is no backup vault's identity in this stack` });
      }
      const scope = lower(valueAt(ra.props, "scope"));
      if (guid === DISK_BACKUP_READER && (!scope || !disks.has(scope))) {
        violations.push({ urn: ra.urn, message: `Disk Backup Reader on ${scope ?? "(none)"}, which is not the disk a backup instance of this stack protects` });
      }
      if (guid === DISK_SNAPSHOT_CONTRIBUTOR) {
        if (!scope || !snapshotGroups.has(scope)) {
          violations.push({ urn: ra.urn, message: `Disk Snapshot Contributor on ${scope ?? "(none)"}, which is not the snapshot resource group of a backup instance of this stack` });
        }
        const group = groupOf(scope);
        if (group && forbiddenGroups.has(group)) {
          violations.push({ urn: ra.urn, message: `Disk Snapshot Contributor on resource group ${group}, which holds the disk or the VM: the snapshot group is a group of its own` });
        }
      }
    }
    return violations;
  },
};
