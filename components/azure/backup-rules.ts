/**
 * The rules of Azure Backup for managed disks and of the VM auto-shutdown schedule, as pure functions over the
 * Azure settings: no cloud SDK here, so the config check runs before anything loads.
 *
 * Facts (Azure Disk Backup support matrix, learn.microsoft.com/azure/backup/disk-backup-support-matrix):
 * - Standard HDD/SSD and Premium SSD disks take an hourly schedule of 1, 2, 4, 6, 8 or 12 hours, or daily.
 * - Retention is at most 1 year or 450 snapshots of the disk, whichever comes first (its example: every 12 hours
 *   keeps each recovery point at most 225 days); a disk holds at most 500 incremental snapshots.
 * - Backups are incremental snapshots in the operational tier, never copied into the vault; they live in a
 *   snapshot resource group of the subscription (REST guide "Back up Azure Disks using Azure Data Protection
 *   via REST API": a dedicated group is the recommendation). Backup works within a region (Azure Backup support
 *   matrix), so the vault is created in the disk's region.
 * Az.DataProtection's definition of the disk datasource (custom/manifests/AzureDisk.json) says the same:
 * supportedBackupFrequency Daily and Hourly, datastore OperationalStore, roles below.
 * DevTestLab schedules (what the portal's "Auto-shutdown" blade and `az vm auto-shutdown` write) take the time
 * as HHmm and a Windows time zone id.
 */
import { findIana, findWindows } from "windows-iana";
import type { ConfigProblem } from "../../config/errors";
import { setCommand } from "../../config/keys";
import type { AzureSettings } from "./settings";

export const BACKUP_INTERVALS_HOURS = [1, 2, 4, 6, 8, 12, 24] as const;
/** Most snapshots a policy may keep of one disk (support matrix: 450), and the most days (1 year). */
export const MAX_RETAINED_SNAPSHOTS = 450;
export const MAX_RETENTION_DAYS = 365;
export const DEFAULT_SHUTDOWN_TIME_ZONE = "UTC";

/** A managed disk's ARM id: the only thing `workspaceDiskId` may name (and the scope Disk Backup Reader gets). */
export const MANAGED_DISK_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.Compute\/disks\/[-\w.]{1,80}$/i;

/** Whether the stack backs up its workspace disk: as configured, else whenever there is one. */
export function backupEnabled(settings: Pick<AzureSettings, "backup" | "dataDiskSizeGb" | "workspaceDiskId">): boolean {
  const hasDisk = settings.dataDiskSizeGb > 0 || settings.workspaceDiskId !== undefined;
  return settings.backup ?? hasDisk;
}

/** The longest retention Azure takes at this interval: 1 year or 450 snapshots, whichever comes first. */
export function maxRetentionDays(intervalHours: number): number {
  return Math.min(MAX_RETENTION_DAYS, Math.floor((MAX_RETAINED_SNAPSHOTS * intervalHours) / 24));
}

/** ISO 8601 repeating interval of the policy: from a fixed start (02:00 UTC), every N hours or daily. */
export function backupSchedule(intervalHours: number): string {
  return intervalHours === 24 ? "R/2024-01-01T02:00:00+00:00/P1D" : `R/2024-01-01T02:00:00+00:00/PT${intervalHours}H`;
}

/** "19:30" -> "1930", the form a DevTestLab schedule's dailyRecurrence.time takes. */
export function shutdownRecurrenceTime(hhmm: string): string {
  return hhmm.replace(":", "");
}

const key = (field: string) => `codewhale-remote:azure.${field}`;

/** Every backup and auto-shutdown problem of the Azure settings at once (what the Azure target's validate adds). */
export function backupProblems(settings: AzureSettings): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!(BACKUP_INTERVALS_HOURS as readonly number[]).includes(settings.backupIntervalHours)) {
    problems.push({
      key: key("backupIntervalHours"),
      problem: `${settings.backupIntervalHours} is not an interval Azure Disk Backup takes`,
      expected: `hours between two backups: ${BACKUP_INTERVALS_HOURS.join(", ")} (24 = daily)`,
      fix: setCommand(["azure", "backupIntervalHours"], "24"),
    });
  } else {
    const most = maxRetentionDays(settings.backupIntervalHours);
    if (settings.backupRetentionDays > most) {
      problems.push({
        key: key("backupRetentionDays"),
        problem: `${settings.backupRetentionDays} days at one backup every ${settings.backupIntervalHours} h is more than Azure keeps (1 year or ${MAX_RETAINED_SNAPSHOTS} snapshots of a disk, whichever comes first)`,
        expected: `at most ${most} days at backupIntervalHours ${settings.backupIntervalHours}`,
        fix: `${setCommand(["azure", "backupRetentionDays"], String(most))}, or back up less often (a larger azure.backupIntervalHours)`,
      });
    }
  }
  const hasDisk = settings.dataDiskSizeGb > 0 || settings.workspaceDiskId !== undefined;
  if (settings.backup === true && !hasDisk) {
    problems.push({
      key: key("backup"),
      problem: "is true but the stack has no data disk to back up (azure.dataDiskSizeGb is 0)",
      expected: "a data disk (azure.dataDiskSizeGb of 4 or more, the default 32) or no backup",
      fix: `${setCommand(["azure", "dataDiskSizeGb"], "32")}, or ${setCommand(["azure", "backup"], "false")}`,
    });
  }
  if (settings.workspaceDiskId !== undefined) {
    if (!MANAGED_DISK_ID.test(settings.workspaceDiskId)) {
      problems.push({
        key: key("workspaceDiskId"),
        problem: "is not the resource id of a managed disk",
        expected: "/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Compute/disks/<disk name> (az disk show -g <group> -n <disk> --query id -o tsv)",
        fix: setCommand(["azure", "workspaceDiskId"], "$(az disk show -g <group> -n <restored disk> --query id -o tsv)"),
      });
    }
    if (settings.dataDiskSizeGb === 0) {
      problems.push({
        key: key("workspaceDiskId"),
        problem: "names a disk to attach while azure.dataDiskSizeGb is 0 (no data disk)",
        expected: "azure.dataDiskSizeGb above 0 (the restored disk keeps its own size), or no workspaceDiskId",
        fix: setCommand(["azure", "dataDiskSizeGb"], "32"),
      });
    }
  }
  const zone = settings.autoShutdownTimeZone;
  if (zone !== undefined) {
    if (settings.autoShutdownTime === undefined) {
      problems.push({
        key: key("autoShutdownTimeZone"),
        problem: "is set but azure.autoShutdownTime is not: there is no shutdown for it to apply to",
        expected: "azure.autoShutdownTime as HH:MM next to it, or neither",
        fix: setCommand(["azure", "autoShutdownTime"], "19:30"),
      });
    }
    if (findIana(zone).length === 0) {
      // An IANA name (Europe/Berlin) is the usual mistake: name the Windows id it maps to.
      const windows = findWindows(zone)[0];
      const suggestion = windows ?? "W. Europe Standard Time";
      problems.push({
        key: key("autoShutdownTimeZone"),
        problem: `'${zone}' is not a Windows time zone id${windows ? ` (it is an IANA name; Windows calls it '${windows}')` : ""}`,
        expected: "a Windows time zone id such as UTC, W. Europe Standard Time, China Standard Time or Pacific Standard Time (tzutil /l lists them)",
        fix: setCommand(["azure", "autoShutdownTimeZone"], `'${suggestion}'`),
      });
    }
  }
  return problems;
}
