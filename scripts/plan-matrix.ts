/**
 * Every cloud x bridge x provider combination as a stack config the offline plan accepts, built from the
 * registries (cloud targets, bridges, model providers): a new cloud, bridge or provider joins the matrix by
 * joining its registry. The base is the embedded `dev` stack; each target's sample config and each bridge's
 * required plain config (its own examples) come from their rows. Secrets are left out: the offline plan fills placeholders for them.
 */
import * as path from "node:path";
import { bridges } from "../bridges/registry";
import { cloudTargets } from "../components/targets";
import { PROJECT } from "../config/keys";
import type { RawConfig } from "../config/load";
import { modelProviders } from "../config/model-providers";
import { ROOT, readStackConfig } from "./offline-plan";

export interface MatrixStack {
  readonly cloud: string;
  readonly bridge: string;
  readonly provider: string;
  readonly raw: RawConfig;
}

const full = (key: string) => (key.includes(":") ? key : `${PROJECT}:${key}`);
const text = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

export function matrixStacks(stack = "matrix"): MatrixStack[] {
  const base = readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"), stack).values;
  return Object.keys(cloudTargets).flatMap((cloud) =>
    bridges.flatMap((bridge) =>
      modelProviders
        .filter((p) => !p.unusable)
        .map((provider) => {
          const overrides: Record<string, unknown> = {
            ...cloudTargets[cloud]!.sampleConfig,
            cloud,
            bridge: bridge.id,
            provider: provider.id,
            ...Object.fromEntries(bridge.plainKeys.filter((c) => c.required).map((c) => [c.key, c.example])),
            // A provider without an official endpoint or default model (custom) needs both configured.
            ...(provider.defaultBaseUrl === "" ? { providerBaseUrl: "https://llm.example.com/v1" } : {}),
            ...(provider.defaultModel === "" ? { model: "my-model" } : {}),
          };
          const values = { ...base, ...Object.fromEntries(Object.entries(overrides).map(([k, v]) => [full(k), text(v)])) };
          return { cloud, bridge: bridge.id, provider: provider.id, raw: { project: PROJECT, stack, values } };
        }),
    ),
  );
}
