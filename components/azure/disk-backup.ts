import { createHash } from "node:crypto";
import * as authorization from "@pulumi/azure-native/authorization";
import * as dataprotection from "@pulumi/azure-native/dataprotection";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { backupSchedule } from "./backup-rules";
import { ROLE_ASSIGNMENT_CREATE_ONLY_INPUTS } from "./secret-store";

export interface DiskBackupArgs {
  readonly location: pulumi.Input<string>;
  /** The workspace disk's ARM id and name. */
  readonly diskId: pulumi.Input<string>;
  readonly diskName: pulumi.Input<string>;
  readonly subscriptionId: pulumi.Input<string>;
  /** Hours between two backups (backup-rules.ts: 1, 2, 4, 6, 8, 12 or 24). */
  readonly intervalHours: number;
  readonly retentionDays: number;
  readonly tags?: Record<string, string>;
}

/**
 * Built-in roles the backup vault's identity needs for a disk: Azure Backup's own definition of the datasource
 * type Microsoft.Compute/disks (Az.DataProtection custom/manifests/AzureDisk.json: datasourcePermissions "Disk
 * Backup Reader", snapshotRGPermissions "Disk Snapshot Contributor"), the roles Set-AzDataProtectionMSIPermission
 * assigns. Built-in role definition ids are the same in every tenant. The policy pack allows exactly these two,
 * at exactly these scopes, to the vault only (policy/host-access-policies.ts).
 */
export const DISK_BACKUP_READER_ROLE = "3e5e47e6-65f7-47ef-90b5-e5dd4d455f24";
export const DISK_SNAPSHOT_CONTRIBUTOR_ROLE = "7efff54f-a5b4-42b5-a1c5-5411624893ce";
export const DISK_DATASOURCE = "Microsoft.Compute/disks";
/** Deleted backup data stays recoverable this long (the Backup vault default and minimum; 14-180 days). */
export const SOFT_DELETE_RETENTION_DAYS = 14;

/** The backup instance's name follows the disk: another disk (a restored one) is another instance. */
export function backupInstanceName(diskId: string): string {
  return `workspace-${createHash("sha256").update(diskId.toLowerCase()).digest("hex").slice(0, 12)}`;
}

/** The policy's name follows its rules, so a new schedule or retention is a new policy the instance moves to. */
export function backupPolicyName(intervalHours: number, retentionDays: number): string {
  return `disk-every-${intervalHours}h-keep-${retentionDays}d`;
}

/**
 * Azure Backup for managed disks: incremental snapshots of the workspace disk on a schedule, kept
 * `retentionDays` (operational tier: the snapshots live in a resource group of their own, never in the disk's,
 * so deleting the workspace does not delete its backups), a backup vault with a system identity, and the two
 * roles that identity needs. The instance waits for both role assignments: Azure checks the vault's permissions
 * when the instance is created.
 *
 * Lifecycle (what `pulumi destroy` and a day-2 change do; test/azure-backup.test.ts holds it):
 * - The instance is `protect`ed: `pulumi destroy --exclude-protected` keeps it and all it depends on (vault,
 *   policy, roles, groups, the disk) in the stack, so a later `pulumi up` builds a new host around a disk that is
 *   still backed up. A datasource can be actively protected by one vault only, so a fresh vault for the same
 *   disk would be refused.
 * - Groups, vault, instance and roles are `retainOnDelete`: once unprotected, `pulumi destroy` leaves them in
 *   Azure, still backing up the kept disk. Deleting an instance deletes its recovery points (Remove-/az
 *   dataprotection backup-instance delete: "stops backup and deletes backup data"); with the vault's soft
 *   delete they stay recoverable 14 days, and a vault holding soft-deleted data cannot be deleted until then.
 *   Both are steps the README gives, never something a destroy does by itself.
 * - The policy goes with the vault (`deletedWith`); a change of schedule or retention creates a policy of a
 *   new name, moves the instance to it (an update: policyInfo is no path parameter), then deletes the old one.
 * - azure-native replaces a resource when a path parameter changes (provider/pkg/provider/diff.go
 *   calculateDetailedDiff: "All the parameters that are part of the resource path cause a replacement"), and the
 *   dataprotection spec marks no body property create-only. So a new disk (`azure.workspaceDiskId`) replaces
 *   the instance (its name follows the disk); protect makes that an explicit step (`pulumi state unprotect`),
 *   and retainOnDelete keeps the old instance's recovery points in Azure.
 * - Immutability stays off (a Locked vault can never be unlocked, and it would refuse the README's deletes);
 *   soft delete is On, not AlwaysOn (which is irreversible).
 */
export class DiskBackup extends pulumi.ComponentResource {
  readonly vaultName: pulumi.Output<string>;
  readonly resourceGroupName: pulumi.Output<string>;
  readonly snapshotResourceGroupName: pulumi.Output<string>;
  readonly backupInstanceName: pulumi.Output<string>;

