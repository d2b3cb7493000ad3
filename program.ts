/**
 * The program as a function: config -> spec -> cloud target -> outputs. `index.ts` hands it to Pulumi; the
 * offline plan and the tests call it under mocks with their own config source.
 */
import { cloudTargets } from "./components/targets";
import type { Deployment } from "./components/target";
import { loadSpec, rawConfigFromPulumi } from "./contract";
import type { RawConfig } from "./config/load";

export interface ProgramOptions {
  /** Config source; default: what the Pulumi engine passed. */
  readonly raw?: RawConfig;
  /** Offline plan only: plan with placeholders for secrets that are not set, and list them. */
  readonly allowMissingSecrets?: boolean;
}

export interface ProgramResult extends Deployment {
  readonly missingSecrets: readonly string[];
}

/**
 * Validates everything first (a ConfigError names every problem before any resource is registered), then loads
 * the selected target's deploy module, so a stack loads its own cloud's SDK and no other.
 */
export async function runProgram(options: ProgramOptions = {}): Promise<ProgramResult> {
  const raw = options.raw ?? rawConfigFromPulumi();
  const { spec, missingSecrets } = loadSpec(raw, { allowMissingSecrets: options.allowMissingSecrets ?? false });
  const target = cloudTargets[spec.cloud]!;
  const { deploy } = await target.load();
  return { ...deploy(spec), missingSecrets };
}
