import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";

export interface SshOnlyFirewallArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: pulumi.Input<string>;
  /** Sources allowed to reach TCP 22. Validated by the spec (no world-open range without the opt-in). */
  readonly allowedCidrs: readonly string[];
  readonly tags?: Record<string, string>;
}

/**
 * A network security group that admits TCP 22 from the given CIDRs and denies every other inbound packet
 * explicitly (the platform's default rules would still admit traffic from inside the VNet and from the
 * Azure load balancer; the agent host needs neither). The runtime port is never listed: it stays on loopback.
 */
export class SshOnlyFirewall extends pulumi.ComponentResource {
  readonly networkSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: SshOnlyFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("codewhale-remote:azure:SshOnlyFirewall", name, {}, opts);
    const nsg = new network.NetworkSecurityGroup(
      `${name}-nsg`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
        securityRules: [
          {
            name: "allow-ssh-from-allowed-cidrs",
            priority: 100,
            direction: network.SecurityRuleDirection.Inbound,
            access: network.SecurityRuleAccess.Allow,
            protocol: network.SecurityRuleProtocol.Tcp,
            sourcePortRange: "*",
            destinationPortRange: "22",
            sourceAddressPrefixes: [...args.allowedCidrs],
            destinationAddressPrefix: "*",
            description: "SSH from the stack's sshAllowedCidrs only",
          },
          {
            name: "deny-all-other-inbound",
            priority: 4096,
            direction: network.SecurityRuleDirection.Inbound,
            access: network.SecurityRuleAccess.Deny,
            protocol: network.SecurityRuleProtocol.Asterisk,
            sourcePortRange: "*",
            destinationPortRange: "*",
            sourceAddressPrefix: "*",
            destinationAddressPrefix: "*",
            description: "Nothing but SSH reaches the agent host",
          },
        ],
      },
      { parent: this },
    );
    this.networkSecurityGroupId = nsg.id;
    this.registerOutputs({ networkSecurityGroupId: this.networkSecurityGroupId });
  }
}
