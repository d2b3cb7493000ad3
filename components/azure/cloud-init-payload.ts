import { gzipSync } from "node:zlib";
import * as pulumi from "@pulumi/pulumi";
import type { StackSpec } from "../../config/spec";
import { hostConfigManifest, keyVaultDelivery } from "../../cloud-init/delivery";
import { buildHostPayload } from "../../cloud-init/host-payload";
import type { HostPayload } from "../../cloud-init/model";
import { renderCloudConfig } from "../../cloud-init/render-cloud-config";
import { AZURE_DATA_DEVICES } from "./agent-vm";

/** Azure customData limit (decoded bytes). */
export const CUSTOM_DATA_LIMIT = 64 * 1024;

export interface CloudInitPayloadArgs {
  readonly spec: StackSpec;
  readonly vaultName: pulumi.Input<string>;
}

export interface RenderedAzurePayload {
  readonly payload: HostPayload;
  readonly cloudConfig: string;
  /** gzip + base64, what customData carries. */
  readonly customData: string;
  /** The Key Vault `host-config` manifest: config files with secret references, no values. */
  readonly manifest: string;
}

/** Pure rendering, separate from the component so tests and the bundle call it directly. */
export function renderAzurePayload(spec: StackSpec, vaultName: string): RenderedAzurePayload {
  const dataDevices = spec.azure.dataDiskSizeGb > 0 ? AZURE_DATA_DEVICES : [];
  const payload = buildHostPayload(spec, {
    delivery: keyVaultDelivery(`https://${vaultName}.vault.azure.net`),
    dataDevices,
    sshLoginUser: spec.azure.adminUsername,
    // Azure patches the OS itself (patchMode AutomaticByPlatform on the VM).
    unattendedUpgrades: false,
  });
  const cloudConfig = renderCloudConfig(payload);
  // mtime 0 and a fixed level keep the bytes identical run to run (a diff would replace the VM).
  const gz = gzipSync(Buffer.from(cloudConfig, "utf8"), { level: 9 });
  gz.writeUInt32LE(0, 4);
  if (gz.length > CUSTOM_DATA_LIMIT) {
    throw new Error(`customData is ${gz.length} bytes compressed; Azure accepts at most ${CUSTOM_DATA_LIMIT}`);
  }
  return { payload, cloudConfig, customData: gz.toString("base64"), manifest: hostConfigManifest(payload.configFiles) };
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
    this.rendered = pulumi.output(args.vaultName).apply((v) => renderAzurePayload(args.spec, v));
    this.customData = this.rendered.apply((r) => r.customData);
    this.manifest = this.rendered.apply((r) => r.manifest);
    this.registerOutputs({ customData: this.customData, manifest: this.manifest });
  }
}
