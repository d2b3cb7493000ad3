import * as pulumi from "@pulumi/pulumi";
import * as utilities from "../utilities";
import { resourceSpecs } from "../schema";

const spec = resourceSpecs["tencentcloud:Tat/invocationCommandAttachment:InvocationCommandAttachment"];

/**
 * Runs a command once on an instance through TencentCloud Automation Tools
 * (`tencentcloud:Tat/invocationCommandAttachment:InvocationCommandAttachment`). Works on CVM and on
 * Lighthouse instances whose image has the TAT agent (official images do).
 *
 * `content` is stored in the TAT service and in Pulumi state and is not marked secret by upstream: pass a
 * `pulumi.secret(...)` value when the script carries secrets.
 */
export class InvocationCommandAttachment extends pulumi.CustomResource {
    /**
     * Get an existing InvocationCommandAttachment resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: InvocationCommandAttachmentState, opts?: pulumi.CustomResourceOptions): InvocationCommandAttachment {
        return new InvocationCommandAttachment(name, <any>state, { ...opts, id: id });
    }

    /** @internal */
    public static readonly __pulumiType = spec.token;

    /**
     * Returns true if the given object is an instance of InvocationCommandAttachment.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    public static isInstance(obj: any): obj is InvocationCommandAttachment {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj['__pulumiType'] === InvocationCommandAttachment.__pulumiType;
    }

    /** ID of the TAT command the invocation ran (output only). */
    declare /*out*/ readonly commandId: pulumi.Output<string>;
    /** Name of the command. */
    declare readonly commandName: pulumi.Output<string | undefined>;
    /** `SHELL` (default) | `POWERSHELL` | `BAT`. */
    declare readonly commandType: pulumi.Output<string | undefined>;
    /** The command, **base64-encoded**; at most 64 KB after encoding. */
    declare readonly content: pulumi.Output<string>;
    /** Default custom parameter values, a JSON string. */
    declare readonly defaultParameters: pulumi.Output<string | undefined>;
    /** Command description. */
    declare readonly description: pulumi.Output<string | undefined>;
    /** Whether custom parameters are enabled. */
    declare readonly enableParameter: pulumi.Output<boolean | undefined>;
    /** ID of the instance (CVM `ins-...` or Lighthouse `lhins-...`). */
    declare readonly instanceId: pulumi.Output<string>;
    /** COS bucket URL the output is uploaded to. */
    declare readonly outputCosBucketUrl: pulumi.Output<string | undefined>;
    /** Prefix of the uploaded output object. */
    declare readonly outputCosKeyPrefix: pulumi.Output<string | undefined>;
    /** Custom parameter values for this run, a JSON string. */
    declare readonly parameters: pulumi.Output<string | undefined>;
    /** Whether to save the command in TAT. */
    declare readonly saveCommand: pulumi.Output<boolean | undefined>;
    /** Timeout in seconds, 1..86400 (default 60). */
    declare readonly timeout: pulumi.Output<number | undefined>;
    /** User the command runs as (default `root` on Linux). */
    declare readonly username: pulumi.Output<string | undefined>;
    /** Working directory (default `/root` on Linux). */
    declare readonly workingDirectory: pulumi.Output<string | undefined>;

    /**
     * Create a InvocationCommandAttachment resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args: InvocationCommandAttachmentArgs, opts?: pulumi.CustomResourceOptions)
    constructor(name: string, argsOrState?: InvocationCommandAttachmentArgs | InvocationCommandAttachmentState, opts?: pulumi.CustomResourceOptions) {
        opts = opts || {};
        const resourceInputs = utilities.buildResourceInputs(spec, argsOrState, opts);
        opts = utilities.mergeResourceOptions(spec, opts);
        super(InvocationCommandAttachment.__pulumiType, name, resourceInputs, opts);
    }
}

/**
 * Input properties used for looking up and filtering InvocationCommandAttachment resources.
 */
export interface InvocationCommandAttachmentState extends Partial<InvocationCommandAttachmentArgs> {
    /** ID of the TAT command the invocation ran. */
    commandId?: pulumi.Input<string>;
}

/**
 * The set of arguments for constructing a InvocationCommandAttachment resource.
 */
export interface InvocationCommandAttachmentArgs {
    /** Name of the command. */
    commandName?: pulumi.Input<string>;
    /** `SHELL` (default) | `POWERSHELL` | `BAT`. */
    commandType?: pulumi.Input<string>;
    /** The command, **base64-encoded**; at most 64 KB after encoding. */
    content: pulumi.Input<string>;
    /** Default custom parameter values, a JSON string. */
    defaultParameters?: pulumi.Input<string>;
    /** Command description. */
    description?: pulumi.Input<string>;
    /** Whether custom parameters are enabled. */
    enableParameter?: pulumi.Input<boolean>;
    /** ID of the instance (CVM `ins-...` or Lighthouse `lhins-...`). */
    instanceId: pulumi.Input<string>;
    /** COS bucket URL the output is uploaded to. */
    outputCosBucketUrl?: pulumi.Input<string>;
    /** Prefix of the uploaded output object. */
    outputCosKeyPrefix?: pulumi.Input<string>;
    /** Custom parameter values for this run, a JSON string. */
    parameters?: pulumi.Input<string>;
    /** Whether to save the command in TAT. */
    saveCommand?: pulumi.Input<boolean>;
    /** Timeout in seconds, 1..86400 (default 60). */
    timeout?: pulumi.Input<number>;
    /** User the command runs as (default `root` on Linux). */
    username?: pulumi.Input<string>;
    /** Working directory (default `/root` on Linux). */
    workingDirectory?: pulumi.Input<string>;
}
