/**
 * Policy subjects for tests: the resources the real program plans (a passing example of each Azure type),
 * Lighthouse resources in the shape of the local binding's input types (the Lighthouse target is not
 * planned here), and a way to derive a violating variant from either.
 */
import { gzipSync } from "node:zlib";
import type * as pulumi from "@pulumi/pulumi";
import type * as tencentcloud from "@pulumi/tencentcloud";
import type { PolicySubject } from "../../policy/agent-policy";

type LighthouseRule = pulumi.Unwrap<tencentcloud.types.input.Lighthouse.FirewallRuleFirewallRule>;

export const LIGHTHOUSE = {
  firewallRule: "tencentcloud:Lighthouse/firewallRule:FirewallRule",
  firewallTemplate: "tencentcloud:Lighthouse/firewallTemplate:FirewallTemplate",
  instance: "tencentcloud:Lighthouse/instance:Instance",
  tat: "tencentcloud:Tat/invocationCommandAttachment:InvocationCommandAttachment",
} as const;

/** `secretPaths: undefined` stands for a runner that cannot see secretness (CrossGuard); default: none secret. */
export function subject(type: string, props: Record<string, unknown>, options: { secretPaths?: readonly string[] | undefined } = { secretPaths: [] }): PolicySubject {
  const name = `fixture-${type.split(":").pop()!.toLowerCase()}`;
  return { type, name, urn: `urn:pulumi:test::codewhale-remote::${type}::${name}`, props, secretPaths: options.secretPaths };
}

export function lighthouseFirewall(...rules: LighthouseRule[]): PolicySubject {
  return subject(LIGHTHOUSE.firewallRule, { instanceId: "lhins-fixture", firewallRules: rules });
}

/** A copy of `s` with its props changed by `edit` (the original is left alone). */
export function variant(s: PolicySubject, edit: (props: Record<string, any>) => void, secretPaths = s.secretPaths): PolicySubject {
  const props = structuredClone(s.props) as Record<string, any>;
  edit(props);
  return { ...s, props, secretPaths };
}

/** What Azure customData carries: gzip + base64 of the text. */
export const asCustomData = (text: string) => gzipSync(Buffer.from(text, "utf8")).toString("base64");
