import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import type { StackSpec } from "../../config/spec";
import { buildHostPayload } from "../../cloud-init/host-payload";
import type { HostPayload, SecretDelivery } from "../../cloud-init/model";
import { fillSecrets, placeholdersIn, renderShellBootstrap } from "../../cloud-init/render-shell";
import { LIGHTHOUSE_SSH_USER } from "./ssh-user";

/** TAT accepts at most 64 KB of command content (the base64 text). */
export const TAT_CONTENT_LIMIT = 64 * 1024;
/** The first run installs packages, the release and (Feishu) npm dependencies, and may wait for the data disk. */
export const TAT_TIMEOUT_SECONDS = 3600;
export const TAT_COMMAND_NAME = "codewhale-remote-bootstrap";

export interface RenderedLighthousePayload {
  readonly payload: HostPayload;
  /** The shell bootstrap with secret placeholders: what the bundle shows, never what the host runs. */
  readonly bootstrap: string;
  readonly secretIds: readonly string[];
}

/** Pure rendering, separate from the component so tests, the bundle and the bench call it directly. */
export function renderLighthousePayload(spec: StackSpec, delivery: SecretDelivery, dataDevices: readonly string[]): RenderedLighthousePayload {
  // Nothing patches a Lighthouse instance but the host itself: unattended security upgrades on.
  const payload = buildHostPayload(spec, { delivery, dataDevices, sshLoginUser: LIGHTHOUSE_SSH_USER, unattendedUpgrades: true });
  const bootstrap = renderShellBootstrap(payload);
  return { payload, bootstrap, secretIds: placeholdersIn(bootstrap) };
}

/** The TAT command content: the bootstrap with its secrets filled in, base64. Throws past TAT's limit. */
export function tatContent(bootstrap: string, values: Readonly<Record<string, string>>): string {
  const content = Buffer.from(fillSecrets(bootstrap, new Map(Object.entries(values))), "utf8").toString("base64");
  if (content.length > TAT_CONTENT_LIMIT) {
    throw new Error(`the host bootstrap is ${content.length} bytes as TAT content; TAT accepts at most ${TAT_CONTENT_LIMIT}`);
  }
  return content;
}

export interface CloudInitPayloadArgs {
  readonly spec: StackSpec;
  readonly delivery: SecretDelivery;
  /** Stable device names of the data disk, most specific first; empty = no data disk. */
  readonly dataDevices: pulumi.Input<readonly string[]>;
  /** Secret id -> value (a secret Output) for every placeholder of the bootstrap. */
  readonly secretValues: pulumi.Output<Readonly<Record<string, string>>>;
  readonly instanceId: pulumi.Input<string>;
  /** What must be in place on the instance before the bootstrap runs (key, data disk, firewall). */
  readonly runAfter: readonly pulumi.Resource[];
}

/**
 * The host payload on Lighthouse, which has no user data: the shell rendering of the shared payload, run as root
 * through TAT (Tencent's automation agent, present on official images). The command content carries the env
 * files with their secrets, so it is a Pulumi secret; nothing else does.
 *
 * Day 2: every change of model, allowlist, secrets or version changes the content, and TAT invocations cannot be
 * updated, so Pulumi replaces the invocation: the idempotent bootstrap runs again, rewrites what differs,
 * reinstalls if the version moved and restarts the units, and the old invocation (and the secrets in its record)
 * is deleted. The instance itself is untouched.
 */
export class CloudInitPayload extends pulumi.ComponentResource {
  readonly rendered: pulumi.Output<RenderedLighthousePayload>;
  readonly invocationId: pulumi.Output<string>;

  constructor(name: string, args: CloudInitPayloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super("codewhale-remote:lighthouse:CloudInitPayload", name, {}, opts);
    this.rendered = pulumi.output(args.dataDevices).apply((devices) => renderLighthousePayload(args.spec, args.delivery, devices));
    const content = pulumi.secret(pulumi.all([this.rendered, args.secretValues]).apply(([r, values]) => tatContent(r.bootstrap, values)));
    const invocation = new tencentcloud.tat.InvocationCommandAttachment(
      `${name}-bootstrap`,
      {
        instanceId: args.instanceId,
        content,
        commandType: "SHELL",
        commandName: TAT_COMMAND_NAME,
        description: "codewhale-remote: converge the agent host (idempotent)",
        username: "root",
        workingDirectory: "/root",
        timeout: TAT_TIMEOUT_SECONDS,
        // A saved command would keep the content (and its secrets) in the account after the run.
        saveCommand: false,
      },
      { parent: this, dependsOn: [...args.runAfter] },
    );
    this.invocationId = invocation.id;
    this.registerOutputs({ invocationId: this.invocationId });
  }
}
