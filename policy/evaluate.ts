/**
 * Runs the policies over the resources of an offline plan: what `npm run plan -- --policy` does. Same
 * records and checks as the CrossGuard pack, with one thing the pack cannot see: which inputs are Pulumi
 * secrets (the plan records it per property).
 */
import type { PlannedResource } from "../scripts/offline-plan";
import type { AgentPolicy, PolicyContext, PolicySubject, StackPolicy } from "./agent-policy";
import { isNotApplicable } from "./agent-policy";
import { agentPolicies, stackPolicies } from "./policies";

export interface PolicyViolation {
  readonly policy: string;
  readonly enforcementLevel: AgentPolicy["enforcementLevel"];
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly message: string;
}

export interface PolicyReport {
  readonly violations: readonly PolicyViolation[];
  /** Policy runs that could not decide (none offline today; kept so a new check cannot pass silently). */
  readonly notApplicable: readonly { readonly policy: string; readonly urn: string; readonly reason: string }[];
}

/** The plan's custom resources as policy subjects (components have no inputs to check). */
export function planSubjects(resources: readonly PlannedResource[]): PolicySubject[] {
  return resources
    .filter((r) => r.custom)
    .map((r) => ({ type: r.type, urn: r.urn, name: r.name, props: r.inputs, secretPaths: r.secretInputs, outputs: r.outputs }));
}

export async function evaluatePolicies(
  subjects: readonly PolicySubject[],
  context: PolicyContext,
  policies: readonly AgentPolicy[] = agentPolicies,
  stack: readonly StackPolicy[] = stackPolicies,
): Promise<PolicyReport> {
  const violations: PolicyViolation[] = [];
  const notApplicable: { policy: string; urn: string; reason: string }[] = [];
  for (const policy of policies) {
    for (const subject of subjects.filter((s) => policy.resourceTypes.includes(s.type))) {
      const result = await policy.check(subject, context);
      if (isNotApplicable(result)) {
        notApplicable.push({ policy: policy.name, urn: subject.urn, reason: result.notApplicable });
        continue;
      }
      for (const message of result) {
        violations.push({ policy: policy.name, enforcementLevel: policy.enforcementLevel, urn: subject.urn, type: subject.type, name: subject.name, message });
      }
    }
  }
  // Stack policies see every resource's state, as CrossGuard hands them outputs (the inputs where no state is known).
  const resources = subjects.map((s) => ({ type: s.type, urn: s.urn, name: s.name, props: s.outputs ?? s.props }));
  const byUrn = new Map(subjects.map((s) => [s.urn, s]));
  for (const policy of stack) {
    const result = policy.checkStack(resources.filter((r) => policy.resourceTypes.includes(r.type)), context);
    if (isNotApplicable(result)) {
      notApplicable.push({ policy: policy.name, urn: "", reason: result.notApplicable });
      continue;
    }
    for (const v of result) {
      const s = byUrn.get(v.urn);
      violations.push({ policy: policy.name, enforcementLevel: policy.enforcementLevel, urn: v.urn, type: s?.type ?? "", name: s?.name ?? "", message: v.message });
    }
  }
  return { violations, notApplicable };
}

export function mandatoryViolations(report: PolicyReport): PolicyViolation[] {
  return report.violations.filter((v) => v.enforcementLevel === "mandatory");
}

/** One line per violation: level, policy, the resource (type and name) and what is wrong. */
export function formatViolation(v: PolicyViolation): string {
  return `[${v.enforcementLevel}] ${v.policy}: ${v.type} '${v.name}': ${v.message}\n    ${v.urn}`;
}
