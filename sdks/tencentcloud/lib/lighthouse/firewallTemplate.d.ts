import * as pulumi from "@pulumi/pulumi";
import { input as inputs, output as outputs } from "../types";
/**
 * A Lighthouse firewall template (`tencentcloud:Lighthouse/firewallTemplate:FirewallTemplate`).
 *
 * Create one with no `templateRules` and pass its id as the instance's `firewallTemplateId`, so the
 * instance starts without the default open ports; then own the rules with `FirewallRule`.
 */
export declare class FirewallTemplate extends pulumi.CustomResource {
    /**
     * Get an existing FirewallTemplate resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: FirewallTemplateState, opts?: pulumi.CustomResourceOptions): FirewallTemplate;
    /** @internal */
    static readonly __pulumiType: "tencentcloud:Lighthouse/firewallTemplate:FirewallTemplate";
    /**
     * Returns true if the given object is an instance of FirewallTemplate.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    static isInstance(obj: any): obj is FirewallTemplate;
    /** Template name. */
    readonly templateName: pulumi.Output<string>;
    /** Rules of the template (inbound only). Leave empty for an empty template. */
    readonly templateRules: pulumi.Output<outputs.Lighthouse.FirewallTemplateTemplateRule[] | undefined>;
    /**
     * Create a FirewallTemplate resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args: FirewallTemplateArgs, opts?: pulumi.CustomResourceOptions);
}
/**
 * Input properties used for looking up and filtering FirewallTemplate resources.
 */
export interface FirewallTemplateState extends Partial<FirewallTemplateArgs> {
}
/**
 * The set of arguments for constructing a FirewallTemplate resource.
 */
export interface FirewallTemplateArgs {
    /** Template name. */
    templateName: pulumi.Input<string>;
    /** Rules of the template (inbound only). Leave empty for an empty template. */
    templateRules?: pulumi.Input<pulumi.Input<inputs.Lighthouse.FirewallTemplateTemplateRule>[]>;
}
