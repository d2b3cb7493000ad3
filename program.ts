/**
 * The program as a function: config -> spec -> cloud target -> outputs. `index.ts` hands it to Pulumi; the
 * offline plan and the tests call it under mocks with their own config source.
 */
import { ConfigError } from "./config/errors";
import { loadSpec, rawConfigFromPulumi, type RawConfig } from "./config/load";
import { cloudTargets } from "./components/targets";
import type { Deployment } from "./components/target";

export interface ProgramOptions {
  /** Config source; default: what the Pulumi engine passed. */
  readonly raw?: RawConfig;
  /** Offline plan only: plan with placeholders for secrets that are not set, and list them. */
  readonly allowMissingSecrets?: boolean;
}

export interface ProgramResult extends Deployment {
  readonly missingSecrets: readonly string[];
}

export function runProgram(options: ProgramOptions = {}): ProgramResult {
  const raw = options.raw ?? rawConfigFromPulumi();
  const { spec, missingSecrets } = loadSpec(raw, {
    allowMissingSecrets: options.allowMissingSecrets ?? false,
    cloudChecks: (s) =>
      cloudTargets[s.cloud]?.validate(s) ?? [
        {
          key: "codewhale-remote:cloud",
          problem: `'${s.cloud}' has no deploy target in this version`,
          expected: Object.keys(cloudTargets).join(" or "),
          fix: `pulumi config set cloud ${Object.keys(cloudTargets)[0]}`,
        },
      ],
  });
  const target = cloudTargets[spec.cloud];
  if (!target) throw new ConfigError([]);
  return { ...target.deploy(spec), missingSecrets };
}
