import * as pulumi from "@pulumi/pulumi";
import * as utilities from "../utilities";
import { resourceSpecs } from "../schema";

const spec = resourceSpecs["tencentcloud:Lighthouse/diskAttachment:DiskAttachment"];

/**
 * Attaches a Lighthouse data disk to an instance
 * (`tencentcloud:Lighthouse/diskAttachment:DiskAttachment`).
 */
export class DiskAttachment extends pulumi.CustomResource {
    /**
     * Get an existing DiskAttachment resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: DiskAttachmentState, opts?: pulumi.CustomResourceOptions): DiskAttachment {
        return new DiskAttachment(name, <any>state, { ...opts, id: id });
    }

    /** @internal */
    public static readonly __pulumiType = spec.token;

    /**
     * Returns true if the given object is an instance of DiskAttachment.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    public static isInstance(obj: any): obj is DiskAttachment {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj['__pulumiType'] === DiskAttachment.__pulumiType;
    }

    /** ID of the disk (`lhdisk-...`). */
    declare readonly diskId: pulumi.Output<string>;
    /** ID of the Lighthouse instance. */
    declare readonly instanceId: pulumi.Output<string>;

    /**
     * Create a DiskAttachment resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args: DiskAttachmentArgs, opts?: pulumi.CustomResourceOptions)
    constructor(name: string, argsOrState?: DiskAttachmentArgs | DiskAttachmentState, opts?: pulumi.CustomResourceOptions) {
        opts = opts || {};
        const resourceInputs = utilities.buildResourceInputs(spec, argsOrState, opts);
        opts = utilities.mergeResourceOptions(spec, opts);
        super(DiskAttachment.__pulumiType, name, resourceInputs, opts);
    }
}

/**
 * Input properties used for looking up and filtering DiskAttachment resources.
 */
export interface DiskAttachmentState extends Partial<DiskAttachmentArgs> {}

/**
 * The set of arguments for constructing a DiskAttachment resource.
 */
export interface DiskAttachmentArgs {
    /** ID of the disk (`lhdisk-...`). */
    diskId: pulumi.Input<string>;
    /** ID of the Lighthouse instance. */
    instanceId: pulumi.Input<string>;
}
