export { Disk, DiskArgs, DiskState } from "./disk";
export { DiskAttachment, DiskAttachmentArgs, DiskAttachmentState } from "./diskAttachment";
export { FirewallRule, FirewallRuleArgs, FirewallRuleState } from "./firewallRule";
export { FirewallTemplate, FirewallTemplateArgs, FirewallTemplateState } from "./firewallTemplate";
export { Instance, InstanceArgs, InstanceState } from "./instance";
export { KeyPair, KeyPairArgs, KeyPairState } from "./keyPair";
export { KeyPairAttachment, KeyPairAttachmentArgs, KeyPairAttachmentState } from "./keyPairAttachment";
