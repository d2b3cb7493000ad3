import * as pulumi from "@pulumi/pulumi";
/**
 * Attaches a Lighthouse data disk to an instance
 * (`tencentcloud:Lighthouse/diskAttachment:DiskAttachment`).
 */
export declare class DiskAttachment extends pulumi.CustomResource {
    /**
     * Get an existing DiskAttachment resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: DiskAttachmentState, opts?: pulumi.CustomResourceOptions): DiskAttachment;
    /** @internal */
    static readonly __pulumiType: "tencentcloud:Lighthouse/diskAttachment:DiskAttachment";
    /**
     * Returns true if the given object is an instance of DiskAttachment.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    static isInstance(obj: any): obj is DiskAttachment;
    /** ID of the disk (`lhdisk-...`). */
    readonly diskId: pulumi.Output<string>;
    /** ID of the Lighthouse instance. */
    readonly instanceId: pulumi.Output<string>;
    /**
     * Create a DiskAttachment resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args: DiskAttachmentArgs, opts?: pulumi.CustomResourceOptions);
}
/**
 * Input properties used for looking up and filtering DiskAttachment resources.
 */
export interface DiskAttachmentState extends Partial<DiskAttachmentArgs> {
}
/**
 * The set of arguments for constructing a DiskAttachment resource.
 */
export interface DiskAttachmentArgs {
    /** ID of the disk (`lhdisk-...`). */
    diskId: pulumi.Input<string>;
    /** ID of the Lighthouse instance. */
    instanceId: pulumi.Input<string>;
}
