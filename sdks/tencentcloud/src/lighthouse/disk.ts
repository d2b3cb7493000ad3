import * as pulumi from "@pulumi/pulumi";
import { input as inputs, output as outputs } from "../types";
import * as utilities from "../utilities";
import { resourceSpecs } from "../schema";

const spec = resourceSpecs["tencentcloud:Lighthouse/disk:Disk"];

/**
 * A Lighthouse cloud data disk (`tencentcloud:Lighthouse/disk:Disk`). Attach it with `DiskAttachment`.
 */
export class Disk extends pulumi.CustomResource {
    /**
     * Get an existing Disk resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: DiskState, opts?: pulumi.CustomResourceOptions): Disk {
        return new Disk(name, <any>state, { ...opts, id: id });
    }

    /** @internal */
    public static readonly __pulumiType = spec.token;

    /**
     * Returns true if the given object is an instance of Disk.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    public static isInstance(obj: any): obj is Disk {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj['__pulumiType'] === Disk.__pulumiType;
    }

    /** Mount the disk automatically on an instance after creation. */
    declare readonly autoMountConfiguration: pulumi.Output<outputs.Lighthouse.DiskAutoMountConfiguration | undefined>;
    /** Whether vouchers are deducted automatically. */
    declare readonly autoVoucher: pulumi.Output<boolean>;
    /** Number of disk backups allowed. */
    declare readonly diskBackupQuota: pulumi.Output<number>;
    /** Prepaid billing: `period` (required), `renewFlag`, `timeUnit`. */
    declare readonly diskChargePrepaid: pulumi.Output<outputs.Lighthouse.DiskDiskChargePrepaid>;
    /** Number of disks to create. */
    declare readonly diskCount: pulumi.Output<number>;
    /** Disk name. */
    declare readonly diskName: pulumi.Output<string>;
    /** Disk size in GB. */
    declare readonly diskSize: pulumi.Output<number>;
    /** Disk type, e.g. `CLOUD_PREMIUM` or `CLOUD_SSD`. */
    declare readonly diskType: pulumi.Output<string>;
    /** Availability zone, e.g. `ap-guangzhou-3`. */
    declare readonly zone: pulumi.Output<string>;

    /**
     * Create a Disk resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args: DiskArgs, opts?: pulumi.CustomResourceOptions)
    constructor(name: string, argsOrState?: DiskArgs | DiskState, opts?: pulumi.CustomResourceOptions) {
        opts = opts || {};
        const resourceInputs = utilities.buildResourceInputs(spec, argsOrState, opts);
        opts = utilities.mergeResourceOptions(spec, opts);
        super(Disk.__pulumiType, name, resourceInputs, opts);
    }
}

/**
 * Input properties used for looking up and filtering Disk resources.
 */
export interface DiskState extends Partial<DiskArgs> {}

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
