/**
 * What a policy of this project is: a record with a name, an enforcement level, the resource types it
 * reads and a check that returns violation messages. Two runners read the same records: the offline plan
 * (`policy/evaluate.ts`) and the CrossGuard pack that `pulumi preview --policy-pack policy` starts
 * (`policy/crossguard.ts`). Nothing here starts a server.
 */

/** The resource a policy looks at, in the shape both runners can give. */
export interface PolicySubject {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  /** Resource inputs. The offline plan shows secret values as "[secret]"; CrossGuard passes them in clear. */
  readonly props: Readonly<Record<string, unknown>>;
  /**
   * Property paths (`content`, `properties.value`) whose value is a Pulumi secret, where that is known.
   * The offline plan records it; CrossGuard hands policies plain values with no secretness
   * (pulumi/pulumi-policy#241), so there it is `undefined`.
   */
  readonly secretPaths: readonly string[] | undefined;
  /**
   * The resource's state (outputs) where the runner has it: the offline plan's mock answers; CrossGuard's stack
   * policies get outputs as `props` instead. Stack policies read this, resource policies read `props`.
   */
  readonly outputs?: Readonly<Record<string, unknown>>;
}

/** What a policy may know beyond the resource. */
export interface PolicyContext {
  /** The stack's explicit opt-in `allowSshFromAnywhere` (stack config). */
  readonly allowSshFromAnywhere: boolean;
}

/** The check could not be run here, and why (CrossGuard reports it as "not applicable"). */
export interface NotApplicable {
  readonly notApplicable: string;
}

export type CheckResult = readonly string[] | NotApplicable;

export interface AgentPolicy {
  /** Unique, kebab-case: what a violation is reported under. */
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: "mandatory" | "advisory";
  /** Resource type tokens the check reads; other resources are never passed to it. */
  readonly resourceTypes: readonly string[];
  readonly remediationSteps: string;
  check(subject: PolicySubject, context: PolicyContext): CheckResult | Promise<CheckResult>;
}

export function isNotApplicable<T>(result: readonly T[] | NotApplicable): result is NotApplicable {
  return !Array.isArray(result);
}

/**
 * Whether the value at `path` is a Pulumi secret: true when it or an enclosing object is, `undefined` when
 * the runner cannot tell.
 */
export function isSecretAt(subject: PolicySubject, path: string): boolean | undefined {
  if (subject.secretPaths === undefined) return undefined;
  return subject.secretPaths.some((p) => p === path || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
}

/** The value at a dotted path (`osProfile.customData`), or undefined. */
export function valueAt(props: Readonly<Record<string, unknown>>, path: string): unknown {
  let current: unknown = props;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** A resource as a stack policy sees it: its state (outputs), as CrossGuard's PolicyResource.props carries it. */
export interface StackResource {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  readonly props: Readonly<Record<string, unknown>>;
}

export interface StackViolation {
  /** The resource in violation. */
  readonly urn: string;
  readonly message: string;
}

/**
 * A rule over several resources at once (a role assignment and the vault whose principal it names). Served
 * as a CrossGuard StackValidationPolicy, which runs once every resource is registered; the offline runner gives
 * it the whole plan.
 */
export interface StackPolicy {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: "mandatory" | "advisory";
  /** Resource types it reads (documentation and the offline runner's filter). */
  readonly resourceTypes: readonly string[];
  readonly remediationSteps: string;
  checkStack(resources: readonly StackResource[], context: PolicyContext): readonly StackViolation[] | NotApplicable;
}