  constructor(name: string, args: DiskBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("codewhale-remote:azure:DiskBackup", name, {}, opts);
    const parent = { parent: this };
    const kept = { ...parent, retainOnDelete: true };
    const group = new resources.ResourceGroup(`${name}-rg`, { location: args.location, tags: args.tags }, kept);
    const snapshots = new resources.ResourceGroup(`${name}-snapshots-rg`, { location: args.location, tags: args.tags }, kept);
    const vault = new dataprotection.BackupVault(
      `${name}-vault`,
      {
        resourceGroupName: group.name,
        location: args.location,
        tags: args.tags,
        identity: { type: "SystemAssigned" },
        properties: {
          // Required by the API; disk backups stay in the operational tier and never reach the vault store.
          storageSettings: [{ datastoreType: "VaultStore", type: "LocallyRedundant" }],
          securitySettings: {
            softDeleteSettings: { state: "On", retentionDurationInDays: SOFT_DELETE_RETENTION_DAYS },
            immutabilitySettings: { state: "Disabled" },
          },
        },
      },
      kept,
    );
    const policy = new dataprotection.BackupPolicy(
      `${name}-policy`,
      {
        resourceGroupName: group.name,
        vaultName: vault.name,
        backupPolicyName: backupPolicyName(args.intervalHours, args.retentionDays),
        properties: {
          objectType: "BackupPolicy",
          datasourceTypes: [DISK_DATASOURCE],
          policyRules: [
            {
              name: "BackupOnSchedule",
              objectType: "AzureBackupRule",
              backupParameters: { objectType: "AzureBackupParams", backupType: "Incremental" },
              dataStore: { dataStoreType: "OperationalStore", objectType: "DataStoreInfoBase" },
              trigger: {
                objectType: "ScheduleBasedTriggerContext",
                schedule: { repeatingTimeIntervals: [backupSchedule(args.intervalHours)] },
                taggingCriteria: [{ isDefault: true, taggingPriority: 99, tagInfo: { tagName: "Default" } }],
              },
            },
            {
              name: "Default",
              objectType: "AzureRetentionRule",
              isDefault: true,
              lifecycles: [
                {
                  deleteAfter: { objectType: "AbsoluteDeleteOption", duration: `P${args.retentionDays}D` },
                  sourceDataStore: { dataStoreType: "OperationalStore", objectType: "DataStoreInfoBase" },
                },
              ],
            },
          ],
        },
      },
      { ...parent, deletedWith: vault },
    );
    const principalId = vault.identity.apply((i) => i?.principalId ?? "");
    const role = (id: string) => pulumi.interpolate`/subscriptions/${args.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
    // Azure refuses to update principal or scope of an assignment (RoleAssignmentUpdateNotPermitted): replace.
    const roleOpts = { ...kept, replaceOnChanges: [...ROLE_ASSIGNMENT_CREATE_ONLY_INPUTS] };
    const reader = new authorization.RoleAssignment(
      `${name}-disk-reader`,
      { scope: args.diskId, principalId, principalType: "ServicePrincipal", roleDefinitionId: role(DISK_BACKUP_READER_ROLE), description: "codewhale-remote backup vault reads the workspace disk" },
      roleOpts,
    );
    const contributor = new authorization.RoleAssignment(
      `${name}-snapshot-contributor`,
      { scope: snapshots.id, principalId, principalType: "ServicePrincipal", roleDefinitionId: role(DISK_SNAPSHOT_CONTRIBUTOR_ROLE), description: "codewhale-remote backup vault keeps the workspace disk's snapshots" },
      roleOpts,
    );
    const instance = new dataprotection.BackupInstance(
      `${name}-instance`,
      {
        resourceGroupName: group.name,
        vaultName: vault.name,
        backupInstanceName: pulumi.output(args.diskId).apply(backupInstanceName),
        properties: {
          objectType: "BackupInstance",
          dataSourceInfo: {
            objectType: "Datasource",
            datasourceType: DISK_DATASOURCE,
            resourceID: args.diskId,
            resourceUri: args.diskId,
            resourceName: args.diskName,
            resourceType: DISK_DATASOURCE,
            resourceLocation: args.location,
          },
          policyInfo: {
            policyId: policy.id,
            policyParameters: {
              dataStoreParametersList: [{ objectType: "AzureOperationalStoreParameters", dataStoreType: "OperationalStore", resourceGroupId: snapshots.id }],
            },
          },
        },
      },
      { ...kept, protect: true, dependsOn: [reader, contributor] },
    );
    this.vaultName = vault.name;
    this.resourceGroupName = group.name;
    this.snapshotResourceGroupName = snapshots.name;
    this.backupInstanceName = instance.name;
    this.registerOutputs({
      vaultName: this.vaultName,
      resourceGroupName: this.resourceGroupName,
      snapshotResourceGroupName: this.snapshotResourceGroupName,
      backupInstanceName: this.backupInstanceName,
    });
  }
}
