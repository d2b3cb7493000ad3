// Nested input types of the bound resources, laid out like upstream's sdk/nodejs/types/input.ts
// (namespace names follow the token module, e.g. `Lighthouse`, as upstream's do).
// Field names, optionality and types must equal shared/reference/tencentcloud-sdk-v0.2.3.json
// ("types" section); test/tencentcloud-binding.test.ts checks the emitted declarations.

import * as pulumi from "@pulumi/pulumi";
import { input as inputs } from "../types";

// ---------------------------------------------------------------------------------------------
// Provider configuration blocks. NOT covered by the v0.2.3 extract (it lists the Provider inputs
// that reference them, but not their fields): transcribed from the terraform-provider-tencentcloud
// provider schema and unverified against v0.2.3. This project does not use them.
// ---------------------------------------------------------------------------------------------

export interface ProviderAssumeRole {
    externalId?: pulumi.Input<string>;
    policy?: pulumi.Input<string>;
    roleArn: pulumi.Input<string>;
    serialNumber?: pulumi.Input<string>;
    sessionDuration: pulumi.Input<number>;
    sessionName: pulumi.Input<string>;
    sourceIdentity?: pulumi.Input<string>;
    tokenCode?: pulumi.Input<string>;
}

export interface ProviderAssumeRoleWithSaml {
    principalArn: pulumi.Input<string>;
    roleArn: pulumi.Input<string>;
    samlAssertion: pulumi.Input<string>;
    sessionDuration: pulumi.Input<number>;
    sessionName: pulumi.Input<string>;
}

export interface ProviderAssumeRoleWithWebIdentity {
    providerId?: pulumi.Input<string>;
    roleArn: pulumi.Input<string>;
    sessionDuration: pulumi.Input<number>;
    sessionName: pulumi.Input<string>;
    webIdentityToken?: pulumi.Input<string>;
    webIdentityTokenFile?: pulumi.Input<string>;
}

export interface ProviderMfaCertification {
    durationSeconds?: pulumi.Input<number>;
    serialNumber: pulumi.Input<string>;
    tokenCode: pulumi.Input<string>;
}

export namespace Lighthouse {
    export interface DiskAutoMountConfiguration {
        /** File system type, e.g. `ext4` or `xfs`. */
        fileSystemType?: pulumi.Input<string>;
        /** ID of the instance the disk is mounted on. */
        instanceId: pulumi.Input<string>;
        /** Mount point inside the instance. */
        mountPoint?: pulumi.Input<string>;
    }

    export interface DiskDiskChargePrepaid {
        /** Purchase duration (in `timeUnit`s). */
        period: pulumi.Input<number>;
        /** `NOTIFY_AND_AUTO_RENEW` | `NOTIFY_AND_MANUAL_RENEW` | `DISABLE_NOTIFY_AND_AUTO_RENEW`. */
        renewFlag?: pulumi.Input<string>;
        /** Unit of `period`; `m` (month). */
        timeUnit?: pulumi.Input<string>;
    }

    export interface FirewallRuleFirewallRule {
        /** `ACCEPT` (default) | `DROP`. */
        action?: pulumi.Input<string>;
        /** Source IPv4 CIDR, e.g. `203.0.113.7/32`; defaults to `0.0.0.0/0`. */
        cidrBlock?: pulumi.Input<string>;
        /** Free-text description of the rule. */
        firewallRuleDescription?: pulumi.Input<string>;
        /** Port as a string: a single port (`"22"`), a range (`"8000-8100"`), a list (`"80,443"`) or `"ALL"`. */
        port?: pulumi.Input<string>;
        /** `TCP` | `UDP` | `ICMP` | `ALL`. */
        protocol: pulumi.Input<string>;
    }

    export interface FirewallTemplateTemplateRule {
        /** `ACCEPT` (default) | `DROP`. */
        action?: pulumi.Input<string>;
        /** Source IPv4 CIDR; defaults to `0.0.0.0/0`. */
        cidrBlock?: pulumi.Input<string>;
        /** Free-text description of the rule. */
        firewallRuleDescription?: pulumi.Input<string>;
        /** Port as a string: `"22"`, `"8000-8100"`, `"80,443"` or `"ALL"`. */
        port?: pulumi.Input<string>;
        /** `TCP` | `UDP` | `ICMP` | `ALL`. */
        protocol: pulumi.Input<string>;
    }

    export interface InstanceContainer {
        command?: pulumi.Input<string>;
        containerImage?: pulumi.Input<string>;
        containerName?: pulumi.Input<string>;
        envs?: pulumi.Input<pulumi.Input<inputs.Lighthouse.InstanceContainerEnv>[]>;
        publishPorts?: pulumi.Input<pulumi.Input<inputs.Lighthouse.InstanceContainerPublishPort>[]>;
        volumes?: pulumi.Input<pulumi.Input<inputs.Lighthouse.InstanceContainerVolume>[]>;
    }

    export interface InstanceContainerEnv {
        key: pulumi.Input<string>;
        value: pulumi.Input<string>;
    }

    export interface InstanceContainerPublishPort {
        containerPort: pulumi.Input<number>;
        hostPort: pulumi.Input<number>;
        ip?: pulumi.Input<string>;
        protocol?: pulumi.Input<string>;
    }

    export interface InstanceContainerVolume {
        containerPath: pulumi.Input<string>;
        hostPath: pulumi.Input<string>;
    }

    export interface InstanceLoginConfiguration {
        /** `"YES"` | `"NO"` (a string, not a boolean). */
        autoGeneratePassword: pulumi.Input<string>;
        /** Login password (Windows images only). */
        password?: pulumi.Input<string>;
    }
}
