/**
 * The typed stack spec: the only thing the rest of the program reads. Built once by `loadSpec` from the
 * stack config; nothing after it touches `pulumi.Config`.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { BridgeDefinition, BridgeSettings } from "../bridges/bridge";
import type { ModelProvider } from "./model-providers";

export type ApprovalPolicy = "on-request" | "untrusted" | "never";

/** Ids of secrets the host needs. Provider and bridge secrets come from config; the runtime token is generated. */
export const RUNTIME_TOKEN_SECRET = "runtime-token";
export const PROVIDER_KEY_SECRET = "provider-api-key";

/** The selected cloud target's part of the spec: its id, its settings object (its own schema's type), its region. */
export interface TargetSpec<S = unknown> {
  readonly id: string;
  readonly settings: S;
  /** The target's region key (e.g. `azure-native:location`), or its environment variable, when set. */
  readonly region?: string;
}

export interface CodewhaleRelease {
  readonly version: string;
  /** The commit tag v<version> must point to (pinned table or `codewhaleCommit`). */
  readonly commit: string;
  readonly sha256?: string;
  readonly releaseBaseUrl: string;
  readonly repoUrl: string;
}

export interface StackSpec<S = unknown> {
  readonly project: string;
  readonly stack: string;
  /** The cloud target's id (= target.id). */
  readonly cloud: string;
  readonly target: TargetSpec<S>;
  readonly bridge: BridgeDefinition;
  readonly provider: ModelProvider;
  readonly model: string;
  readonly providerBaseUrl?: string;
  readonly approvalPolicy: ApprovalPolicy;
  readonly runtimeWorkers: number;
  /** systemd resource limits of the runtime unit (the agent and everything it runs). */
  readonly runtimeLimits: { readonly memoryMax: string; readonly tasksMax: number };
  readonly ssh: {
    readonly publicKey: string;
    readonly allowedCidrs: readonly string[];
    readonly allowFromAnywhere: boolean;
  };
  readonly chat: BridgeSettings;
  /** The selected bridge's own plain keys (its plainKeys), defaults applied. */
  readonly bridgeValues: Readonly<Record<string, string>>;
  readonly codewhale: CodewhaleRelease;
  /**
   * Secrets given in config, by secret id (provider key, bridge and target secrets). Always Pulumi secrets. The runtime
   * token is not here: the cloud target generates it.
   */
  readonly secrets: ReadonlyMap<string, pulumi.Output<string>>;
}
