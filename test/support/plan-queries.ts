/** Queries over an offline plan that the component tests share. */
import { expect } from "vitest";
import type { Plan, PlannedResource } from "../../scripts/offline-plan";

export const byType = (plan: Plan, type: string): PlannedResource[] => plan.resources.filter((r) => r.type === type);

/** The one resource of `type` (and `name`, when given); fails the test when there is none or more than one. */
export function one(plan: Plan, type: string, name?: string): PlannedResource {
  const found = byType(plan, type).filter((r) => name === undefined || r.name === name);
  expect(found, `${type} ${name ?? ""}`).toHaveLength(1);
  return found[0]!;
}

/** The value at a dotted path of an input object. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- inputs are untyped wire objects
export const get = (o: unknown, path: string): any => path.split(".").reduce((v: any, k) => v?.[k], o);
