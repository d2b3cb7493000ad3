/**
 * Invariant 1: inbound traffic is TCP 22 only, never from the whole internet without the stack's explicit
 * opt-in, and the runtime port never leaves loopback. Read from every cloud's firewall resources.
 */
import { RUNTIME_PORT } from "../host/model";
import type { AgentPolicy, PolicyContext, PolicySubject } from "./agent-policy";
import { FIREWALL_TYPES, describeRule, inboundRules, isWorldOpen, onlyPort, portsInclude } from "./inbound-rules";

const FIREWALLS = Object.keys(FIREWALL_TYPES);
const LIGHTHOUSE_INSTANCE = "tencentcloud:Lighthouse/instance:Instance";

export const inboundSshOnly: AgentPolicy = {
  name: "inbound-ssh-only",
  description: "Inbound allow rules admit TCP port 22 and nothing else.",
  enforcementLevel: "mandatory",
  resourceTypes: FIREWALLS,
  remediationSteps: "Remove the rule. The agent needs SSH only: bridges poll outbound and the runtime API is reached through an SSH tunnel.",
  check: (subject) =>
    inboundRules(subject)
      .filter((r) => r.allow && !(r.protocol === "tcp" && onlyPort(r.ports, 22)))
      .map((r) => `${describeRule(r)} admits more than TCP 22`),
};

function worldOpenRules(subject: PolicySubject): string[] {
  return inboundRules(subject)
    .filter((r) => r.allow && r.sources.some(isWorldOpen))
    .map((r) => `${describeRule(r)} is open to the whole internet`);
}

/**
 * The stack's opt-in decides which of the next two policies reports a world-open rule: CrossGuard fixes the
 * enforcement level per policy, so "mandatory unless opted in, then advisory" is two policies.
 */
export const sshNotWorldOpen: AgentPolicy = {
  name: "ssh-not-world-open",
  description: "No inbound rule admits 0.0.0.0/0, ::/0 or any other whole-internet source, unless the stack sets allowSshFromAnywhere.",
  enforcementLevel: "mandatory",
  resourceTypes: FIREWALLS,
  remediationSteps: "List your own addresses in sshAllowedCidrs (pulumi config set --path 'sshAllowedCidrs[0]' <ip>/32), or accept the risk explicitly: pulumi config set allowSshFromAnywhere true.",
  check: (subject, context: PolicyContext) => (context.allowSshFromAnywhere ? [] : worldOpenRules(subject)),
};

export const sshWorldOpenOptIn: AgentPolicy = {
  name: "ssh-world-open-opt-in",
  description: "Warns about a whole-internet SSH rule the stack opted into with allowSshFromAnywhere.",
  enforcementLevel: "advisory",
  resourceTypes: FIREWALLS,
  remediationSteps: "Prefer your own addresses in sshAllowedCidrs and unset allowSshFromAnywhere.",
  check: (subject, context: PolicyContext) => (context.allowSshFromAnywhere ? worldOpenRules(subject) : []),
};

export const runtimePortClosed: AgentPolicy = {
  name: "runtime-port-closed",
  description: `The runtime API port ${RUNTIME_PORT} is never opened: no inbound rule and no published container port admits it.`,
  enforcementLevel: "mandatory",
  resourceTypes: [...FIREWALLS, LIGHTHOUSE_INSTANCE],
  remediationSteps: `Remove the rule. The runtime has no TLS and no user isolation; reach it with ssh -N -L ${RUNTIME_PORT}:127.0.0.1:${RUNTIME_PORT}.`,
  check: (subject) => {
    if (subject.type === LIGHTHOUSE_INSTANCE) {
      const containers = Array.isArray(subject.props.containers) ? (subject.props.containers as Record<string, unknown>[]) : [];
      return containers.flatMap((c, i) =>
        (Array.isArray(c.publishPorts) ? (c.publishPorts as Record<string, unknown>[]) : [])
          .filter((p) => Number(p.hostPort) === RUNTIME_PORT)
          .map(() => `containers[${i}] publishes host port ${RUNTIME_PORT}`),
      );
    }
    return inboundRules(subject)
      .filter((r) => r.allow && (r.protocol === "tcp" || r.protocol === "any") && portsInclude(r.ports, RUNTIME_PORT))
      .map((r) => `${describeRule(r)} opens the runtime port ${RUNTIME_PORT}`);
  },
};
