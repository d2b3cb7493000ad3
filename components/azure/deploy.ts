import { createHash } from "node:crypto";
import * as authorization from "@pulumi/azure-native/authorization";
import * as compute from "@pulumi/azure-native/compute";
import * as devtestlab from "@pulumi/azure-native/devtestlab";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { bridges } from "../../bridges/registry";
import { commonArtifacts } from "../../host/bundle";
import { HOST_CONFIG_SECRET, KEY_VAULT_CONFIG_DIR } from "./key-vault-delivery";
import { APPLY_COMMAND, buildConfigFiles } from "../../host/host-payload";
import { RUNTIME_PORT } from "../../host/model";
import { PROVIDER_KEY_SECRET, RUNTIME_TOKEN_SECRET, type StackSpec } from "../../config/spec";
import { createRuntimeToken, hostSecrets, nextSteps } from "../shared";
import type { Deployment, PayloadBudget } from "../target";
import type { AzureSettings } from "./settings";
import { AZURE_DATA_DEVICES, AgentVm } from "./agent-vm";
import {
  CLOUD_INIT_WAIT_SECONDS,
  CUSTOM_DATA_LIMIT,
  CloudInitPayload,
  ROLLOUT_MARGIN_SECONDS,
  azureHostPayload,
  azureRolloutTimeoutSeconds,
  renderAzurePayload,
  vaultUrl,
} from "./cloud-init-payload";
import { SecretStore } from "./secret-store";
import { SshOnlyFirewall } from "./ssh-only-firewall";
import { WorkspaceDisk } from "./workspace-disk";
import { backupEnabled, DEFAULT_SHUTDOWN_TIME_ZONE, shutdownRecurrenceTime } from "./backup-rules";
import { DiskBackup } from "./disk-backup";

/**
 * Every secret id this program may put in the vault, whatever the stack's config: the manifest, the runtime
 * token, the provider key and every bridge's secrets. SecretStore keeps one resource per slot for the
 * stack's life (unused ones hold a tombstone) because a secret can be neither deleted nor re-created from
 * the deployer (secret-store.ts). Adding a bridge adds slots; removing a slot from this list leaves its
 * secret in the vault, out of the stack.
 */
export function vaultSecretSlots(): string[] {
  const ids = [HOST_CONFIG_SECRET, RUNTIME_TOKEN_SECRET, PROVIDER_KEY_SECRET, ...bridges.flatMap((b) => b.secrets.map((s) => s.secretId))];
  return [...new Set(ids)].sort();
}

/** `cw<stack>-<random>`: 3-24 chars, starts with a letter, no double hyphen; random because names are global and kept 7-90 days after delete. */
export function vaultNamePrefix(stack: string): string {
  const cleaned = stack.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 12);
  return `cw${cleaned}-`;
}

interface Workspace {
  readonly id: pulumi.Input<string>;
  readonly name: pulumi.Input<string>;
  readonly resourceGroupName: pulumi.Input<string>;
}

/**
 * The workspace disk: the stack's own (WorkspaceDisk), or an existing one named by `azure.workspaceDiskId` (a
 * disk restored from a backup, README "Backups"), which the stack attaches and backs up but never creates,
 * changes or deletes. None without a data disk.
 */
function workspaceDisk(spec: StackSpec<AzureSettings>, location: string, tags: Record<string, string>): Workspace | undefined {
  const settings = spec.target.settings;
  if (settings.dataDiskSizeGb === 0) return undefined;
  if (settings.workspaceDiskId !== undefined) {
    const parts = settings.workspaceDiskId.split("/");
    return { id: settings.workspaceDiskId, name: parts[8]!, resourceGroupName: parts[4]! };
  }
  const disk = new WorkspaceDisk("workspace", { location, sizeGb: settings.dataDiskSizeGb, tags });
  return { id: disk.diskId, name: disk.diskName, resourceGroupName: disk.resourceGroupName };
}

/**
 * The runbook's backup lines, as a user can run them: take one now, restore a recovery point into a new disk,
 * then point `azure.workspaceDiskId` at it (the config path test/azure-backup.test.ts plans). Commands of the
 * Azure CLI's dataprotection extension.
 */
export function backupSteps(settings: AzureSettings): string[] {
  const out = (k: string) => `$(pulumi stack output ${k})`;
  const vault = `-g ${out("backupResourceGroupName")} --vault-name ${out("backupVaultName")}`;
  return [
    `- Backups: Azure Backup snapshots the workspace disk every ${settings.backupIntervalHours} h and keeps each for ${settings.backupRetentionDays} days (vault \`pulumi stack output backupVaultName\`). Take one now: \`az dataprotection backup-instance adhoc-backup ${vault} --backup-instance-name ${out("backupInstanceName")} --rule-name BackupOnSchedule --retention-tag-override Default\`.`,
    `- Restore: list the points with \`az dataprotection recovery-point list ${vault} --backup-instance-name ${out("backupInstanceName")}\`; write the request with \`az dataprotection backup-instance restore initialize-for-data-recovery --datasource-type AzureDisk --restore-location <location> --source-datastore OperationalStore --recovery-point-id <id> --target-resource-id /subscriptions/<subscription>/resourceGroups/${out("workspaceResourceGroupName")}/providers/Microsoft.Compute/disks/<new disk name> > restore.json\`; give the vault's identity "Disk Restore Operator" on that group; run \`az dataprotection backup-instance restore trigger ${vault} --backup-instance-name ${out("backupInstanceName")} --restore-request-object restore.json\`.`,
    `- Use the restored disk: \`az vm deallocate\` the VM, \`pulumi config set --path 'azure.workspaceDiskId' <restored disk id>\`, \`pulumi state unprotect --all\` (the old disk and the old backup instance are protected; both stay in Azure), \`pulumi up\` (attaches the restored disk and backs it up), then \`az vm start\`. The README's "Backups" section has the whole procedure and the clean-up.`,
  ];
}

