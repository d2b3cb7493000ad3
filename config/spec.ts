/**
 * The typed stack spec: the only thing the rest of the program reads. Built once by `loadSpec` from the
 * stack config; nothing after it touches `pulumi.Config`.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { BridgeDefinition, BridgeSettings } from "../bridges/bridge";
import type { ModelProvider } from "./model-providers";

/** The clouds of the config contract; each has a target row in components/targets.ts. */
export const CLOUD_IDS = ["azure", "lighthouse"] as const;
export type CloudId = (typeof CLOUD_IDS)[number];
export const isCloudId = (id: string): id is CloudId => (CLOUD_IDS as readonly string[]).includes(id);
export type ApprovalPolicy = "on-request" | "untrusted" | "never";

/** Ids of secrets the host needs. Provider and bridge secrets come from config; the runtime token is generated. */
export const RUNTIME_TOKEN_SECRET = "runtime-token";
export const PROVIDER_KEY_SECRET = "provider-api-key";

export interface AzureSettings {
  /** Absent: the Azure target's default for the architecture. */
  readonly vmSize?: string;
  readonly architecture: "x64" | "arm64";
  readonly osDiskSizeGb: number;
  /** 0 = no data disk (state then dies with the VM). */
  readonly dataDiskSizeGb: number;
  readonly adminUsername: string;
  readonly vnetCidr: string;
  readonly encryptionAtHost: boolean;
  readonly keyVaultRetentionDays: number;
  /** Azure Backup of the data disk; absent = on when there is a data disk (components/azure/backup-rules.ts). */
  readonly backup?: boolean;
  /** Hours between two backups: 1, 2, 4, 6, 8, 12 or 24. */
  readonly backupIntervalHours: number;
  /** Days each recovery point is kept. */
  readonly backupRetentionDays: number;
  /** Resource id of an existing managed disk to use as the workspace (a restored backup); absent = the stack's own disk. */
  readonly workspaceDiskId?: string;
  /** Daily VM stop at this time of day (HH:MM); absent = never. */
  readonly autoShutdownTime?: string;
  /** Windows time zone id of autoShutdownTime; absent = UTC. */
  readonly autoShutdownTimeZone?: string;
}

export interface LighthouseSettings {
  /** Required by the Lighthouse target (no default is verified to be on sale); optional for the other clouds. */
  readonly bundleId?: string;
  /** Required by the Lighthouse target (its validate says how to find one); optional for the other clouds. */
  readonly blueprintId?: string;
  readonly zone?: string;
  readonly renewFlag: "NOTIFY_AND_AUTO_RENEW" | "NOTIFY_AND_MANUAL_RENEW" | "DISABLE_NOTIFY_AND_AUTO_RENEW";
  readonly period: number;
  /** 0 = no data disk (state then dies with the instance). */
  readonly dataDiskSizeGb: number;
  readonly instanceName?: string;
  /** How the env files and their secrets reach the host: inside the TAT command, or over SSH from the deployer. */
  readonly secretDelivery: "tat" | "ssh";
  /** The host's SSH public host key (one `known_hosts`-style key): the ssh delivery connects only to it. */
  readonly sshHostKey?: string;
}

export interface CodewhaleRelease {
  readonly version: string;
  /** The commit tag v<version> must point to (pinned table or `codewhaleCommit`). */
  readonly commit: string;
  readonly sha256?: string;
  readonly releaseBaseUrl: string;
  readonly repoUrl: string;
}

export interface StackSpec {
  readonly project: string;
  readonly stack: string;
  readonly cloud: CloudId;
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
  readonly codewhale: CodewhaleRelease;
  /**
   * Secrets given in config, by secret id (provider key, bridge secrets). Always Pulumi secrets. The runtime
   * token is not here: the cloud target generates it.
   */
  readonly secrets: ReadonlyMap<string, pulumi.Output<string>>;
  readonly azure: AzureSettings;
  readonly lighthouse: LighthouseSettings;
  /** `azure-native:location` / `tencentcloud:region` (or TENCENTCLOUD_REGION, as the provider reads it), when set. */
  readonly azureLocation?: string;
  readonly tencentRegion?: string;
}
