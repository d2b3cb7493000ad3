/**
 * What the offline plan answers in place of the clouds: plausible outputs per resource type (documentation
 * IP ranges, zero GUIDs), derived from the inputs so that a change of input shows as a change of output
 * (a Key Vault secret's version URI changes with its value, as in Azure): each target's own, plus the
 * cloud-neutral ones. Used by `npm run plan` and tests.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

import { cloudTargets } from "../components/targets";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const short = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 8);
type State = Record<string, unknown>;
type Outputs = (name: string, inputs: State) => State;

/** Cloud-neutral types; each target adds its own (components/<id>/mocks.ts). */
const byType: Record<string, Outputs> = {
  "random:index/randomString:RandomString": (name, i) => ({ result: short(name).padEnd(Number(i.length ?? 8), "0").slice(0, Number(i.length ?? 8)) }),
  "random:index/randomPassword:RandomPassword": (name, i) => ({ result: `offline${short(name)}`.padEnd(Number(i.length ?? 16), "x") }),
};
const idByType: Record<string, (name: string, inputs: State) => string> = {};
const calls: Record<string, (inputs: State) => State> = {};
for (const t of Object.values(cloudTargets)) {
  Object.assign(byType, t.mocks.outputs);
  Object.assign(idByType, t.mocks.ids);
  Object.assign(calls, t.mocks.calls);
}

export const offlineMocks: pulumi.runtime.Mocks = {
  newResource(args) {
    const extra = byType[args.type]?.(args.name, args.inputs as State) ?? {};
    const id = idByType[args.type]?.(args.name, args.inputs as State) ?? `/subscriptions/${SUBSCRIPTION}/resourceGroups/offline/providers/${args.type}/${args.name}`;
    return { id, state: { ...args.inputs, ...extra } };
  },
  call(args) {
    return calls[args.token]?.(args.inputs as State) ?? {};
  },
};
