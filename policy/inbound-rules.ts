/**
 * Inbound firewall rules of every cloud, read into one shape so the network policies are written once.
 * Each cloud is a row: the resource type, where its rules live and how one rule reads. Azure NSG rules
 * (inline or as separate SecurityRule resources) and Lighthouse firewall rules and templates.
 */
import ipaddr from "ipaddr.js";
import type { PolicySubject } from "./agent-policy";

export type Protocol = "tcp" | "udp" | "icmp" | "any" | "other";

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export interface InboundRule {
  /** How a user finds the rule: its name or its index. */
  readonly label: string;
  readonly allow: boolean;
  readonly protocol: Protocol;
  readonly ports: readonly PortRange[];
  /** Source CIDRs or service tags, as written (a missing source is written as the cloud's default). */
  readonly sources: readonly string[];
}

const ALL_PORTS: readonly PortRange[] = [{ from: 0, to: 65535 }];

function protocolOf(value: unknown): Protocol {
  const p = String(value ?? "*").toLowerCase();
  if (p === "*" || p === "all") return "any";
  if (p === "tcp" || p === "udp" || p === "icmp") return p;
  return "other";
}

/**
 * Port text to ranges: Azure `"22"`, `"8000-8100"`, `"*"`; Lighthouse the same plus lists (`"80,443"`) and
 * `"ALL"`. Anything unreadable counts as every port, so a typo never hides an open port.
 */
export function parsePorts(values: readonly unknown[]): PortRange[] {
  if (values.length === 0) return [...ALL_PORTS];
  const ranges: PortRange[] = [];
  for (const value of values) {
    for (const part of String(value).split(",")) {
      const text = part.trim();
      const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
      if (!m) return [...ALL_PORTS];
      const from = Number(m[1]);
      ranges.push({ from, to: m[2] === undefined ? from : Number(m[2]) });
    }
  }
  return ranges;
}

export function portsInclude(ports: readonly PortRange[], port: number): boolean {
  return ports.some((r) => r.from <= port && port <= r.to);
}

export function onlyPort(ports: readonly PortRange[], port: number): boolean {
  return ports.length > 0 && ports.every((r) => r.from === port && r.to === port);
}

/** Azure service tags and wildcards that mean "any address on the internet". */
const WORLD_TAGS = new Set(["*", "any", "internet", "0.0.0.0", "::"]);

/** True for a source that admits every address: `0.0.0.0/0`, `::/0` (any /0), `*`, `Internet`, `Any`. */
export function isWorldOpen(source: string): boolean {
  const s = source.trim().toLowerCase();
  if (WORLD_TAGS.has(s)) return true;
  if (!ipaddr.isValidCIDR(s)) return false;
  return ipaddr.parseCIDR(s)[1] === 0;
}

type Rule = Readonly<Record<string, unknown>>;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

function azureRule(r: Rule, fallbackLabel: string): InboundRule | undefined {
  if (String(r.direction ?? "").toLowerCase() !== "inbound") return undefined;
  const sources = [...list(r.sourceAddressPrefix), ...list(r.sourceAddressPrefixes)].map(String);
  return {
    label: String(r.name ?? r.securityRuleName ?? fallbackLabel),
    allow: String(r.access ?? "").toLowerCase() === "allow",
    protocol: protocolOf(r.protocol),
    ports: parsePorts([...list(r.destinationPortRange), ...list(r.destinationPortRanges)]),
    // A rule with no address source (application security groups only) still admits whoever is in them.
    sources: sources.length > 0 ? sources : ["*"],
  };
}

function lighthouseRule(r: Rule, fallbackLabel: string): InboundRule {
  const port = r.port === undefined || String(r.port).toUpperCase() === "ALL" ? [] : [r.port];
  return {
    label: fallbackLabel,
    // ACCEPT is the API's default action, 0.0.0.0/0 its default source.
    allow: String(r.action ?? "ACCEPT").toUpperCase() === "ACCEPT",
    protocol: protocolOf(r.protocol),
    ports: String(r.protocol ?? "").toUpperCase() === "ICMP" ? [] : parsePorts(port),
    sources: [String(r.cidrBlock ?? "0.0.0.0/0")],
  };
}

interface RuleSource {
  /** Where the rule list lives; `undefined`: the resource is one rule. */
  readonly listProperty?: string;
  readonly read: (rule: Rule, fallbackLabel: string) => InboundRule | undefined;
}

export const FIREWALL_TYPES: Readonly<Record<string, RuleSource>> = {
  "azure-native:network:NetworkSecurityGroup": { listProperty: "securityRules", read: azureRule },
  "azure-native:network:SecurityRule": { read: azureRule },
  "tencentcloud:Lighthouse/firewallRule:FirewallRule": { listProperty: "firewallRules", read: lighthouseRule },
  "tencentcloud:Lighthouse/firewallTemplate:FirewallTemplate": { listProperty: "templateRules", read: lighthouseRule },
};

/** The inbound rules a firewall resource declares (outbound rules are left out). */
export function inboundRules(subject: PolicySubject): InboundRule[] {
  const source = FIREWALL_TYPES[subject.type];
  if (!source) return [];
  if (source.listProperty === undefined) {
    const one = source.read(subject.props, subject.name);
    return one ? [one] : [];
  }
  return list(subject.props[source.listProperty]).flatMap((r, i) => {
    const rule = r !== null && typeof r === "object" ? source.read(r as Rule, `${source.listProperty}[${i}]`) : undefined;
    return rule ? [rule] : [];
  });
}

export function describeRule(rule: InboundRule): string {
  const ports = rule.ports.length === 0 ? "-" : rule.ports.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(",");
  return `rule '${rule.label}' (${rule.protocol} ${ports} from ${rule.sources.join(", ")})`;
}
