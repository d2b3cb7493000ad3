import * as pulumi from "@pulumi/pulumi";
import * as utilities from "../utilities";
import { resourceSpecs } from "../schema";

const spec = resourceSpecs["tencentcloud:Lighthouse/keyPairAttachment:KeyPairAttachment"];

/**
 * Binds a Lighthouse key pair to an instance
 * (`tencentcloud:Lighthouse/keyPairAttachment:KeyPairAttachment`). Both inputs force replacement.
 */
export class KeyPairAttachment extends pulumi.CustomResource {
    /**
     * Get an existing KeyPairAttachment resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: KeyPairAttachmentState, opts?: pulumi.CustomResourceOptions): KeyPairAttachment {
        return new KeyPairAttachment(name, <any>state, { ...opts, id: id });
    }

    /** @internal */
    public static readonly __pulumiType = spec.token;

    /**
     * Returns true if the given object is an instance of KeyPairAttachment.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    public static isInstance(obj: any): obj is KeyPairAttachment {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj['__pulumiType'] === KeyPairAttachment.__pulumiType;
    }

    /** ID of the Lighthouse instance. */
    declare readonly instanceId: pulumi.Output<string>;
    /** ID of the key pair (`lhkp-...`). */
    declare readonly keyId: pulumi.Output<string>;

    /**
     * Create a KeyPairAttachment resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args: KeyPairAttachmentArgs, opts?: pulumi.CustomResourceOptions)
    constructor(name: string, argsOrState?: KeyPairAttachmentArgs | KeyPairAttachmentState, opts?: pulumi.CustomResourceOptions) {
        opts = opts || {};
        const resourceInputs = utilities.buildResourceInputs(spec, argsOrState, opts);
        opts = utilities.mergeResourceOptions(spec, opts);
        super(KeyPairAttachment.__pulumiType, name, resourceInputs, opts);
    }
}

/**
 * Input properties used for looking up and filtering KeyPairAttachment resources.
 */
export interface KeyPairAttachmentState extends Partial<KeyPairAttachmentArgs> {}

/**
 * The set of arguments for constructing a KeyPairAttachment resource.
 */
export interface KeyPairAttachmentArgs {
    /** ID of the Lighthouse instance. */
    instanceId: pulumi.Input<string>;
    /** ID of the key pair (`lhkp-...`). */
    keyId: pulumi.Input<string>;
}
