import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";

export interface SshOnlyFirewallArgs {
  /** The instance whose rule list this firewall owns (it may be created after the firewall's template). */
  readonly instanceId: pulumi.Input<string>;
  /** Sources allowed to reach TCP 22. Validated by the spec (IPv4, no world-open range without the opt-in). */
  readonly allowedCidrs: readonly string[];
  /** Name of the empty template, unique in the account. */
  readonly templateName: string;
}

/**
 * Lighthouse's firewall, reduced to SSH. A new instance gets the account's default rules (which open more
 * than SSH: 3389 and often 80/443/ICMP from anywhere) unless it is created with a template; so the instance
 * starts from an empty template (`templateId`), and one FirewallRule resource then owns its whole rule list:
 * TCP 22 ACCEPT from each allowed CIDR and nothing else. Lighthouse rules are inbound only and anything not
 * accepted is dropped, so no explicit deny is needed. The runtime port is never listed: it stays on loopback.
 */
export class SshOnlyFirewall extends pulumi.ComponentResource {
  /** Give this to the instance as `firewallTemplateId` (fixed at creation). */
  readonly templateId: pulumi.Output<string>;
  readonly ruleId: pulumi.Output<string>;
  /** The rule list on the instance: an operation on the instance, which the next one must wait for. */
  readonly rules: pulumi.Resource;

  constructor(name: string, args: SshOnlyFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("codewhale-remote:lighthouse:SshOnlyFirewall", name, {}, opts);
    const template = new tencentcloud.lighthouse.FirewallTemplate(`${name}-template`, { templateName: args.templateName, templateRules: [] }, { parent: this });
    const rule = new tencentcloud.lighthouse.FirewallRule(
      `${name}-rules`,
      {
        instanceId: args.instanceId,
        firewallRules: args.allowedCidrs.map((cidr) => ({
          protocol: "TCP",
          port: "22",
          cidrBlock: cidr,
          action: "ACCEPT",
          firewallRuleDescription: "codewhale-remote: SSH from sshAllowedCidrs",
        })),
      },
      { parent: this },
    );
    this.templateId = template.id;
    this.ruleId = rule.id;
    this.rules = rule;
    this.registerOutputs({ templateId: this.templateId, ruleId: this.ruleId });
  }
}
