/**
 * Azure Backup of the workspace disk (components/azure/disk-backup.ts), the restore path through
 * `azure.workspaceDiskId`, and the optional daily auto-shutdown: what we ask Azure for, and what `pulumi up`
 * on day 2 and `pulumi destroy` then do, read against the provider and the service, not the mocks:
 * - azure-native (3.28.0; BackupVault/BackupPolicy/BackupInstance use Azure REST API 2025-01-01, as the SDK's
 *   doc comments say): provider/pkg/provider/diff.go calculateDetailedDiff ("All the parameters that are part
 *   of the resource path cause a replacement"; body properties only when marked ForceNew, from the spec's
 *   x-ms-mutability or provider/pkg/gen/replacement.go forceNewMap, which lists Authorization RoleAssignment
 *   principalId and scope and nothing of DataProtection or DevTestLab). The 2025-01-01 dataprotection spec
 *   (specification/dataprotection/.../stable/2025-01-01/dataprotection.json) marks no BackupInstance or
 *   BackupPolicy body property create-only; its required fields: a vault's location and
 *   properties.storageSettings, a policy's datasourceTypes, objectType and policyRules.
 *   provider/pkg/resources/customresources has no DataProtection or DevTestLab entry (only Recovery Services
 *   vaults are special-cased), so these resources take the generic path: PUT to create or update, DELETE to
 *   delete, with no extra step such as stopping protection first.
 * - Azure Backup: deleting a backup instance "stops backup and deletes backup data"
 *   (Remove-AzDataProtectionBackupInstance); stop protection keeps the data "forever"
 *   (Stop-AzDataProtectionBackupInstanceProtection); a Backup vault that holds protected data sources or backup
 *   data cannot be deleted ("Delete a Backup Vault"); soft delete keeps deleted backup data 14 days by default
 *   (14-180), its states On, Off and AlwaysOn (irreversible); an item cannot be registered with two vaults for
 *   active backups (enhanced soft delete, re-registration); support matrix: backups every 1, 2, 4, 6, 8 or 12
 *   hours or daily, at most 1 year or 450 snapshots kept, no restore over the source disk (a new disk only).
 * The engine's delete rules are modelled in test/support/lifecycle.ts (as in test/azure-lifecycle.test.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { BACKUP_INTERVALS_HOURS, backupSchedule, maxRetentionDays, shutdownRecurrenceTime } from "../components/azure/backup-rules";
import { DISK_BACKUP_READER_ROLE, DISK_SNAPSHOT_CONTRIBUTOR_ROLE, SOFT_DELETE_RETENTION_DAYS, backupInstanceName, backupPolicyName } from "../components/azure/disk-backup";
import { ROLE_ASSIGNMENT_CREATE_ONLY_INPUTS } from "../components/azure/secret-store";
import { ConfigError, type ConfigProblem } from "../config/errors";
import { loadSpec } from "../contract";
import { evaluatePolicies, planSubjects } from "../policy/evaluate";
import { planStack, type Plan } from "../scripts/offline-plan";
import { destroyOutcome, protectedExcludes, unprotectAll } from "./support/lifecycle";
import { offlineMocks } from "../scripts/offline-mocks";
import { FAKE_SECRETS, rawConfig, withDecodedBase64 } from "./support/stack";
import { byType, get, one } from "./support/plan-queries";

const STACK = "azure-backup";
const RA = "azure-native:authorization:RoleAssignment";
const VAULT = "azure-native:dataprotection:BackupVault";
const POLICY = "azure-native:dataprotection:BackupPolicy";
const INSTANCE = "azure-native:dataprotection:BackupInstance";
const SCHEDULE = "azure-native:devtestlab:GlobalSchedule";
const plan = (azure: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => planStack({ stack: STACK, raw: rawConfig({ azure, ...extra }, STACK) });
const RESTORED = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/workspace-rg0a1b2c3d/providers/Microsoft.Compute/disks/workspace-restored-1201";

/** The problems the Azure target reports for these settings (before any resource is registered). */
function problems(azure: Record<string, unknown>): ConfigProblem[] {
  try {
    loadSpec(rawConfig({ azure }));
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
}

let base: Plan;
beforeAll(async () => {
  base = await plan();
});

describe("Azure Backup of the workspace disk, by default", () => {
  it("backs up the data disk daily, incrementally, kept 30 days, in the operational tier", () => {
    const policy = one(base, POLICY);
    expect(policy.inputs.backupPolicyName).toBe(backupPolicyName(24, 30));
    expect(get(policy.inputs, "properties.datasourceTypes")).toEqual(["Microsoft.Compute/disks"]);
    const [rule, retention] = get(policy.inputs, "properties.policyRules") as any[];
    expect(rule).toMatchObject({ objectType: "AzureBackupRule", backupParameters: { backupType: "Incremental" }, dataStore: { dataStoreType: "OperationalStore" } });
    expect(rule.trigger).toMatchObject({ objectType: "ScheduleBasedTriggerContext", schedule: { repeatingTimeIntervals: ["R/2024-01-01T02:00:00+00:00/P1D"] } });
    expect(retention).toMatchObject({ objectType: "AzureRetentionRule", isDefault: true, lifecycles: [{ deleteAfter: { objectType: "AbsoluteDeleteOption", duration: "P30D" }, sourceDataStore: { dataStoreType: "OperationalStore" } }] });
  });

  it("protects exactly the workspace disk, with its snapshots in a group of their own", () => {
    const disk = one(base, "azure-native:compute:Disk");
    const instance = one(base, INSTANCE);
    const attached = get(one(base, "azure-native:compute:VirtualMachine").inputs, "storageProfile.dataDisks.0.managedDisk.id");
    expect(attached).toMatch(/\/providers\/Microsoft\.Compute\/disks\/workspace-disk/);
    expect(get(instance.inputs, "properties.dataSourceInfo")).toMatchObject({
      datasourceType: "Microsoft.Compute/disks",
      resourceType: "Microsoft.Compute/disks",
      resourceID: attached,
      resourceUri: attached,
      resourceName: disk.outputs.name,
      resourceLocation: "westeurope",
    });
    expect(instance.dependencies).toContain(disk.urn);
    const snapshots = one(base, "azure-native:resources:ResourceGroup", "backup-snapshots-rg");
    const params = get(instance.inputs, "properties.policyInfo.policyParameters.dataStoreParametersList") as any[];
    expect(params).toEqual([{ objectType: "AzureOperationalStoreParameters", dataStoreType: "OperationalStore", resourceGroupId: expect.stringMatching(/\/resourceGroups\/backup-snapshots-rg/) }]);
    expect(instance.dependencies).toContain(snapshots.urn);
    // Nothing else is placed in the snapshot group: its contributor role covers snapshots only.
    expect(base.resources.filter((r) => r.dependencies.includes(snapshots.urn)).map((r) => r.name).sort()).toEqual(["backup-instance", "backup-snapshot-contributor"]);
    expect(instance.inputs.backupInstanceName).toBe(backupInstanceName(attached));
  });

  it("grants the vault's identity Disk Backup Reader on the disk and Disk Snapshot Contributor on the snapshot group, before the instance", () => {
    const vault = one(base, VAULT);
    expect(get(vault.inputs, "identity.type")).toBe("SystemAssigned");
    const principal = get(vault.outputs, "identity.principalId");
    const reader = one(base, RA, "backup-disk-reader");
    const contributor = one(base, RA, "backup-snapshot-contributor");
    const instance = one(base, INSTANCE);
    expect(String(reader.inputs.roleDefinitionId).split("/").pop()).toBe(DISK_BACKUP_READER_ROLE);
    expect(String(contributor.inputs.roleDefinitionId).split("/").pop()).toBe(DISK_SNAPSHOT_CONTRIBUTOR_ROLE);
    expect(reader.inputs.scope).toBe(get(instance.inputs, "properties.dataSourceInfo.resourceID"));
    expect(contributor.inputs.scope).toBe(get(instance.inputs, "properties.policyInfo.policyParameters.dataStoreParametersList.0.resourceGroupId"));
    for (const r of [reader, contributor]) {
      expect(r.inputs).toMatchObject({ principalId: principal, principalType: "ServicePrincipal" });
      expect(instance.dependsOn, r.urn).toContain(r.urn);
      // Azure refuses to update principal or scope of an assignment: a change replaces it.
      expect(r.replaceOnChanges).toEqual([...ROLE_ASSIGNMENT_CREATE_ONLY_INPUTS].sort());
    }
  });

  it("keeps soft delete On for 14 days and immutability off (both reversible), in the disk's region", () => {
    const vault = one(base, VAULT);
    expect(SOFT_DELETE_RETENTION_DAYS).toBe(14);
    expect(get(vault.inputs, "properties.securitySettings")).toEqual({ softDeleteSettings: { state: "On", retentionDurationInDays: 14 }, immutabilitySettings: { state: "Disabled" } });
    expect(get(vault.inputs, "properties.storageSettings")).toEqual([{ datastoreType: "VaultStore", type: "LocallyRedundant" }]);
    expect(vault.inputs.location).toBe(one(base, "azure-native:compute:Disk").inputs.location);
  });

  it("names the vault, its groups and the instance in the stack outputs (what the restore steps use)", () => {
    expect(base.outputs).toMatchObject({
      backupVaultName: expect.any(String),
      backupResourceGroupName: expect.stringMatching(/^backup-rg/),
      backupSnapshotResourceGroupName: expect.stringMatching(/^backup-snapshots-rg/),
      backupInstanceName: expect.stringMatching(/^workspace-[0-9a-f]{12}$/),
    });
  });

  it("passes every policy of the pack, the stack policy on the backup roles included", async () => {
    const report = await evaluatePolicies(planSubjects(base.resources), { allowSshFromAnywhere: false });
    expect(report.violations).toEqual([]);
  });

  it("is off with azure.backup false, and without a data disk", async () => {
    for (const p of [await plan({ backup: false }), await plan({ dataDiskSizeGb: 0 })]) {
      for (const t of [VAULT, POLICY, INSTANCE]) expect(byType(p, t)).toEqual([]);
      expect(byType(p, RA).map((r) => r.name)).toEqual(["secrets-reader"]);
      expect(p.outputs.backupVaultName).toBeUndefined();
    }
  });
});

describe("Azure Backup: pulumi destroy", () => {
  it("a plain pulumi destroy stops at the protected disk and the protected backup instance", () => {
    expect(destroyOutcome(base).refused.map((r) => r.name).sort()).toEqual(["backup-instance", "workspace-disk"]);
  });

  it("--exclude-protected keeps the disk and all of its backup in the stack (a second vault could not protect the same disk)", () => {
    const kept = protectedExcludes(base);
    for (const r of [...byType(base, VAULT), ...byType(base, POLICY), ...byType(base, INSTANCE), one(base, RA, "backup-disk-reader"), one(base, RA, "backup-snapshot-contributor")]) {
      expect(kept.has(r.urn), r.name).toBe(true);
    }
    for (const name of ["backup-rg", "backup-snapshots-rg"]) expect(kept.has(one(base, "azure-native:resources:ResourceGroup", name).urn), name).toBe(true);
    const { refused, providerDeletes } = destroyOutcome(base, kept);
    expect(refused).toEqual([]);
    expect(providerDeletes.map((r) => r.type)).toEqual(expect.arrayContaining(["azure-native:compute:VirtualMachine"]));
  });

  it("after pulumi state unprotect --all, pulumi destroy deletes no backup data: the vault, instance, roles and groups stay in Azure", () => {
    const { refused, providerDeletes, leftInCloud } = destroyOutcome(unprotectAll(base));
    expect(refused).toEqual([]);
    const backupTypes = [VAULT, POLICY, INSTANCE];
    expect(providerDeletes.filter((r) => backupTypes.includes(r.type) || r.name.startsWith("backup-"))).toEqual([]);
    expect(leftInCloud.map((r) => r.name)).toEqual(expect.arrayContaining(["backup-vault", "backup-instance", "backup-disk-reader", "backup-snapshot-contributor", "backup-rg", "backup-snapshots-rg"]));
    // The policy gets no Delete of its own: it goes with its vault (which an instance still holding data keeps).
    const policy = one(base, POLICY);
    expect(policy.deletedWith).toBe(one(base, VAULT).urn);
    expect(policy.retainOnDelete).toBe(false);
  });
});

describe("Azure Backup: day-2 changes", () => {
  it("a new schedule or retention is a new policy (its name is a path parameter) that the instance moves to in place", async () => {
    const changed = await plan({ backupIntervalHours: 4, backupRetentionDays: 14 });
    const before = one(base, POLICY);
    const after = one(changed, POLICY);
    expect(after.inputs.backupPolicyName).toBe("disk-every-4h-keep-14d");
    expect(after.inputs.backupPolicyName).not.toBe(before.inputs.backupPolicyName);
    expect(get(after.inputs, "properties.policyRules.0.trigger.schedule.repeatingTimeIntervals")).toEqual(["R/2024-01-01T02:00:00+00:00/PT4H"]);
    expect(get(after.inputs, "properties.policyRules.1.lifecycles.0.deleteAfter.duration")).toBe("P14D");
    // The instance keeps its name (no replacement): only policyInfo.policyId, a body property, changes.
    expect(one(changed, INSTANCE).inputs.backupInstanceName).toBe(one(base, INSTANCE).inputs.backupInstanceName);
    expect(one(changed, VAULT).inputs).toEqual(one(base, VAULT).inputs);
  });

  it("azure.workspaceDiskId: the stack attaches the restored disk, creates none, and backs it up as a new instance", async () => {
    const restored = await plan({ workspaceDiskId: RESTORED });
    expect(byType(restored, "azure-native:compute:Disk")).toEqual([]);
    expect(byType(restored, "codewhale-remote:azure:WorkspaceDisk")).toEqual([]);
    const vm = one(restored, "azure-native:compute:VirtualMachine");
    expect(get(vm.inputs, "storageProfile.dataDisks")).toEqual([{ lun: 0, createOption: "Attach", deleteOption: "Detach", managedDisk: { id: RESTORED } }]);
    // The VM attaches another disk in place (dataDisks is not a create-only input): no new host.
    expect(vm.replaceOnChanges.some((p) => "storageProfile.dataDisks".startsWith(p))).toBe(false);
    const instance = one(restored, INSTANCE);
    expect(get(instance.inputs, "properties.dataSourceInfo")).toMatchObject({ resourceID: RESTORED, resourceName: "workspace-restored-1201" });
    // Another disk, another instance name: a replacement, which protect turns into an explicit
    // `pulumi state unprotect`; retainOnDelete keeps the old instance and its recovery points in Azure.
    expect(instance.inputs.backupInstanceName).toBe(backupInstanceName(RESTORED));
    expect(instance.inputs.backupInstanceName).not.toBe(one(base, INSTANCE).inputs.backupInstanceName);
    expect(instance).toMatchObject({ protect: true, retainOnDelete: true });
    expect(one(restored, RA, "backup-disk-reader").inputs.scope).toBe(RESTORED);
    expect(restored.outputs.workspaceResourceGroupName).toBe("workspace-rg0a1b2c3d");
    // The policy pack admits the reader on the restored disk (it is the disk the instance protects).
    expect((await evaluatePolicies(planSubjects(restored.resources), { allowSshFromAnywhere: false })).violations).toEqual([]);
  });

  it("the runbook gives the restore and the switch to the restored disk, with the stack's own names", () => {
    const runbook = base.artifacts["RUNBOOK.md"] ?? "";
    expect(runbook).toContain("az dataprotection backup-instance restore initialize-for-data-recovery --datasource-type AzureDisk");
    expect(runbook).toContain("az dataprotection backup-instance restore trigger");
    expect(runbook).toContain("pulumi stack output backupInstanceName");
    expect(runbook).toContain("pulumi config set --path 'azure.workspaceDiskId'");
    expect(runbook).toContain("pulumi state unprotect --all");
    expect(runbook).toContain("every 24 h and keeps each for 30 days");
  });
});

describe("Azure Backup: config", () => {
  it("defaults: on when there is a data disk, daily, 30 days", () => {
    const { spec } = loadSpec(rawConfig({}));
    expect(spec.target.settings).toMatchObject({ backupIntervalHours: 24, backupRetentionDays: 30 });
    expect((spec.target.settings as { backup?: boolean }).backup).toBeUndefined();
    expect(problems({})).toEqual([]);
  });

  it("takes every interval Azure Disk Backup takes, with retention up to 1 year or 450 snapshots", () => {
    expect(BACKUP_INTERVALS_HOURS).toEqual([1, 2, 4, 6, 8, 12, 24]);
    expect(BACKUP_INTERVALS_HOURS.map(maxRetentionDays)).toEqual([18, 37, 75, 112, 150, 225, 365]);
    for (const h of BACKUP_INTERVALS_HOURS) {
      expect(problems({ backupIntervalHours: h, backupRetentionDays: maxRetentionDays(h) }), String(h)).toEqual([]);
      expect(backupSchedule(h)).toBe(h === 24 ? "R/2024-01-01T02:00:00+00:00/P1D" : `R/2024-01-01T02:00:00+00:00/PT${h}H`);
    }
  });

  it("refuses an interval Azure does not take, naming the ones it does", () => {
    expect(problems({ backupIntervalHours: 3 })).toEqual([
      { key: "codewhale-remote:azure.backupIntervalHours", problem: "3 is not an interval Azure Disk Backup takes", expected: "hours between two backups: 1, 2, 4, 6, 8, 12, 24 (24 = daily)", fix: "pulumi config set --path 'azure.backupIntervalHours' 24" },
    ]);
  });

  it("refuses more retention than Azure keeps at that interval, and says the most it takes", () => {
    const [p, ...rest] = problems({ backupIntervalHours: 12, backupRetentionDays: 226 });
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ key: "codewhale-remote:azure.backupRetentionDays", expected: "at most 225 days at backupIntervalHours 12" });
    expect(p!.fix).toContain("pulumi config set --path 'azure.backupRetentionDays' 225");
    expect(problems({ backupRetentionDays: 366 })[0]).toMatchObject({ key: "codewhale-remote:azure.backupRetentionDays", expected: "at most 365 days at backupIntervalHours 24" });
  });

  it("refuses backup true without a data disk, and a workspaceDiskId that is no disk id", () => {
    expect(problems({ backup: true, dataDiskSizeGb: 0 })).toEqual([expect.objectContaining({ key: "codewhale-remote:azure.backup", problem: expect.stringContaining("no data disk") })]);
    expect(problems({ backup: false, dataDiskSizeGb: 0 })).toEqual([]);
    expect(problems({ workspaceDiskId: "/subscriptions/x/resourceGroups/g/providers/Microsoft.Compute/snapshots/s" })).toEqual([
      expect.objectContaining({ key: "codewhale-remote:azure.workspaceDiskId", problem: "is not the resource id of a managed disk", expected: expect.stringContaining("Microsoft.Compute/disks/<disk name>") }),
    ]);
    expect(problems({ workspaceDiskId: RESTORED, dataDiskSizeGb: 0 })).toEqual([expect.objectContaining({ key: "codewhale-remote:azure.workspaceDiskId", problem: expect.stringContaining("dataDiskSizeGb is 0") })]);
    expect(problems({ workspaceDiskId: RESTORED })).toEqual([]);
  });

  it("reports every problem at once, before any resource is registered", async () => {
    await expect(plan({ backupIntervalHours: 5, autoShutdownTime: "7pm" })).rejects.toThrow(/azure\.backupIntervalHours[\s\S]*|azure\.autoShutdownTime/);
    const all = problems({ backupIntervalHours: 5, autoShutdownTimeZone: "Europe/Berlin" }).map((p) => p.key);
    expect(all).toEqual(["codewhale-remote:azure.backupIntervalHours", "codewhale-remote:azure.autoShutdownTimeZone", "codewhale-remote:azure.autoShutdownTimeZone"]);
  });
});

