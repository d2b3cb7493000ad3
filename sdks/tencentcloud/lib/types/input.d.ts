import * as pulumi from "@pulumi/pulumi";
import { input as inputs } from "../types";
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
export declare namespace Lighthouse {
    interface DiskAutoMountConfiguration {
        /** File system type, e.g. `ext4` or `xfs`. */
        fileSystemType?: pulumi.Input<string>;
        /** ID of the instance the disk is mounted on. */
        instanceId: pulumi.Input<string>;
        /** Mount point inside the instance. */
        mountPoint?: pulumi.Input<string>;
    }
    interface DiskDiskChargePrepaid {
        /** Purchase duration (in `timeUnit`s). */
        period: pulumi.Input<number>;
        /** `NOTIFY_AND_AUTO_RENEW` | `NOTIFY_AND_MANUAL_RENEW` | `DISABLE_NOTIFY_AND_AUTO_RENEW`. */
        renewFlag?: pulumi.Input<string>;
        /** Unit of `period`; `m` (month). */
        timeUnit?: pulumi.Input<string>;
    }
    interface FirewallRuleFirewallRule {
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
    interface FirewallTemplateTemplateRule {
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
    interface InstanceContainer {
        command?: pulumi.Input<string>;
        containerImage?: pulumi.Input<string>;
        containerName?: pulumi.Input<string>;
        envs?: pulumi.Input<pulumi.Input<inputs.Lighthouse.InstanceContainerEnv>[]>;
        publishPorts?: pulumi.Input<pulumi.Input<inputs.Lighthouse.InstanceContainerPublishPort>[]>;
        volumes?: pulumi.Input<pulumi.Input<inputs.Lighthouse.InstanceContainerVolume>[]>;
    }
    interface InstanceContainerEnv {
        key: pulumi.Input<string>;
        value: pulumi.Input<string>;
    }
    interface InstanceContainerPublishPort {
        containerPort: pulumi.Input<number>;
        hostPort: pulumi.Input<number>;
        ip?: pulumi.Input<string>;
        protocol?: pulumi.Input<string>;
    }
    interface InstanceContainerVolume {
        containerPath: pulumi.Input<string>;
        hostPath: pulumi.Input<string>;
    }
    interface InstanceLoginConfiguration {
        /** `"YES"` | `"NO"` (a string, not a boolean). */
        autoGeneratePassword: pulumi.Input<string>;
        /** Login password (Windows images only). */
        password?: pulumi.Input<string>;
    }
}