export function deploy(spec: StackSpec<AzureSettings>): Deployment {
  const location = spec.target.region!;
  const tags = { "codewhale-remote-stack": spec.stack, "managed-by": "pulumi" };
  const client = authorization.getClientConfigOutput();

  const group = new resources.ResourceGroup("agent", { location, tags });
  // A vault replaced under the same name would collide with its soft-deleted self for 7-90 days (purge
  // protection): whatever replaces the vault (its location, hence its group) draws a new suffix too.
  const suffix = new random.RandomString("vault-suffix", { length: 8, special: false, upper: false, keepers: { location } });
  const vaultName = pulumi.interpolate`${vaultNamePrefix(spec.stack)}${suffix.result}`;
  const runtimeToken = createRuntimeToken();

  // The host payload, built once: its config files feed the vault, the payload the VM and the bundle.
  const configFiles = buildConfigFiles(spec, KEY_VAULT_CONFIG_DIR);
  const hostPayload = azureHostPayload(spec, configFiles);
  const payload = new CloudInitPayload("host", { payload: hostPayload, vaultName });
  const workspace = workspaceDisk(spec, location, tags);
  const firewall = new SshOnlyFirewall("ssh", { resourceGroupName: group.name, location, allowedCidrs: spec.ssh.allowedCidrs, tags });
  const vm = new AgentVm("agent", {
    resourceGroupName: group.name,
    location,
    networkSecurityGroupId: firewall.networkSecurityGroupId,
    settings: spec.target.settings,
    dataDiskId: workspace?.id,
    computerName: `codewhale-${spec.stack.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`.slice(0, 63),
    sshPublicKey: spec.ssh.publicKey,
    customData: payload.customData,
    tags,
  });

  const settings = spec.target.settings;
  const backup =
    workspace && backupEnabled(settings)
      ? new DiskBackup("backup", {
          location,
          diskId: workspace.id,
          diskName: workspace.name,
          subscriptionId: client.subscriptionId,
          intervalHours: settings.backupIntervalHours,
          retentionDays: settings.backupRetentionDays,
          tags,
        })
      : undefined;
  if (settings.autoShutdownTime !== undefined) {
    // Named as the portal's Auto-shutdown blade and `az vm auto-shutdown` name it, so it shows on the VM. It
    // deallocates the VM daily: the agent stops answering until someone starts the VM again.
    new devtestlab.GlobalSchedule(
      "auto-shutdown",
      {
        name: pulumi.interpolate`shutdown-computevm-${vm.vmName}`,
        resourceGroupName: group.name,
        location,
        status: "Enabled",
        taskType: "ComputeVmShutdownTask",
        dailyRecurrence: { time: shutdownRecurrenceTime(settings.autoShutdownTime) },
        timeZoneId: settings.autoShutdownTimeZone ?? DEFAULT_SHUTDOWN_TIME_ZONE,
        targetResourceId: vm.vmId,
        notificationSettings: { status: "Disabled" },
        tags,
      },
      { parent: vm },
    );
  }

  // Only what the host references goes in the vault (a keyless provider's unused key stays out).
  const vaultSecrets = new Map<string, pulumi.Input<string>>([[HOST_CONFIG_SECRET, payload.manifest], ...hostSecrets(spec, runtimeToken.result, configFiles)]);

  const store = new SecretStore("secrets", {
    resourceGroupName: group.name,
    location,
    vaultName,
    tenantId: client.tenantId,
    subscriptionId: client.subscriptionId,
    allowedSubnetId: vm.subnetId,
    readerPrincipalId: vm.principalId,
    secrets: vaultSecrets,
    slots: vaultSecretSlots(),
    retentionDays: spec.target.settings.keyVaultRetentionDays,
    tags,
  });

  // Day-2 rollout through the VM agent: re-runs whenever the manifest or a secret version changes, and
  // makes the host re-fetch, reinstall if the version moved, and restart. No SSH, no VM replacement.
  const rolloutTimeout = azureRolloutTimeoutSeconds(hostPayload);
  const trigger = pulumi.all([payload.manifest, store.secretVersions]).apply(([m, v]) => createHash("sha256").update(m).update(v.join("\n")).digest("hex"));
  new compute.VirtualMachineRunCommandByVirtualMachine(
    "rollout",
    {
      resourceGroupName: group.name,
      vmName: vm.vmName,
      location,
      runCommandName: "codewhale-rollout",
      source: { script: pulumi.interpolate`#!/bin/sh
# codewhale-remote rollout ${trigger}
set -eu
timeout ${CLOUD_INIT_WAIT_SECONDS} cloud-init status --wait >/dev/null 2>&1 || true
${APPLY_COMMAND}
` },
      asyncExecution: false,
      // Derived from what the script waits for (cloud-init-payload.ts rolloutTimeBudget): a first boot's
      // config fetch retries and install must fit, or a slow but healthy rollout fails the deployment.
      timeoutInSeconds: rolloutTimeout,
      treatFailureAsDeploymentFailure: true,
      tags,
    },
    {
      parent: vm,
      dependsOn: [store],
      // azure-native waits for a synchronous run command as long as the operation timeout allows (default
      // 2 hours, provider.go azureContext): hold it above the command's own limit explicitly.
      customTimeouts: { create: `${rolloutTimeout + ROLLOUT_MARGIN_SECONDS}s`, update: `${rolloutTimeout + ROLLOUT_MARGIN_SECONDS}s` },
    },
  );

  const sshUser = spec.target.settings.adminUsername;
  const outputs = {
    publicIp: vm.publicIp,
    sshCommand: pulumi.interpolate`ssh ${sshUser}@${vm.publicIp}`,
    sshTunnelCommand: pulumi.interpolate`ssh -N -L ${RUNTIME_PORT}:127.0.0.1:${RUNTIME_PORT} ${sshUser}@${vm.publicIp}`,
    nextSteps: vm.publicIp.apply((ip) => nextSteps(spec, sshUser, ip)),
    runtimeToken: pulumi.secret(runtimeToken.result),
    keyVaultName: store.vaultName,
    resourceGroupName: group.name,
    // The group `pulumi destroy` never deletes (README, "Destroy"): note it before destroying the stack.
    ...(workspace ? { workspaceResourceGroupName: pulumi.output(workspace.resourceGroupName) } : {}),
    // What the restore steps name (README, "Backups"): note them before they are needed.
    ...(backup
      ? {
          backupVaultName: backup.vaultName,
          backupResourceGroupName: backup.resourceGroupName,
          backupSnapshotResourceGroupName: backup.snapshotResourceGroupName,
          backupInstanceName: backup.backupInstanceName,
        }
      : {}),
  };
  const artifacts = pulumi.all([payload.rendered, vm.publicIp, vaultName]).apply(([r, ip, vault]): Record<string, string> => ({
    "cloud-config.yaml": r.cloudConfig,
    "host-config.json": JSON.stringify(JSON.parse(r.manifest), null, 2) + "\n",
    ...commonArtifacts(spec, r.payload, workspace ? AZURE_DATA_DEVICES : [], {
      backupNow:
        "an on-demand backup of the data disk through Azure Backup, run from your machine (`az dataprotection backup-instance adhoc-backup`; the host has no rights on the vault). Without Azure Backup on the stack it says so and exits 2.",
      lateValues: { "vault-url": vaultUrl(vault) },
      sshUser,
      host: ip || "<public-ip>",
      secretsParagraph:
        "Secrets live in Azure Key Vault (RBAC, purge protection, firewall admitting only the VM subnet). At boot and on every rollout, `codewhale-config.service` reads them with the VM's managed identity and writes `/run/codewhale/*.env` (tmpfs). customData carries none of them.",
      extraSteps: [
        "- Rollouts run through the VM agent (Run Command `codewhale-rollout`); see it with `az vm run-command show`.",
        ...(workspace
          ? ["- Destroy keeping the workspace disk (resource group `pulumi stack output workspaceResourceGroupName`): `pulumi destroy --exclude-protected`; the README's Azure section gives the commands that remove the stack, with or without the disk."]
          : []),
        ...(backup ? backupSteps(settings) : []),
        ...(settings.autoShutdownTime !== undefined
          ? [
              `- Auto-shutdown: the VM is deallocated every day at ${settings.autoShutdownTime} (${settings.autoShutdownTimeZone ?? DEFAULT_SHUTDOWN_TIME_ZONE}); the agent then answers nothing until \`az vm start -g $(pulumi stack output resourceGroupName) -n <vm>\`. Nothing starts it by itself.`,
            ]
          : []),
      ],
    }),
  }));
  return { outputs, artifacts };
}


/** customData: the gzip of the cloud-config (base64 on the wire), with the longest vault name the program makes. */
export function payloadBudget(spec: StackSpec<AzureSettings>): PayloadBudget {
  // cw + 12 + '-' + 8: the longest vault name vaultNamePrefix and the suffix make; it appears in the payload.
  const r = renderAzurePayload(spec, "cwabcdefghijkl-abcdefgh");
  const gz = Buffer.from(r.customData, "base64").length;
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  return {
    payload: "Azure customData (gzip of the cloud-config)",
    limitBytes: CUSTOM_DATA_LIMIT,
    bytes: gz,
    detail: `cloud-config ${kib(Buffer.byteLength(r.cloudConfig))}, gzip ${kib(gz)}, base64 ${kib(r.customData.length)}`,
  };
}
