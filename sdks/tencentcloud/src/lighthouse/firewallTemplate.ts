import * as pulumi from "@pulumi/pulumi";
import { input as inputs, output as outputs } from "../types";
import * as utilities from "../utilities";
import { resourceSpecs } from "../schema";

const spec = resourceSpecs["tencentcloud:Lighthouse/firewallTemplate:FirewallTemplate"];

/**
 * A Lighthouse firewall template (`tencentcloud:Lighthouse/firewallTemplate:FirewallTemplate`).
 *
 * Create one with no `templateRules` and pass its id as the instance's `firewallTemplateId`, so the
 * instance starts without the default open ports; then own the rules with `FirewallRule`.
 */
export class FirewallTemplate extends pulumi.CustomResource {
    /**
     * Get an existing FirewallTemplate resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: FirewallTemplateState, opts?: pulumi.CustomResourceOptions): FirewallTemplate {
        return new FirewallTemplate(name, <any>state, { ...opts, id: id });
    }

    /** @internal */
    public static readonly __pulumiType = spec.token;

    /**
     * Returns true if the given object is an instance of FirewallTemplate.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    public static isInstance(obj: any): obj is FirewallTemplate {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj['__pulumiType'] === FirewallTemplate.__pulumiType;
    }

    /** Template name. */
    declare readonly templateName: pulumi.Output<string>;
    /** Rules of the template (inbound only). Leave empty for an empty template. */
    declare readonly templateRules: pulumi.Output<outputs.Lighthouse.FirewallTemplateTemplateRule[] | undefined>;

    /**
     * Create a FirewallTemplate resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args: FirewallTemplateArgs, opts?: pulumi.CustomResourceOptions)
    constructor(name: string, argsOrState?: FirewallTemplateArgs | FirewallTemplateState, opts?: pulumi.CustomResourceOptions) {
        opts = opts || {};
        const resourceInputs = utilities.buildResourceInputs(spec, argsOrState, opts);
        opts = utilities.mergeResourceOptions(spec, opts);
        super(FirewallTemplate.__pulumiType, name, resourceInputs, opts);
    }
}

/**
 * Input properties used for looking up and filtering FirewallTemplate resources.
 */
export interface FirewallTemplateState extends Partial<FirewallTemplateArgs> {}

/**
 * The set of arguments for constructing a FirewallTemplate resource.
 */
export interface FirewallTemplateArgs {
    /** Template name. */
    templateName: pulumi.Input<string>;
    /** Rules of the template (inbound only). Leave empty for an empty template. */
    templateRules?: pulumi.Input<pulumi.Input<inputs.Lighthouse.FirewallTemplateTemplateRule>[]>;
}
