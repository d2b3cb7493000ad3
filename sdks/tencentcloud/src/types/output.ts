// Nested output types of the bound resources, laid out like upstream's sdk/nodejs/types/output.ts:
// the same fields as the input types in ./input.ts, unwrapped from pulumi.Input and with optional
// fields optional. (The extract lists input types only; the test derives the expected output shapes
// from them.)

import { output as outputs } from "../types";

export namespace Lighthouse {
    export interface DiskAutoMountConfiguration {
        fileSystemType?: string;
        instanceId: string;
        mountPoint?: string;
    }

    export interface DiskDiskChargePrepaid {
        period: number;
        renewFlag?: string;
        timeUnit?: string;
    }

    export interface FirewallRuleFirewallRule {
        action?: string;
        cidrBlock?: string;
        firewallRuleDescription?: string;
        port?: string;
        protocol: string;
    }

    export interface FirewallTemplateTemplateRule {
        action?: string;
        cidrBlock?: string;
        firewallRuleDescription?: string;
        port?: string;
        protocol: string;
    }

    export interface InstanceContainer {
        command?: string;
        containerImage?: string;
        containerName?: string;
        envs?: outputs.Lighthouse.InstanceContainerEnv[];
        publishPorts?: outputs.Lighthouse.InstanceContainerPublishPort[];
        volumes?: outputs.Lighthouse.InstanceContainerVolume[];
    }

    export interface InstanceContainerEnv {
        key: string;
        value: string;
    }

    export interface InstanceContainerPublishPort {
        containerPort: number;
        hostPort: number;
        ip?: string;
        protocol?: string;
    }

    export interface InstanceContainerVolume {
        containerPath: string;
        hostPath: string;
    }

    export interface InstanceLoginConfiguration {
        autoGeneratePassword: string;
        password?: string;
    }
}
