"use strict";
// Machine-readable descriptor of the bound subset of tencentcloudstack/pulumi-tencentcloud v0.2.3.
//
// This is the single source of truth for the runtime behaviour of every class in this package: the
// type token, which inputs are sent (and in which order required ones are checked), which inputs are
// required, which outputs exist, and which properties are secret. The classes are built from it (see
// `utilities.buildResourceInputs`), and test/tencentcloud-binding.test.ts compares it, and the
// TypeScript declarations in lib/, with the upstream data extract
// (shared/reference/tencentcloud-sdk-v0.2.3.json).
Object.defineProperty(exports, "__esModule", { value: true });
exports.resourceSpecs = exports.pluginDownloadURL = exports.pluginVersion = exports.packageName = void 0;
/** The package name as the engine knows it. */
exports.packageName = "tencentcloud";
/** Version of the upstream provider plugin this binding describes (and asks the engine to use). */
exports.pluginVersion = "0.2.3";
/** Where the engine downloads the plugin from (GitHub releases of tencentcloudstack/pulumi-tencentcloud). */
exports.pluginDownloadURL = "github://api.github.com/tencentcloudstack";
const o = { required: false };
const r = { required: true };
exports.resourceSpecs = {
    "tencentcloud": {
        kind: "provider",
        token: "tencentcloud",
        className: "Provider",
        file: "provider.ts",
        inputs: {
            allowedAccountIds: { required: false, json: true },
            assumeRole: { required: false, json: true },
            assumeRoleWithSaml: { required: false, json: true },
            assumeRoleWithWebIdentity: { required: false, json: true },
            camRoleName: o,
            cosDomain: o,
            domain: o,
            enablePodOidc: { required: false, json: true },
            forbiddenAccountIds: { required: false, json: true },
            mfaCertification: { required: false, json: true },
            profile: o,
            protocol: o,
            region: { required: false, env: ["TENCENTCLOUD_REGION"] },
            secretId: { required: false, env: ["TENCENTCLOUD_SECRET_ID"] },
            // The extract carries no secret flags; upstream's terraform schema marks these two Sensitive,
            // and generated SDKs then wrap them in pulumi.secret and list them in additionalSecretOutputs.
            secretKey: { required: false, secret: true, env: ["TENCENTCLOUD_SECRET_KEY"] },
            securityToken: { required: false, secret: true, env: ["TENCENTCLOUD_SECURITY_TOKEN"] },
            sharedCredentialsDir: o,
        },
        outputs: [
            "camRoleName",
            "cosDomain",
            "domain",
            "profile",
            "protocol",
            "region",
            "secretId",
            "secretKey",
            "securityToken",
            "sharedCredentialsDir",
        ],
    },
    "tencentcloud:Lighthouse/instance:Instance": {
        kind: "resource",
        token: "tencentcloud:Lighthouse/instance:Instance",
        className: "Instance",
        file: "lighthouse/instance.ts",
        inputs: {
            blueprintId: r,
            bundleId: r,
            clientToken: o,
            containers: o,
            dryRun: o,
            firewallTemplateId: o,
            instanceName: r,
            isUpdateBundleIdAutoVoucher: o,
            isolateDataDisk: o,
            loginConfiguration: o,
            period: o,
            permitDefaultKeyPairLogin: o,
            renewFlag: r,
            zone: o,
        },
        outputs: [
            "blueprintId",
            "bundleId",
            "clientToken",
            "containers",
            "dryRun",
            "firewallTemplateId",
            "instanceName",
            "isUpdateBundleIdAutoVoucher",
            "isolateDataDisk",
            "loginConfiguration",
            "period",
            "permitDefaultKeyPairLogin",
            "privateAddresses",
            "publicAddresses",
            "renewFlag",
            "zone",
        ],
    },
    "tencentcloud:Lighthouse/firewallTemplate:FirewallTemplate": {
        kind: "resource",
        token: "tencentcloud:Lighthouse/firewallTemplate:FirewallTemplate",
        className: "FirewallTemplate",
        file: "lighthouse/firewallTemplate.ts",
        inputs: {
            templateName: r,
            templateRules: o,
        },
        outputs: ["templateName", "templateRules"],
    },
    "tencentcloud:Lighthouse/firewallRule:FirewallRule": {
        kind: "resource",
        token: "tencentcloud:Lighthouse/firewallRule:FirewallRule",
        className: "FirewallRule",
        file: "lighthouse/firewallRule.ts",
        inputs: {
            firewallRules: r,
            instanceId: r,
        },
        outputs: ["firewallRules", "instanceId"],
    },
    "tencentcloud:Lighthouse/keyPair:KeyPair": {
        kind: "resource",
        token: "tencentcloud:Lighthouse/keyPair:KeyPair",
        className: "KeyPair",
        file: "lighthouse/keyPair.ts",
        inputs: {
            keyName: r,
            publicKey: o,
        },
        outputs: [
            "createdTime",
            "keyName",
            "privateKey",
            "publicKey",
        ],
    },
    "tencentcloud:Lighthouse/keyPairAttachment:KeyPairAttachment": {
        kind: "resource",
        token: "tencentcloud:Lighthouse/keyPairAttachment:KeyPairAttachment",
        className: "KeyPairAttachment",
        file: "lighthouse/keyPairAttachment.ts",
        inputs: {
            instanceId: r,
            keyId: r,
        },
        outputs: ["instanceId", "keyId"],
    },
    "tencentcloud:Lighthouse/disk:Disk": {
        kind: "resource",
        token: "tencentcloud:Lighthouse/disk:Disk",
        className: "Disk",
        file: "lighthouse/disk.ts",
        inputs: {
            autoMountConfiguration: o,
            autoVoucher: o,
            diskBackupQuota: o,
            diskChargePrepaid: r,
            diskCount: o,
            diskName: o,
            diskSize: r,
            diskType: r,
            zone: r,
        },
        outputs: [
            "autoMountConfiguration",
            "autoVoucher",
            "diskBackupQuota",
            "diskChargePrepaid",
            "diskCount",
            "diskName",
            "diskSize",
            "diskType",
            "zone",
        ],
    },
    "tencentcloud:Lighthouse/diskAttachment:DiskAttachment": {
        kind: "resource",
        token: "tencentcloud:Lighthouse/diskAttachment:DiskAttachment",
        className: "DiskAttachment",
        file: "lighthouse/diskAttachment.ts",
        inputs: {
            diskId: r,
            instanceId: r,
        },
        outputs: ["diskId", "instanceId"],
    },
    "tencentcloud:Tat/invocationCommandAttachment:InvocationCommandAttachment": {
        kind: "resource",
        token: "tencentcloud:Tat/invocationCommandAttachment:InvocationCommandAttachment",
        className: "InvocationCommandAttachment",
        file: "tat/invocationCommandAttachment.ts",
        inputs: {
            commandName: o,
            commandType: o,
            // Not secret upstream (the extract has no secret flags and the terraform schema does not mark
            // it Sensitive): pass a pulumi.secret(...) value when the script carries secrets.
            content: r,
            defaultParameters: o,
            description: o,
            enableParameter: o,
            instanceId: r,
            outputCosBucketUrl: o,
            outputCosKeyPrefix: o,
            parameters: o,
            saveCommand: o,
            timeout: o,
            username: o,
            workingDirectory: o,
        },
        outputs: [
            "commandId",
            "commandName",
            "commandType",
            "content",
            "defaultParameters",
            "description",
            "enableParameter",
            "instanceId",
            "outputCosBucketUrl",
            "outputCosKeyPrefix",
            "parameters",
            "saveCommand",
            "timeout",
            "username",
            "workingDirectory",
        ],
    },
};
