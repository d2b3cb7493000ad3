import * as pulumi from "@pulumi/pulumi";
/**
 * A Lighthouse SSH key pair (`tencentcloud:Lighthouse/keyPair:KeyPair`).
 */
export declare class KeyPair extends pulumi.CustomResource {
    /**
     * Get an existing KeyPair resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: KeyPairState, opts?: pulumi.CustomResourceOptions): KeyPair;
    /** @internal */
    static readonly __pulumiType: "tencentcloud:Lighthouse/keyPair:KeyPair";
    /**
     * Returns true if the given object is an instance of KeyPair.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    static isInstance(obj: any): obj is KeyPair;
    /** Creation time, ISO 8601 UTC (output only). */
    readonly createdTime: pulumi.Output<string>;
    /** Key pair name: at most 25 characters of letters, digits and `_`. */
    readonly keyName: pulumi.Output<string>;
    /** Public key to import (OpenSSH format); a key pair is generated when unset. */
    /**
     * Private key of a generated key pair (output only; empty for an imported public key). Upstream does not
     * mark it secret: pass `additionalSecretOutputs: ["privateKey"]` when generating a key.
     */
    readonly privateKey: pulumi.Output<string>;
    readonly publicKey: pulumi.Output<string>;
    /**
     * Create a KeyPair resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args: KeyPairArgs, opts?: pulumi.CustomResourceOptions);
}
/**
 * Input properties used for looking up and filtering KeyPair resources.
 */
export interface KeyPairState extends Partial<KeyPairArgs> {
    /** Creation time, ISO 8601 UTC. */
    createdTime?: pulumi.Input<string>;
    /** Private key of a generated key pair. */
    privateKey?: pulumi.Input<string>;
}
/**
 * The set of arguments for constructing a KeyPair resource.
 */
export interface KeyPairArgs {
    /** Key pair name: at most 25 characters of letters, digits and `_`. */
    keyName: pulumi.Input<string>;
    /** Public key to import (OpenSSH format); a key pair is generated when unset. */
    publicKey?: pulumi.Input<string>;
}
