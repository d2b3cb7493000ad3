import * as pulumi from "@pulumi/pulumi";
import * as utilities from "../utilities";

import { Disk } from "./disk";
import { DiskAttachment } from "./diskAttachment";
import { FirewallRule } from "./firewallRule";
import { FirewallTemplate } from "./firewallTemplate";
import { Instance } from "./instance";
import { KeyPair } from "./keyPair";
import { KeyPairAttachment } from "./keyPairAttachment";

export { Disk, DiskArgs, DiskState } from "./disk";
export { DiskAttachment, DiskAttachmentArgs, DiskAttachmentState } from "./diskAttachment";
export { FirewallRule, FirewallRuleArgs, FirewallRuleState } from "./firewallRule";
export { FirewallTemplate, FirewallTemplateArgs, FirewallTemplateState } from "./firewallTemplate";
export { Instance, InstanceArgs, InstanceState } from "./instance";
export { KeyPair, KeyPairArgs, KeyPairState } from "./keyPair";
export { KeyPairAttachment, KeyPairAttachmentArgs, KeyPairAttachmentState } from "./keyPairAttachment";

const _module = {
    version: utilities.getVersion(),
    construct: (name: string, type: string, urn: string): pulumi.Resource => {
        switch (type) {
            case "tencentcloud:Lighthouse/disk:Disk":
                return new Disk(name, <any>undefined, { urn });
            case "tencentcloud:Lighthouse/diskAttachment:DiskAttachment":
                return new DiskAttachment(name, <any>undefined, { urn });
            case "tencentcloud:Lighthouse/firewallRule:FirewallRule":
                return new FirewallRule(name, <any>undefined, { urn });
            case "tencentcloud:Lighthouse/firewallTemplate:FirewallTemplate":
                return new FirewallTemplate(name, <any>undefined, { urn });
            case "tencentcloud:Lighthouse/instance:Instance":
                return new Instance(name, <any>undefined, { urn });
            case "tencentcloud:Lighthouse/keyPair:KeyPair":
                return new KeyPair(name, <any>undefined, { urn });
            case "tencentcloud:Lighthouse/keyPairAttachment:KeyPairAttachment":
                return new KeyPairAttachment(name, <any>undefined, { urn });
            default:
                throw new Error(`unknown resource type ${type}`);
        }
    },
};
pulumi.runtime.registerResourceModule("tencentcloud", "Lighthouse/disk", _module);
pulumi.runtime.registerResourceModule("tencentcloud", "Lighthouse/diskAttachment", _module);
pulumi.runtime.registerResourceModule("tencentcloud", "Lighthouse/firewallRule", _module);
pulumi.runtime.registerResourceModule("tencentcloud", "Lighthouse/firewallTemplate", _module);
pulumi.runtime.registerResourceModule("tencentcloud", "Lighthouse/instance", _module);
pulumi.runtime.registerResourceModule("tencentcloud", "Lighthouse/keyPair", _module);
pulumi.runtime.registerResourceModule("tencentcloud", "Lighthouse/keyPairAttachment", _module);
