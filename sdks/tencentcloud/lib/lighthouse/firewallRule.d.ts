import * as pulumi from "@pulumi/pulumi";
import { input as inputs, output as outputs } from "../types";
/**
 * The whole inbound firewall rule list of one Lighthouse instance
 * (`tencentcloud:Lighthouse/firewallRule:FirewallRule`).
 *
 * One resource owns the instance's entire list: create appends to the existing rules, update replaces
 * them all. At most 100 rules.
 */
export declare class FirewallRule extends pulumi.CustomResource {
    /**
     * Get an existing FirewallRule resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: FirewallRuleState, opts?: pulumi.CustomResourceOptions): FirewallRule;
    /** @internal */
    static readonly __pulumiType: "tencentcloud:Lighthouse/firewallRule:FirewallRule";
    /**
     * Returns true if the given object is an instance of FirewallRule.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    static isInstance(obj: any): obj is FirewallRule;
    /** The rules. `port` is a string (`"22"`, `"8000-8100"`, `"ALL"`); `protocol` is `TCP` | `UDP` | `ICMP` | `ALL`. */
    readonly firewallRules: pulumi.Output<outputs.Lighthouse.FirewallRuleFirewallRule[]>;
    /** ID of the Lighthouse instance. */
    readonly instanceId: pulumi.Output<string>;
    /**
     * Create a FirewallRule resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args: FirewallRuleArgs, opts?: pulumi.CustomResourceOptions);
}
/**
 * Input properties used for looking up and filtering FirewallRule resources.
 */
export interface FirewallRuleState extends Partial<FirewallRuleArgs> {
}
/**
 * The set of arguments for constructing a FirewallRule resource.
 */
export interface FirewallRuleArgs {
    /** The rules. `port` is a string (`"22"`, `"8000-8100"`, `"ALL"`); `protocol` is `TCP` | `UDP` | `ICMP` | `ALL`. */
    firewallRules: pulumi.Input<pulumi.Input<inputs.Lighthouse.FirewallRuleFirewallRule>[]>;
    /** ID of the Lighthouse instance. */
    instanceId: pulumi.Input<string>;
}
