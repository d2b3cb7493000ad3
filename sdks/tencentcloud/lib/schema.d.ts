/** How one input property of a resource is registered. */
export interface InputSpec {
    /** The upstream SDK marks the input as required (`name: T`, not `name?: T`). */
    readonly required: boolean;
    /** Wrap the value in `pulumi.secret` and list it in `additionalSecretOutputs`. */
    readonly secret?: boolean;
    /**
     * Provider configuration only: non-string values are sent JSON-encoded, as generated SDKs do
     * for `pulumi:providers:*` resources.
     */
    readonly json?: boolean;
    /** Provider configuration only: environment variables consulted when the input is not set. */
    readonly env?: readonly string[];
}
export interface ResourceSpec {
    /** `"provider"` for the package's `pulumi.ProviderResource`, `"resource"` for custom resources. */
    readonly kind: "provider" | "resource";
    /** The exact type token (for the provider: the package name, registered as `pulumi:providers:<token>`). */
    readonly token: string;
    /** The exported class name. */
    readonly className: string;
    /** The upstream file (under sdk/nodejs/) the class lives in; the same path, minus `.ts`, is used under lib/. */
    readonly file: string;
    /** Input properties, in the (alphabetical) order upstream registers them. */
    readonly inputs: {
        readonly [name: string]: InputSpec;
    };
    /** Output properties exposed as `readonly name: pulumi.Output<T>`. */
    readonly outputs: readonly string[];
}
/** The package name as the engine knows it. */
export declare const packageName = "tencentcloud";
/** Version of the upstream provider plugin this binding describes (and asks the engine to use). */
export declare const pluginVersion = "0.2.3";
/** Where the engine downloads the plugin from (GitHub releases of tencentcloudstack/pulumi-tencentcloud). */
export declare const pluginDownloadURL = "github://api.github.com/tencentcloudstack";
export declare const resourceSpecs: {
    readonly tencentcloud: {
        readonly kind: "provider";
        readonly token: "tencentcloud";
        readonly className: "Provider";
        readonly file: "provider.ts";
        readonly inputs: {
            readonly allowedAccountIds: {
                readonly required: false;
                readonly json: true;
            };
            readonly assumeRole: {
                readonly required: false;
                readonly json: true;
            };
            readonly assumeRoleWithSaml: {
                readonly required: false;
                readonly json: true;
            };
            readonly assumeRoleWithWebIdentity: {
                readonly required: false;
                readonly json: true;
            };
            readonly camRoleName: {
                readonly required: false;
            };
            readonly cosDomain: {
                readonly required: false;
            };
            readonly domain: {
                readonly required: false;
            };
            readonly enablePodOidc: {
                readonly required: false;
                readonly json: true;
            };
            readonly forbiddenAccountIds: {
                readonly required: false;
                readonly json: true;
            };
            readonly mfaCertification: {
                readonly required: false;
                readonly json: true;
            };
            readonly profile: {
                readonly required: false;
            };
            readonly protocol: {
                readonly required: false;
            };
            readonly region: {
                readonly required: false;
                readonly env: readonly ["TENCENTCLOUD_REGION"];
            };
            readonly secretId: {
                readonly required: false;
                readonly env: readonly ["TENCENTCLOUD_SECRET_ID"];
            };
            readonly secretKey: {
                readonly required: false;
                readonly secret: true;
                readonly env: readonly ["TENCENTCLOUD_SECRET_KEY"];
            };
            readonly securityToken: {
                readonly required: false;
                readonly secret: true;
                readonly env: readonly ["TENCENTCLOUD_SECURITY_TOKEN"];
            };
            readonly sharedCredentialsDir: {
                readonly required: false;
            };
        };
        readonly outputs: readonly ["camRoleName", "cosDomain", "domain", "profile", "protocol", "region", "secretId", "secretKey", "securityToken", "sharedCredentialsDir"];
    };
    readonly "tencentcloud:Lighthouse/instance:Instance": {
        readonly kind: "resource";
        readonly token: "tencentcloud:Lighthouse/instance:Instance";
        readonly className: "Instance";
        readonly file: "lighthouse/instance.ts";
        readonly inputs: {
            readonly blueprintId: {
                readonly required: true;
            };
            readonly bundleId: {
                readonly required: true;
            };
            readonly clientToken: {
                readonly required: false;
            };
            readonly containers: {
                readonly required: false;
            };
            readonly dryRun: {
                readonly required: false;
            };
            readonly firewallTemplateId: {
                readonly required: false;
            };
            readonly instanceName: {
                readonly required: true;
            };
            readonly isUpdateBundleIdAutoVoucher: {
                readonly required: false;
            };
            readonly isolateDataDisk: {
                readonly required: false;
            };
            readonly loginConfiguration: {
                readonly required: false;
            };
            readonly period: {
                readonly required: false;
            };
            readonly permitDefaultKeyPairLogin: {
                readonly required: false;
            };
            readonly renewFlag: {
                readonly required: true;
            };
            readonly zone: {
                readonly required: false;
            };
        };
        readonly outputs: readonly ["blueprintId", "bundleId", "clientToken", "containers", "dryRun", "firewallTemplateId", "instanceName", "isUpdateBundleIdAutoVoucher", "isolateDataDisk", "loginConfiguration", "period", "permitDefaultKeyPairLogin", "privateAddresses", "publicAddresses", "renewFlag", "zone"];
    };
    readonly "tencentcloud:Lighthouse/firewallTemplate:FirewallTemplate": {
        readonly kind: "resource";
        readonly token: "tencentcloud:Lighthouse/firewallTemplate:FirewallTemplate";
        readonly className: "FirewallTemplate";
        readonly file: "lighthouse/firewallTemplate.ts";
        readonly inputs: {
            readonly templateName: {
                readonly required: true;
            };
            readonly templateRules: {
                readonly required: false;
            };
        };
        readonly outputs: readonly ["templateName", "templateRules"];
    };
    readonly "tencentcloud:Lighthouse/firewallRule:FirewallRule": {
        readonly kind: "resource";
        readonly token: "tencentcloud:Lighthouse/firewallRule:FirewallRule";
        readonly className: "FirewallRule";
        readonly file: "lighthouse/firewallRule.ts";
        readonly inputs: {
            readonly firewallRules: {
                readonly required: true;
            };
            readonly instanceId: {
                readonly required: true;
            };
        };
        readonly outputs: readonly ["firewallRules", "instanceId"];
    };
    readonly "tencentcloud:Lighthouse/keyPair:KeyPair": {
        readonly kind: "resource";
        readonly token: "tencentcloud:Lighthouse/keyPair:KeyPair";
        readonly className: "KeyPair";
        readonly file: "lighthouse/keyPair.ts";
        readonly inputs: {
            readonly keyName: {
                readonly required: true;
            };
            readonly publicKey: {
                readonly required: false;
            };
        };
        readonly outputs: readonly ["createdTime", "keyName", "privateKey", "publicKey"];
    };
    readonly "tencentcloud:Lighthouse/keyPairAttachment:KeyPairAttachment": {
        readonly kind: "resource";
        readonly token: "tencentcloud:Lighthouse/keyPairAttachment:KeyPairAttachment";
        readonly className: "KeyPairAttachment";
        readonly file: "lighthouse/keyPairAttachment.ts";
        readonly inputs: {
            readonly instanceId: {
                readonly required: true;
            };
            readonly keyId: {
                readonly required: true;
            };
        };
        readonly outputs: readonly ["instanceId", "keyId"];
    };
    readonly "tencentcloud:Lighthouse/disk:Disk": {
        readonly kind: "resource";
        readonly token: "tencentcloud:Lighthouse/disk:Disk";
        readonly className: "Disk";
        readonly file: "lighthouse/disk.ts";
        readonly inputs: {
            readonly autoMountConfiguration: {
                readonly required: false;
            };
            readonly autoVoucher: {
                readonly required: false;
            };
            readonly diskBackupQuota: {
                readonly required: false;
            };
            readonly diskChargePrepaid: {
                readonly required: true;
            };
            readonly diskCount: {
                readonly required: false;
            };
            readonly diskName: {
                readonly required: false;
            };
            readonly diskSize: {
                readonly required: true;
            };
            readonly diskType: {
                readonly required: true;
            };
            readonly zone: {
                readonly required: true;
            };
        };
        readonly outputs: readonly ["autoMountConfiguration", "autoVoucher", "diskBackupQuota", "diskChargePrepaid", "diskCount", "diskName", "diskSize", "diskType", "zone"];
    };
    readonly "tencentcloud:Lighthouse/diskAttachment:DiskAttachment": {
        readonly kind: "resource";
        readonly token: "tencentcloud:Lighthouse/diskAttachment:DiskAttachment";
        readonly className: "DiskAttachment";
        readonly file: "lighthouse/diskAttachment.ts";
        readonly inputs: {
            readonly diskId: {
                readonly required: true;
            };
            readonly instanceId: {
                readonly required: true;
            };
        };
        readonly outputs: readonly ["diskId", "instanceId"];
    };
    readonly "tencentcloud:Tat/invocationCommandAttachment:InvocationCommandAttachment": {
        readonly kind: "resource";
        readonly token: "tencentcloud:Tat/invocationCommandAttachment:InvocationCommandAttachment";
        readonly className: "InvocationCommandAttachment";
        readonly file: "tat/invocationCommandAttachment.ts";
        readonly inputs: {
            readonly commandName: {
                readonly required: false;
            };
            readonly commandType: {
                readonly required: false;
            };
            readonly content: {
                readonly required: true;
            };
            readonly defaultParameters: {
                readonly required: false;
            };
            readonly description: {
                readonly required: false;
            };
            readonly enableParameter: {
                readonly required: false;
            };
            readonly instanceId: {
                readonly required: true;
            };
            readonly outputCosBucketUrl: {
                readonly required: false;
            };
            readonly outputCosKeyPrefix: {
                readonly required: false;
            };
            readonly parameters: {
                readonly required: false;
            };
            readonly saveCommand: {
                readonly required: false;
            };
            readonly timeout: {
                readonly required: false;
            };
            readonly username: {
                readonly required: false;
            };
            readonly workingDirectory: {
                readonly required: false;
            };
        };
        readonly outputs: readonly ["commandId", "commandName", "commandType", "content", "defaultParameters", "description", "enableParameter", "instanceId", "outputCosBucketUrl", "outputCosKeyPrefix", "parameters", "saveCommand", "timeout", "username", "workingDirectory"];
    };
};
export type ResourceToken = keyof typeof resourceSpecs;
