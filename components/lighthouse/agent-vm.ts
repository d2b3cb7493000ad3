import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import type { LighthouseSettings } from "./settings";
import { createOnlyProblems, throwOnProblems } from "./create-only";

export interface AgentVmArgs {
  readonly settings: LighthouseSettings & { readonly blueprintId: string; readonly bundleId: string };
  readonly instanceName: string;
  /** Display name of the data disk (at most 60 characters). */
  readonly dataDiskName: string;
  /** The SSH-only firewall's empty template: the instance never gets Lighthouse's default rules. */
  readonly firewallTemplateId: pulumi.Input<string>;
  /**
   * Operations on the instance that must be finished before the data disk attaches (the firewall rules):
   * Lighthouse refuses a second operation on an instance while one runs, and the provider does not retry.
   */
  readonly attachDiskAfter: readonly pulumi.Resource[];
}

/** Lighthouse cloud disk type of the data disk (premium cloud disk: the cheapest that survives the instance). */
export const DATA_DISK_TYPE = "CLOUD_PREMIUM";
/** Months a prepaid data disk is bought for at a time; it renews with the instance's renew flag. */
const MONTHS = "m";

/**
 * Instance inputs the provider cannot change after creation (terraform-provider-tencentcloud v1.82.42,
 * resource_tc_lighthouse_instance.go, resourceTencentCloudLighthouseInstanceUpdate: "`zone` do not support
 * change now", "`period` do not support change now"; none of its arguments is ForceNew). They are ignored on
 * update so a changed value never reaches that error half-way through an update; `createOnlyProblems` turns
 * the change into a config error instead (see create-only.ts).
 */
export const INSTANCE_CREATE_ONLY = ["zone", "period"] as const;
/**
 * Data disk inputs the provider cannot change (resource_tc_lighthouse_disk.go, resourceTencentCloudLighthouseDiskUpdate
 * handles only `disk_name` and `disk_charge_prepaid.0.renew_flag`; none is ForceNew, so any other change is a
 * silent no-op). `diskSize` is guarded like the instance's create-only inputs; a replacement is never an option
 * for the disk that holds the workspace.
 */
export const DISK_CREATE_ONLY = ["zone", "diskSize", "diskType", "diskChargePrepaid.period", "diskChargePrepaid.timeUnit"] as const;

/**
 * The Lighthouse agent host: an instance from an Ubuntu blueprint (no user data exists on Lighthouse, so it
 * boots plain and the payload arrives through TAT), created with the SSH-only firewall's empty template and no
 * password (no `loginConfiguration`), and an optional data disk for /var/lib/codewhale that is protected and
 * retained, so neither replacing nor destroying the instance takes the workspace with it.
 *
 * No Lighthouse key pair: AssociateInstancesKeyPairs force-stops a RUNNING instance and leaves it stopped (API doc
 * in the vendored lighthouse/v20200324 client.go), ImportKeyPair documents OpenSSH RSA keys only, and key pair
 * names are unique per region (a rotation would collide). The owner's key is written by the bootstrap instead
 * (HostPayload.authorizedKeys), which also makes a rotation one more rollout.
 *
 * Operations on the instance run one after another, never in parallel (AttachDisks, firewall changes and key
 * binding fail with OperationDenied.InstanceOperationInProgress / UnsupportedOperation.LatestOperationUnfinished,
 * which tccommon.RetryError in common.go does not retry): the instance (its create waits for RUNNING), then the
 * firewall rules (`attachDiskAfter`), then the disk attachment, then the bootstrap (HostBootstrap waits on `ready`).
 *
 * Nothing here depends on day-2 config (model, allowlist, secrets, version): those reach the host through the
 * payload, and the instance's inputs stay identical.
 */
export class AgentVm extends pulumi.ComponentResource {
  /** The instance id, held back (an error) while a create-only setting differs from what the instance has. */
  readonly instanceId: pulumi.Output<string>;
  readonly zone: pulumi.Output<string>;
  /** The image the system disk was last installed from: a change reinstalls it in place (ResetInstance). */
  readonly blueprintId: pulumi.Output<string>;
  /** First public IPv4 address as the provider reads it back (DescribeInstances PublicAddresses). */
  readonly publicIp: pulumi.Output<string | undefined>;
  readonly dataDiskId: pulumi.Output<string | undefined>;
  /** The last operation on the instance before the payload may run (the disk attachment), if any. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: AgentVmArgs, opts?: pulumi.ComponentResourceOptions) {
    super("codewhale-remote:lighthouse:AgentVm", name, {}, opts);
    const s = args.settings;

    const instance = new tencentcloud.lighthouse.Instance(
      `${name}-instance`,
      {
        blueprintId: s.blueprintId,
        bundleId: s.bundleId,
        instanceName: args.instanceName,
        renewFlag: s.renewFlag,
        period: s.period,
        ...(s.zone !== undefined ? { zone: s.zone } : {}),
        firewallTemplateId: args.firewallTemplateId,
        // Deleting the instance must not return (delete) a data disk that is still attached to it.
        isolateDataDisk: false,
      },
      // The data disk attaches to one instance at a time: the old one must be gone before a new one takes it.
      { parent: this, deleteBeforeReplace: true, ignoreChanges: [...INSTANCE_CREATE_ONLY] },
    );

    // Every later operation on the instance takes its id from here, so a create-only change stops them all
    // (and `pulumi preview`) with a config error before anything is sent.
    const instanceId = pulumi.all([instance.id, instance.zone, instance.period]).apply(([id, zone, period]) => {
      throwOnProblems(createOnlyProblems(s, { zone, period }));
      return id;
    });

    let dataDiskId: pulumi.Output<string | undefined> = pulumi.output(undefined);
    const ready: pulumi.Resource[] = [];
    if (s.dataDiskSizeGb > 0) {
      // The spec requires a zone with a data disk: a disk lives in one zone, and an instance without a pinned
      // zone could come back in another one after a replacement, away from its workspace.
      const disk = new tencentcloud.lighthouse.Disk(
        `${name}-data`,
        {
          zone: s.zone!,
          diskSize: s.dataDiskSizeGb,
          diskType: DATA_DISK_TYPE,
          diskName: args.dataDiskName,
          diskChargePrepaid: { period: s.period, renewFlag: s.renewFlag, timeUnit: MONTHS },
        },
        { parent: this, protect: true, retainOnDelete: true, ignoreChanges: [...DISK_CREATE_ONLY] },
      );
      const diskId = pulumi.all([disk.id, disk.diskSize]).apply(([id, diskSize]) => {
        throwOnProblems(createOnlyProblems(s, { diskSize }));
        return id;
      });
      const attachment = new tencentcloud.lighthouse.DiskAttachment(
        `${name}-data-attachment`,
        { diskId, instanceId },
        { parent: this, deleteBeforeReplace: true, dependsOn: [...args.attachDiskAfter] },
      );
      dataDiskId = disk.id;
      ready.push(attachment);
    }

    this.instanceId = instanceId;
    this.zone = instance.zone;
    this.blueprintId = instance.blueprintId;
    this.publicIp = instance.publicAddresses.apply((a) => a?.[0]);
    this.dataDiskId = dataDiskId;
    this.ready = ready;
    // The component's own record takes the plain id: the guard fails the operations that use `instanceId`.
    this.registerOutputs({ instanceId: instance.id, zone: this.zone, publicIp: this.publicIp, dataDiskId: this.dataDiskId });
  }
}
