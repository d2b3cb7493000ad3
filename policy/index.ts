/**
 * The CrossGuard policy pack: `pulumi preview --policy-pack policy` (or `up`) runs this file, which serves
 * the policies over gRPC to the engine. Constructing the PolicyPack starts that server, so nothing else
 * imports this file; tests and the offline plan import `policy/policies.ts`.
 */
import * as pulumi from "@pulumi/pulumi";
import { PolicyPack } from "@pulumi/policy";
import { toCrossGuardPolicies, toCrossGuardStackPolicies } from "./crossguard";
import { PACK_NAME, agentPolicies, stackPolicies } from "./policies";
import { policyContextFromConfig } from "./stack-opt-in";

new PolicyPack(PACK_NAME, {
  description: "codewhale-remote invariants: SSH-only inbound, no password login, managed identity, RBAC vault, least-privilege roles (backup roles to the backup vault only), no secrets in user data, runtime port closed.",
  // The CLI passes the previewed stack's config to the pack (read once, at start).
  policies: [
    ...toCrossGuardPolicies(agentPolicies, () => policyContextFromConfig(pulumi.runtime.allConfig())),
    ...toCrossGuardStackPolicies(stackPolicies, () => policyContextFromConfig(pulumi.runtime.allConfig())),
  ],
});
