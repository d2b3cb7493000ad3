import * as pulumi from "@pulumi/pulumi";
import { input as inputs, output as outputs } from "../types";
/**
 * A Tencent Cloud Lighthouse instance (`tencentcloud:Lighthouse/instance:Instance`).
 *
 * There is no user-data / cloud-init input and no tags; run a payload with
 * `tencentcloud.tat.InvocationCommandAttachment`. The provider reads `publicAddresses` and `privateAddresses`
 * back from DescribeInstances (output only).
 * Create the instance with an empty `FirewallTemplate` as `firewallTemplateId` (fixed after create) and
 * own its rules with `FirewallRule`, otherwise it starts with the default rules (22 and 3389 open to
 * 0.0.0.0/0, often more).
 */
export declare class Instance extends pulumi.CustomResource {
    /**
     * Get an existing Instance resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: InstanceState, opts?: pulumi.CustomResourceOptions): Instance;
    /** @internal */
    static readonly __pulumiType: "tencentcloud:Lighthouse/instance:Instance";
    /**
     * Returns true if the given object is an instance of Instance.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    static isInstance(obj: any): obj is Instance;
    /** ID of the Lighthouse image (`lhbp-...`). */
    readonly blueprintId: pulumi.Output<string>;
    /** ID of the Lighthouse package (plan), e.g. `bundle_starter_mc_med2_02`. */
    readonly bundleId: pulumi.Output<string>;
    readonly clientToken: pulumi.Output<string | undefined>;
    readonly containers: pulumi.Output<outputs.Lighthouse.InstanceContainer[] | undefined>;
    readonly dryRun: pulumi.Output<boolean | undefined>;
    /** Firewall template ID (cannot change after create). */
    readonly firewallTemplateId: pulumi.Output<string>;
    readonly instanceName: pulumi.Output<string>;
    readonly isUpdateBundleIdAutoVoucher: pulumi.Output<boolean | undefined>;
    readonly isolateDataDisk: pulumi.Output<boolean | undefined>;
    readonly loginConfiguration: pulumi.Output<outputs.Lighthouse.InstanceLoginConfiguration | undefined>;
    readonly period: pulumi.Output<number | undefined>;
    /** @deprecated Upstream deprecated it; use `KeyPairAttachment`. */
    readonly permitDefaultKeyPairLogin: pulumi.Output<string>;
    /** Private IPv4 addresses (output only, read back by the provider from DescribeInstances). */
    readonly privateAddresses: pulumi.Output<string[]>;
    /** Public IPv4 addresses (output only, read back by the provider from DescribeInstances). */
    readonly publicAddresses: pulumi.Output<string[]>;
    readonly renewFlag: pulumi.Output<string>;
    readonly zone: pulumi.Output<string>;
    /**
     * Create a Instance resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args: InstanceArgs, opts?: pulumi.CustomResourceOptions);
}
/**
 * Input properties used for looking up and filtering Instance resources.
 */
export interface InstanceState extends Partial<InstanceArgs> {
    /** Private IPv4 addresses. */
    privateAddresses?: pulumi.Input<pulumi.Input<string>[]>;
    /** Public IPv4 addresses. */
    publicAddresses?: pulumi.Input<pulumi.Input<string>[]>;
}
/**
 * The set of arguments for constructing a Instance resource.
 */
export interface InstanceArgs {
    /** ID of the Lighthouse image (`lhbp-...`). */
    blueprintId: pulumi.Input<string>;
    /** ID of the Lighthouse package (plan). */
    bundleId: pulumi.Input<string>;
    /** Idempotency token, at most 64 ASCII characters. */
    clientToken?: pulumi.Input<string>;
    /** Containers to create on the instance. */
    containers?: pulumi.Input<pulumi.Input<inputs.Lighthouse.InstanceContainer>[]>;
    /** Dry run only: validate the request without creating the instance. */
    dryRun?: pulumi.Input<boolean>;
    /** Firewall template ID; the default firewall policy is used when unset. Cannot change after create. */
    firewallTemplateId?: pulumi.Input<string>;
    /** Display name of the instance. */
    instanceName: pulumi.Input<string>;
    /** Whether vouchers are deducted automatically when `bundleId` changes. */
    isUpdateBundleIdAutoVoucher?: pulumi.Input<boolean>;
    /** Whether destroying the instance also returns its mounted data disks. */
    isolateDataDisk?: pulumi.Input<boolean>;
    /** Login password configuration (Windows images only). */
    loginConfiguration?: pulumi.Input<inputs.Lighthouse.InstanceLoginConfiguration>;
    /** Subscription period in months (1..12, 24, 36, 48, 60). */
    period?: pulumi.Input<number>;
    /**
     * `YES` | `NO`.
     *
     * @deprecated Upstream deprecated it; use `KeyPairAttachment`.
     */
    permitDefaultKeyPairLogin?: pulumi.Input<string>;
    /** `NOTIFY_AND_AUTO_RENEW` | `NOTIFY_AND_MANUAL_RENEW` | `DISABLE_NOTIFY_AND_AUTO_RENEW` (a plain string). */
    renewFlag: pulumi.Input<string>;
    /** Availability zone, e.g. `ap-guangzhou-3`; random when unset. */
    zone?: pulumi.Input<string>;
}
