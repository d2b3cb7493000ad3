/**
 * The Pulumi engine's delete rules over an offline plan (pulumi/pulumi pkg/resource/deploy/step.go
 * DeleteStep.Apply: protect refuses; then retainOnDelete, or a deletedWith resource deleted in the same run,
 * skip the provider's Delete; pkg/cmd/pulumi/operations/destroy.go getProtectedExcludes: --exclude-protected
 * keeps the protected resources and everything they transitively depend on), for the lifecycle tests.
 */
import type { Plan } from "../../scripts/offline-plan";

/** A destroy of the whole stack (less `excluded`): what is refused, what gets the provider's Delete, what stays in the cloud. */
export function destroyOutcome(plan: Plan, excluded: ReadonlySet<string> = new Set()) {
  const deleted = new Set(plan.resources.filter((r) => !excluded.has(r.urn)).map((r) => r.urn));
  const refused = plan.resources.filter((r) => deleted.has(r.urn) && r.protect);
  const providerDeletes = plan.resources.filter((r) => deleted.has(r.urn) && r.custom && !r.retainOnDelete && !(r.deletedWith && deleted.has(r.deletedWith)));
  const leftInCloud = plan.resources.filter((r) => deleted.has(r.urn) && r.custom && r.retainOnDelete);
  return { refused, providerDeletes, leftInCloud };
}

/** getProtectedExcludes: protected resources and everything they transitively depend on. */
export function protectedExcludes(plan: Plan): Set<string> {
  const index = new Map(plan.resources.map((r) => [r.urn, r]));
  const kept = new Set<string>();
  const visit = (urn: string) => {
    const r = index.get(urn);
    if (!r || kept.has(urn)) return;
    kept.add(urn);
    for (const d of [r.parent, ...r.dependencies, r.deletedWith]) if (d) visit(d);
  };
  for (const r of plan.resources) if (r.protect) visit(r.urn);
  return kept;
}

/** `pulumi state unprotect --all`. */
export const unprotectAll = (plan: Plan): Plan => ({ ...plan, resources: plan.resources.map((r) => ({ ...r, protect: false })) });
