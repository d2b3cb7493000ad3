/**
 * How the policies learn the stack's opt-in `allowSshFromAnywhere`: from the stack config itself, the one
 * place a user sets it. Both runners hold that config as the engine's flat map (`codewhale-remote:key` ->
 * string): the offline plan reads `Pulumi.<stack>.yaml`, and the Pulumi CLI hands a policy pack the
 * config of the stack under preview (what `pulumi.runtime.allConfig()` returns inside the pack), so the
 * opt-in needs no second copy in a policy config file that could drift from the stack.
 */
import type { ConfigKeyName } from "../config/keys";
import { PROJECT } from "../config/keys";
import type { PolicyContext } from "./agent-policy";

const OPT_IN: ConfigKeyName = "allowSshFromAnywhere";

export function policyContextFromConfig(values: Readonly<Record<string, string>>): PolicyContext {
  return { allowSshFromAnywhere: values[`${PROJECT}:${OPT_IN}`]?.trim().toLowerCase() === "true" };
}