describe("Azure auto-shutdown (optional)", () => {
  it("is absent by default", () => {
    expect(byType(base, SCHEDULE)).toEqual([]);
  });

  it("deallocates the VM daily at the configured time, under the name the portal uses, in UTC unless told", async () => {
    const p = await plan({ autoShutdownTime: "19:30" });
    const s = one(p, SCHEDULE);
    const vm = one(p, "azure-native:compute:VirtualMachine");
    expect(s.inputs).toMatchObject({ status: "Enabled", taskType: "ComputeVmShutdownTask", dailyRecurrence: { time: "1930" }, timeZoneId: "UTC", notificationSettings: { status: "Disabled" } });
    expect(s.inputs.name).toBe(`shutdown-computevm-${String(vm.outputs.name)}`);
    expect(s.inputs.targetResourceId).toMatch(/compute:VirtualMachine\/agent-vm$/);
    expect(p.artifacts["RUNBOOK.md"]).toContain("Auto-shutdown: the VM is deallocated every day at 19:30 (UTC)");
    const zoned = one(await plan({ autoShutdownTime: "07:05", autoShutdownTimeZone: "W. Europe Standard Time" }), SCHEDULE);
    expect(zoned.inputs).toMatchObject({ dailyRecurrence: { time: "0705" }, timeZoneId: "W. Europe Standard Time" });
    expect(shutdownRecurrenceTime("00:00")).toBe("0000");
  });

  it("refuses a time that is not HH:MM, an IANA zone (naming its Windows id), and a zone without a time", () => {
    const [t] = (() => {
      try {
        loadSpec(rawConfig({ azure: { autoShutdownTime: "1930" } }));
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    })();
    expect(t).toMatchObject({ key: "codewhale-remote:azure.autoShutdownTime", problem: expect.stringContaining("HH:MM") });
    expect(problems({ autoShutdownTime: "19:30", autoShutdownTimeZone: "Europe/Berlin" })).toEqual([
      {
        key: "codewhale-remote:azure.autoShutdownTimeZone",
        problem: "'Europe/Berlin' is not a Windows time zone id (it is an IANA name; Windows calls it 'W. Europe Standard Time')",
        expected: expect.stringContaining("a Windows time zone id"),
        fix: "pulumi config set --path 'azure.autoShutdownTimeZone' 'W. Europe Standard Time'",
      },
    ]);
    expect(problems({ autoShutdownTime: "19:30", autoShutdownTimeZone: "Mars Standard Time" })[0]!.fix).toContain("'W. Europe Standard Time'");
    expect(problems({ autoShutdownTimeZone: "UTC" })).toEqual([expect.objectContaining({ key: "codewhale-remote:azure.autoShutdownTimeZone", problem: expect.stringContaining("autoShutdownTime is not") })]);
    for (const zone of ["UTC", "China Standard Time", "Pacific Standard Time", "Tokyo Standard Time"]) expect(problems({ autoShutdownTime: "19:30", autoShutdownTimeZone: zone }), zone).toEqual([]);
  });
});

describe("leak: the resources' recorded state (what the stack policy reads)", () => {
  const runtimeToken = String((offlineMocks.newResource({ type: "random:index/randomPassword:RandomPassword", name: "runtime-token", inputs: { length: 48 } }) as unknown as { state: { result: string } }).state.result);

  it("holds no secret: echoed secret inputs and declared secret outputs are redacted like the inputs", () => {
    const text = withDecodedBase64(JSON.stringify(base.resources.map((r) => r.outputs)));
    for (const fake of [...Object.values(FAKE_SECRETS), runtimeToken]) expect(text.includes(fake), fake.slice(0, 12)).toBe(false);
    const password = one(base, "random:index/randomPassword:RandomPassword");
    expect(password.outputs.result).toBe("[secret]");
    for (const s of byType(base, "azure-native:keyvault:Secret")) expect(s.outputs.properties, s.name).toBe("[secret]");
  });

  it("keeps what the stack policy needs in the clear: principals, scopes, the protected disk", () => {
    expect(get(one(base, VAULT).outputs, "identity.principalId")).toMatch(/^[0-9a-f-]{36}$/);
    expect(one(base, RA, "backup-disk-reader").outputs.scope).toMatch(/Microsoft\.Compute\/disks\//);
    expect(get(one(base, INSTANCE).outputs, "properties.dataSourceInfo.resourceID")).toBe(one(base, RA, "backup-disk-reader").outputs.scope);
  });
});
