import { gzipSync } from "node:zlib";
import * as pulumi from "@pulumi/pulumi";
import type { StackSpec } from "../../config/spec";
import { hostConfigManifest, keyVaultDelivery } from "./key-vault-delivery";
import { buildHostPayload } from "../../host/host-payload";
import { fillLateValues, lateValue, type ConfigFile, type HostPayload } from "../../host/model";
import { renderCloudConfig } from "../../host/render-cloud-config";
import { AZURE_DATA_DEVICES } from "./agent-vm";
import type { AzureSettings } from "./settings";

/**
 * How long the rollout waits for a first boot's cloud-init (package_update + packages; the units start with
 * `--no-block`, so they are not part of it). The rollout bounds the wait with `timeout`, then goes on.
 */
export const CLOUD_INIT_WAIT_SECONDS = 1200;
/** systemd's DefaultTimeoutStartSec, what a unit without TimeoutStartSec= gets. */
export const SYSTEMD_DEFAULT_START_TIMEOUT_SECONDS = 90;
/** Slack for the VM agent: queueing the command, starting the shell, reporting back. */
export const ROLLOUT_MARGIN_SECONDS = 300;

/** Azure customData limit (decoded bytes). */
export const CUSTOM_DATA_LIMIT = 64 * 1024;

export interface CloudInitPayloadArgs {
  /** The stack's host payload (azureHostPayload), built once: the vault's URL is a late value in it. */
  readonly payload: HostPayload;
  readonly vaultName: pulumi.Input<string>;
}

/** The vault's URL in the payload until the vault has its name (a random suffix): filled when rendered. */
export const VAULT_URL = lateValue("vault-url");
export const vaultUrl = (vaultName: string) => `https://${vaultName}.vault.azure.net`;

export interface RenderedAzurePayload {
  readonly payload: HostPayload;
  readonly cloudConfig: string;
  /** gzip + base64, what customData carries. */
  readonly customData: string;
  /** The Key Vault `host-config` manifest: config files with secret references, no values. */
  readonly manifest: string;
}

/** TimeoutStartSec= of a rendered unit, in seconds (we render plain seconds; anything else is refused). */
export function unitStartTimeoutSeconds(unitText: string): number {
  const lines = unitText.split("\n").filter((l) => l.startsWith("TimeoutStartSec="));
  if (lines.length === 0) return SYSTEMD_DEFAULT_START_TIMEOUT_SECONDS;
  const value = lines[lines.length - 1]!.slice("TimeoutStartSec=".length).trim();
  if (!/^\d+$/.test(value)) throw new Error(`TimeoutStartSec=${value}: the rollout budget needs plain seconds`);
  return Number(value);
}

/**
 * The worst case of what the rollout waits for: cloud-init (bounded), then `systemctl restart` of every host
 * unit, which returns when each start job has finished or timed out. Taken as the sum of the units' start
 * timeouts (codewhale-config's covers its whole retry schedule: CONFIG_START_TIMEOUT_SECONDS), which bounds
 * any order systemd runs them in.
 */
export function rolloutTimeBudget(payload: HostPayload): { readonly perUnit: Readonly<Record<string, number>>; readonly total: number } {
  const perUnit: Record<string, number> = {};
  for (const unit of payload.units) {
    const file = payload.files.find((f) => f.path === `/etc/systemd/system/${unit}`);
    if (!file) throw new Error(`the payload lists unit ${unit} but carries no unit file for it`);
    perUnit[unit] = unitStartTimeoutSeconds(file.content);
  }
  const total = CLOUD_INIT_WAIT_SECONDS + Object.values(perUnit).reduce((a, b) => a + b, 0) + ROLLOUT_MARGIN_SECONDS;
  return { perUnit, total };
}

/**
 * The stack's host payload on Azure, built once per stack (the vault's URL is a late value). `configFiles`: the
 * files the deploy built for its secret store, handed on so they are built once too.
 */
export function azureHostPayload(spec: StackSpec<AzureSettings>, configFiles?: readonly ConfigFile[]): HostPayload {
  const dataDevices = spec.target.settings.dataDiskSizeGb > 0 ? AZURE_DATA_DEVICES : [];
  return buildHostPayload(spec, {
    delivery: keyVaultDelivery(VAULT_URL),
    dataDevices,
    sshLoginUser: spec.target.settings.adminUsername,
    // Azure patches the OS itself (patchMode AutomaticByPlatform on the VM).
    unattendedUpgrades: false,
    ...(configFiles ? { configFiles } : {}),
  });
}

/**
 * The rollout run command's time limit for this payload. Known before the vault has its name (no unit timeout
 * depends on it), so it can also size the Pulumi operation timeout, which takes no Output.
 */
export function azureRolloutTimeoutSeconds(payload: HostPayload): number {
  return rolloutTimeBudget(payload).total;
}

/** Pure rendering, separate from the component so tests, the bench and the boot test call it directly. */
export function renderAzurePayload(spec: StackSpec<AzureSettings>, vaultName: string): RenderedAzurePayload {
  return renderAzureHost(azureHostPayload(spec), vaultName);
}

export function renderAzureHost(payload: HostPayload, vaultName: string): RenderedAzurePayload {
  const cloudConfig = fillLateValues(renderCloudConfig(payload), { "vault-url": vaultUrl(vaultName) });
  // mtime 0 and a fixed level keep the bytes identical run to run (a diff would replace the VM).
  const gz = gzipSync(Buffer.from(cloudConfig, "utf8"), { level: 9 });
  gz.writeUInt32LE(0, 4);
  if (gz.length > CUSTOM_DATA_LIMIT) {
    throw new Error(`customData is ${gz.length} bytes compressed; Azure accepts at most ${CUSTOM_DATA_LIMIT}`);
  }
  return {
    payload,
    cloudConfig,
    customData: gz.toString("base64"),
    manifest: hostConfigManifest(payload.configFiles),
  };
}

/**
 * The host payload for Azure: a `#cloud-config` with no secret and nothing that changes on day 2 (it goes
 * in customData), and the Key Vault manifest that carries the day-2 config (it goes in the vault).
 */
export class CloudInitPayload extends pulumi.ComponentResource {
  readonly rendered: pulumi.Output<RenderedAzurePayload>;
  readonly customData: pulumi.Output<string>;
  readonly manifest: pulumi.Output<string>;

  constructor(name: string, args: CloudInitPayloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super("codewhale-remote:azure:CloudInitPayload", name, {}, opts);
    this.rendered = pulumi.output(args.vaultName).apply((v) => renderAzureHost(args.payload, v));
    this.customData = this.rendered.apply((r) => r.customData);
    this.manifest = this.rendered.apply((r) => r.manifest);
    this.registerOutputs({ customData: this.customData, manifest: this.manifest });
  }
}
