import * as pulumi from "@pulumi/pulumi";
import { input as inputs, output as outputs } from "../types";
/**
 * A Lighthouse cloud data disk (`tencentcloud:Lighthouse/disk:Disk`). Attach it with `DiskAttachment`.
 */
export declare class Disk extends pulumi.CustomResource {
    /**
     * Get an existing Disk resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: DiskState, opts?: pulumi.CustomResourceOptions): Disk;
    /** @internal */
    static readonly __pulumiType: "tencentcloud:Lighthouse/disk:Disk";
    /**
     * Returns true if the given object is an instance of Disk.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    static isInstance(obj: any): obj is Disk;
    /** Mount the disk automatically on an instance after creation. */
    readonly autoMountConfiguration: pulumi.Output<outputs.Lighthouse.DiskAutoMountConfiguration | undefined>;
    /** Whether vouchers are deducted automatically. */
    readonly autoVoucher: pulumi.Output<boolean>;
    /** Number of disk backups allowed. */
    readonly diskBackupQuota: pulumi.Output<number>;
    /** Prepaid billing: `period` (required), `renewFlag`, `timeUnit`. */
    readonly diskChargePrepaid: pulumi.Output<outputs.Lighthouse.DiskDiskChargePrepaid>;
    /** Number of disks to create. */
    readonly diskCount: pulumi.Output<number>;
    /** Disk name. */
    readonly diskName: pulumi.Output<string>;
    /** Disk size in GB. */
    readonly diskSize: pulumi.Output<number>;
    /** Disk type, e.g. `CLOUD_PREMIUM` or `CLOUD_SSD`. */
    readonly diskType: pulumi.Output<string>;
    /** Availability zone, e.g. `ap-guangzhou-3`. */
    readonly zone: pulumi.Output<string>;
    /**
     * Create a Disk resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args: DiskArgs, opts?: pulumi.CustomResourceOptions);
}
/**
 * Input properties used for looking up and filtering Disk resources.
 */
export interface DiskState extends Partial<DiskArgs> {
}
/**
 * The set of arguments for constructing a Disk resource.
 */
export interface DiskArgs {
    /** Mount the disk automatically on an instance after creation. */
    autoMountConfiguration?: pulumi.Input<inputs.Lighthouse.DiskAutoMountConfiguration>;
    /** Whether vouchers are deducted automatically. */
    autoVoucher?: pulumi.Input<boolean>;
    /** Number of disk backups allowed. */
    diskBackupQuota?: pulumi.Input<number>;
    /** Prepaid billing: `period` (required), `renewFlag`, `timeUnit`. */
    diskChargePrepaid: pulumi.Input<inputs.Lighthouse.DiskDiskChargePrepaid>;
    /** Number of disks to create. */
    diskCount?: pulumi.Input<number>;
    /** Disk name. */
    diskName?: pulumi.Input<string>;
    /** Disk size in GB. */
    diskSize: pulumi.Input<number>;
    /** Disk type, e.g. `CLOUD_PREMIUM` or `CLOUD_SSD`. */
    diskType: pulumi.Input<string>;
    /** Availability zone, e.g. `ap-guangzhou-3`. */
    zone: pulumi.Input<string>;
}
