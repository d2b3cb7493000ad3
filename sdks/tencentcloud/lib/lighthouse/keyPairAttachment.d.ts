import * as pulumi from "@pulumi/pulumi";
/**
 * Binds a Lighthouse key pair to an instance
 * (`tencentcloud:Lighthouse/keyPairAttachment:KeyPairAttachment`). Both inputs force replacement.
 */
export declare class KeyPairAttachment extends pulumi.CustomResource {
    /**
     * Get an existing KeyPairAttachment resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: KeyPairAttachmentState, opts?: pulumi.CustomResourceOptions): KeyPairAttachment;
    /** @internal */
    static readonly __pulumiType: "tencentcloud:Lighthouse/keyPairAttachment:KeyPairAttachment";
    /**
     * Returns true if the given object is an instance of KeyPairAttachment.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    static isInstance(obj: any): obj is KeyPairAttachment;
    /** ID of the Lighthouse instance. */
    readonly instanceId: pulumi.Output<string>;
    /** ID of the key pair (`lhkp-...`). */
    readonly keyId: pulumi.Output<string>;
    /**
     * Create a KeyPairAttachment resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args: KeyPairAttachmentArgs, opts?: pulumi.CustomResourceOptions);
}
/**
 * Input properties used for looking up and filtering KeyPairAttachment resources.
 */
export interface KeyPairAttachmentState extends Partial<KeyPairAttachmentArgs> {
}
/**
 * The set of arguments for constructing a KeyPairAttachment resource.
 */
export interface KeyPairAttachmentArgs {
    /** ID of the Lighthouse instance. */
    instanceId: pulumi.Input<string>;
    /** ID of the key pair (`lhkp-...`). */
    keyId: pulumi.Input<string>;
}
