import * as pulumi from "@pulumi/pulumi";
import { input as inputs } from "./types";
/**
 * The provider type for the tencentcloud package. By default, resources use package-wide configuration
 * settings (`tencentcloud:secretId`, `tencentcloud:secretKey` (secret), `tencentcloud:region`, or the
 * `TENCENTCLOUD_SECRET_ID` / `TENCENTCLOUD_SECRET_KEY` / `TENCENTCLOUD_REGION` environment variables);
 * an explicit `Provider` instance may be created and passed during resource construction to achieve
 * fine-grained programmatic control over provider settings.
 *
 * `secretKey` and `securityToken` are sent as secrets and listed in `additionalSecretOutputs`.
 */
export declare class Provider extends pulumi.ProviderResource {
    /** @internal */
    static readonly __pulumiType: "tencentcloud";
    /**
     * Returns true if the given object is an instance of Provider.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    static isInstance(obj: any): obj is Provider;
    readonly camRoleName: pulumi.Output<string | undefined>;
    readonly cosDomain: pulumi.Output<string | undefined>;
    readonly domain: pulumi.Output<string | undefined>;
    readonly profile: pulumi.Output<string | undefined>;
    readonly protocol: pulumi.Output<string | undefined>;
    readonly region: pulumi.Output<string | undefined>;
    readonly secretId: pulumi.Output<string | undefined>;
    readonly secretKey: pulumi.Output<string | undefined>;
    readonly securityToken: pulumi.Output<string | undefined>;
    readonly sharedCredentialsDir: pulumi.Output<string | undefined>;
    /**
     * Create a Provider resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args?: ProviderArgs, opts?: pulumi.ResourceOptions);
}
/**
 * The set of arguments for constructing a Provider resource.
 */
export interface ProviderArgs {
    /** Allowed account IDs (guards against using the wrong account). */
    allowedAccountIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** The `assume_role` block. */
    assumeRole?: pulumi.Input<inputs.ProviderAssumeRole>;
    /** The `assume_role_with_saml` block. */
    assumeRoleWithSaml?: pulumi.Input<inputs.ProviderAssumeRoleWithSaml>;
    /** The `assume_role_with_web_identity` block. */
    assumeRoleWithWebIdentity?: pulumi.Input<inputs.ProviderAssumeRoleWithWebIdentity>;
    /** Name of the CVM instance CAM role (env `TENCENTCLOUD_CAM_ROLE_NAME`). */
    camRoleName?: pulumi.Input<string>;
    /** COS domain of API requests. */
    cosDomain?: pulumi.Input<string>;
    /** Root domain of API requests (default `tencentcloudapi.com`). */
    domain?: pulumi.Input<string>;
    /** Whether to enable pod OIDC. */
    enablePodOidc?: pulumi.Input<boolean>;
    /** Forbidden account IDs. */
    forbiddenAccountIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** The `mfa_certification` block. */
    mfaCertification?: pulumi.Input<inputs.ProviderMfaCertification>;
    /** Profile name in the shared credentials (env `TENCENTCLOUD_PROFILE`). */
    profile?: pulumi.Input<string>;
    /** `HTTP` | `HTTPS` (default). */
    protocol?: pulumi.Input<string>;
    /** Region, e.g. `ap-guangzhou` (env `TENCENTCLOUD_REGION`). */
    region?: pulumi.Input<string>;
    /** Access key ID (env `TENCENTCLOUD_SECRET_ID`). */
    secretId?: pulumi.Input<string>;
    /** Secret key (env `TENCENTCLOUD_SECRET_KEY`); sent as a secret. */
    secretKey?: pulumi.Input<string>;
    /** Security token of temporary credentials (env `TENCENTCLOUD_SECURITY_TOKEN`); sent as a secret. */
    securityToken?: pulumi.Input<string>;
    /** Directory of the shared credentials (default `~/.tccli`). */
    sharedCredentialsDir?: pulumi.Input<string>;
}
