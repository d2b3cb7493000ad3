import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import type { LighthouseSettings } from "../../config/spec";

export interface AgentVmArgs {
  readonly settings: LighthouseSettings & { readonly blueprintId: string };
  readonly instanceName: string;
  /** Display name of the data disk (at most 60 characters). */
  readonly dataDiskName: string;
  /** Lighthouse key pair name: at most 25 letters, digits or `_`, unique in the region. */
  readonly keyName: pulumi.Input<string>;
  readonly sshPublicKey: string;
  /** The SSH-only firewall's empty template: the instance never gets Lighthouse's default rules. */
  readonly firewallTemplateId: pulumi.Input<string>;
}

/** Lighthouse cloud disk type of the data disk (premium cloud disk: the cheapest that survives the instance). */
export const DATA_DISK_TYPE = "CLOUD_PREMIUM";
/** Months a prepaid data disk is bought for at a time; it renews with the instance's renew flag. */
const MONTHS = "m";

/**
 * The Lighthouse agent host: an instance from an Ubuntu blueprint (no user data exists on Lighthouse, so it
 * boots plain and the payload arrives through TAT), created with the SSH-only firewall's empty template and no
 * password (no `loginConfiguration`), the owner's public key as a Lighthouse key pair attached to it, and an
 * optional data disk for /var/lib/codewhale that is protected and retained, so neither replacing nor destroying
 * the instance takes the workspace with it.
 *
 * Nothing here depends on day-2 config (model, allowlist, secrets, version): those reach the host through the
 * payload, and the instance's inputs stay identical.
 */
export class AgentVm extends pulumi.ComponentResource {
  readonly instanceId: pulumi.Output<string>;
  readonly zone: pulumi.Output<string>;
  readonly keyPairId: pulumi.Output<string>;
  readonly dataDiskId: pulumi.Output<string | undefined>;
  /** Resources that must exist before the payload runs on the instance (key, data disk attachment). */
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
      { parent: this, deleteBeforeReplace: true },
    );

    const keyPair = new tencentcloud.lighthouse.KeyPair(`${name}-key`, { keyName: args.keyName, publicKey: args.sshPublicKey }, { parent: this });
    const keyAttachment = new tencentcloud.lighthouse.KeyPairAttachment(`${name}-key-attachment`, { keyId: keyPair.id, instanceId: instance.id }, { parent: this });

    let dataDiskId: pulumi.Output<string | undefined> = pulumi.output(undefined);
    const ready: pulumi.Resource[] = [keyAttachment];
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
        { parent: this, protect: true, retainOnDelete: true },
      );
      const attachment = new tencentcloud.lighthouse.DiskAttachment(
        `${name}-data-attachment`,
        { diskId: disk.id, instanceId: instance.id },
        { parent: this, deleteBeforeReplace: true },
      );
      dataDiskId = disk.id;
      ready.push(attachment);
    }

    this.instanceId = instance.id;
    this.zone = instance.zone;
    this.keyPairId = keyPair.id;
    this.dataDiskId = dataDiskId;
    this.ready = ready;
    this.registerOutputs({ instanceId: this.instanceId, zone: this.zone, keyPairId: this.keyPairId, dataDiskId: this.dataDiskId });
  }
}
