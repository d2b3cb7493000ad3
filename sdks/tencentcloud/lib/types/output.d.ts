import { output as outputs } from "../types";
export declare namespace Lighthouse {
    interface DiskAutoMountConfiguration {
        fileSystemType?: string;
        instanceId: string;
        mountPoint?: string;
    }
    interface DiskDiskChargePrepaid {
        period: number;
        renewFlag?: string;
        timeUnit?: string;
    }
    interface FirewallRuleFirewallRule {
        action?: string;
        cidrBlock?: string;
        firewallRuleDescription?: string;
        port?: string;
        protocol: string;
    }
    interface FirewallTemplateTemplateRule {
        action?: string;
        cidrBlock?: string;
        firewallRuleDescription?: string;
        port?: string;
        protocol: string;
    }
    interface InstanceContainer {
        command?: string;
        containerImage?: string;
        containerName?: string;
        envs?: outputs.Lighthouse.InstanceContainerEnv[];
        publishPorts?: outputs.Lighthouse.InstanceContainerPublishPort[];
        volumes?: outputs.Lighthouse.InstanceContainerVolume[];
    }
    interface InstanceContainerEnv {
        key: string;
        value: string;
    }
    interface InstanceContainerPublishPort {
        containerPort: number;
        hostPort: number;
        ip?: string;
        protocol?: string;
    }
    interface InstanceContainerVolume {
        containerPath: string;
        hostPath: string;
    }
    interface InstanceLoginConfiguration {
        autoGeneratePassword: string;
        password?: string;
    }
}
