/**
 * The policy records as CrossGuard `ResourceValidationPolicy` objects, for `policy/index.ts` to serve.
 * Importable (types only from @pulumi/policy): building the list starts nothing.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { AgentPolicy, PolicyContext, StackPolicy } from "./agent-policy";
import { isNotApplicable } from "./agent-policy";

export function toCrossGuardPolicies(policies: readonly AgentPolicy[], context: () => PolicyContext): ResourceValidationPolicy[] {
  return policies.map((policy) => ({
    name: policy.name,
    description: policy.description,
    enforcementLevel: policy.enforcementLevel,
    remediationSteps: policy.remediationSteps,
    validateResource: async (args, reportViolation) => {
      if (!policy.resourceTypes.includes(args.type)) return args.notApplicable(`applies to ${policy.resourceTypes.join(", ")}`);
      // CrossGuard passes secret values in clear and says nothing of secretness: secretPaths unknown.
      const result = await policy.check({ type: args.type, urn: args.urn, name: args.name, props: args.props, secretPaths: undefined }, context());
      if (isNotApplicable(result)) return args.notApplicable(result.notApplicable);
      for (const message of result) reportViolation(message);
    },
  }));
}

/** The stack policy records as CrossGuard `StackValidationPolicy` objects: resources' outputs, once all are registered. */
export function toCrossGuardStackPolicies(policies: readonly StackPolicy[], context: () => PolicyContext): StackValidationPolicy[] {
  return policies.map((policy) => ({
    name: policy.name,
    description: policy.description,
    enforcementLevel: policy.enforcementLevel,
    remediationSteps: policy.remediationSteps,
    validateStack: async (args, reportViolation) => {
      const resources = args.resources.filter((r) => policy.resourceTypes.includes(r.type)).map((r) => ({ type: r.type, urn: r.urn, name: r.name, props: r.props }));
      const result = policy.checkStack(resources, context());
      if (isNotApplicable(result)) return args.notApplicable(result.notApplicable);
      for (const v of result) reportViolation(v.message, v.urn);
    },
  }));
}
