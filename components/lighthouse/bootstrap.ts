import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import type { StackSpec } from "../../config/spec";
import { buildHostPayload } from "../../host/host-payload";
import { fillLateValues, lateValue, type AuthorizedKeys, type ConfigFile, type HostPayload, type SecretDelivery } from "../../host/model";
import { fillSecrets, placeholdersIn, renderAuthorizedKeys, renderShellBootstrap } from "../../host/render-shell";
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

/**
 * Pure rendering, separate from the component so tests, the bundle and the bench call it directly.
 * `authorizedKeys`: the login user's keys, which the bootstrap installs (the Lighthouse target always passes
 * them; a caller rendering for a host without that user leaves them out).
 */
export function renderLighthousePayload(
  spec: StackSpec,
  delivery: SecretDelivery,
  dataDevices: readonly string[],
  authorizedKeys?: AuthorizedKeys,
): RenderedLighthousePayload {
  return renderLighthouseHost(lighthouseHostPayload(spec, delivery, dataDevices, authorizedKeys), {});
}

/** The data disk's id in the payload until the disk exists: filled when rendered. */
export const DATA_DISK_ID = lateValue("data-disk-id");

/**
 * The stack's host payload on Lighthouse, built once per stack (the data disk's id is a late value, in the
 * device names: lighthouseDataDevices(DATA_DISK_ID)). `configFiles`: the files the deploy built for its secret
 * store, handed on so they are built once too.
 */
export function lighthouseHostPayload(
  spec: StackSpec,
  delivery: SecretDelivery,
  dataDevices: readonly string[],
  authorizedKeys?: AuthorizedKeys,
  configFiles?: readonly ConfigFile[],
): HostPayload {
  // Nothing patches a Lighthouse instance but the host itself: unattended security upgrades on.
  return buildHostPayload(spec, {
    delivery,
    dataDevices,
    sshLoginUser: LIGHTHOUSE_SSH_USER,
    unattendedUpgrades: true,
    ...(authorizedKeys ? { authorizedKeys } : {}),
    ...(configFiles ? { configFiles } : {}),
  });
}

/** The payload as the shell bootstrap, its late values filled (its secrets still placeholders). */
export function renderLighthouseHost(payload: HostPayload, lateValues: Readonly<Record<string, string>>): RenderedLighthousePayload {
  const bootstrap = fillLateValues(renderShellBootstrap(payload), lateValues);
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

/**
 * What TAT runs when secrets travel over SSH: only the owner's key, then the host's public host keys on stdout
 * (TAT keeps the output in the invocation task, where the owner reads it to pin `lighthouse.sshHostKey`).
 * No secret, so nothing secret enters the TAT record.
 */
export function renderKeyPrelude(keys: AuthorizedKeys): string {
  return [
    "#!/bin/sh",
    "# codewhale-remote: installs the owner's SSH key; the host bootstrap arrives over SSH. Prints the host keys.",
    "set -eu",
    ...renderAuthorizedKeys(keys),
    'for f in /etc/ssh/ssh_host_*_key.pub; do [ -f "$f" ] && cat "$f"; done',
    "",
  ].join("\n");
}

/** The command the deployer's SSH session runs: the bootstrap arrives on stdin, never in argv. */
export const SSH_BOOTSTRAP_COMMAND = "sudo -n sh -s";
/**
 * How often the SSH delivery dials before giving up (pulumi-command's remote connection retries every dial
 * error, authentication included, with backoff: connection.go dialWithRetry): covers the minute or two in which
 * the TAT prelude, which the provider does not wait for, installs the key.
 */
export const SSH_DIAL_ATTEMPTS = 40;

/** The ssh delivery: where to connect, and the host key to accept (nothing is sent until it is pinned). */
export interface SshDelivery {
  readonly user: string;
  /** The instance's public address (the provider's publicAddresses). */
  readonly host: pulumi.Input<string | undefined>;
  /** `lighthouse.sshHostKey`; absent = not pinned yet: only the key prelude runs. */
  readonly hostKey?: string;
}

/** TAT's `description` is at most 120 characters. */
const TAT_DESCRIPTION_LIMIT = 120;

/**
 * The invocation's description names the image the system disk was installed from. Every input of the TAT
 * attachment is ForceNew (resource_tc_tat_invocation_command_attachment.go), so a new image (a blueprintId
 * change, which the provider applies in place with ResetInstance: the system disk is formatted, the instance id
 * and the data disk stay) replaces the invocation and the bootstrap runs again on the fresh system, after the
 * reinstall (the invocation depends on the instance).
 */
export function tatDescription(blueprintId: string): string {
  const text = `codewhale-remote: converge the agent host (idempotent); system ${blueprintId}`;
  if (text.length > TAT_DESCRIPTION_LIMIT) throw new Error(`TAT description over ${TAT_DESCRIPTION_LIMIT} characters: ${text}`);
  return text;
}

export interface HostBootstrapArgs {
  /** The stack's host payload (lighthouseHostPayload), built once. */
  readonly payload: HostPayload;
  /** Login user and keys the bootstrap installs (the payload's authorizedKeys). */
  readonly authorizedKeys: AuthorizedKeys;
  /** The instance's current blueprint id: a new one re-runs the bootstrap (see tatDescription). */
  readonly systemImage: pulumi.Input<string>;
  /** The payload's late values (the data disk's id), as the cloud reports them. */
  readonly lateValues: pulumi.Input<Readonly<Record<string, string>>>;
  /** Secret id -> value (a secret Output) for every placeholder of the bootstrap. */
  readonly secretValues: pulumi.Output<Readonly<Record<string, string>>>;
  readonly instanceId: pulumi.Input<string>;
  /** The operations on the instance that must be finished before the bootstrap runs (data disk, firewall). */
  readonly runAfter: readonly pulumi.Resource[];
  /** Send the bootstrap (and so the secrets) over SSH from the deployer instead of inside the TAT command. */
  readonly ssh?: SshDelivery;
}

/**
 * The host payload on Lighthouse, which has no user data: the shell rendering of the shared payload, run as root
 * through TAT (Tencent's automation agent, present on official images). The command content carries the env
 * files with their secrets, so it is a Pulumi secret, also as an output (`additionalSecretOutputs`: the
 * provider's Read sets `content` back from DescribeInvocations on every refresh); nothing else carries them.
 *
 * TAT keeps it: each invocation record holds the command content, readable with tat:DescribeInvocations
 * (Invocation.CommandContent) and tat:DescribeInvocationTasks (InvocationTask.CommandDocument) and in the
 * console, and the TAT API has no call that deletes an invocation. Deleting this resource is CancelInvocation
 * (service_tencentcloud_tat.go, DeleteTatInvocationById): it stops a run still in progress and leaves the record.
 * So every rollout adds a record with that rollout's secrets; the README gives the CAM policy that keeps
 * those reads to the owner.
 *
 * Day 2: every change of model, allowlist, secrets, version or SSH key changes the content, and every input is
 * ForceNew, so Pulumi replaces the invocation: the new bootstrap runs (after an earlier one still running, which
 * the replacement then cancels; the flock in the bootstrap orders them), rewrites what differs, reinstalls if
 * the version moved and restarts the units. The instance itself is untouched. RunCommand is retried by the
 * provider while TAT answers ResourceUnavailable.* (agent not online yet, instance not running:
 * tccommon.RetryError, up to TENCENTCLOUD_WRITE_RETRY_TIMEOUT minutes, default 5).
 */
export class HostBootstrap extends pulumi.ComponentResource {
  readonly rendered: pulumi.Output<RenderedLighthousePayload>;
  readonly invocationId: pulumi.Output<string>;
  /** ssh delivery only: true while no host key is pinned, so the host has its SSH key but no bootstrap yet. */
  readonly awaitingHostKey: boolean;

  constructor(name: string, args: HostBootstrapArgs, opts?: pulumi.ComponentResourceOptions) {
    // Once named CloudInitPayload (the payload is a shell bootstrap, not cloud-init): the alias keeps deployed stacks' URNs.
    super("codewhale-remote:lighthouse:HostBootstrap", name, {}, { ...opts, aliases: [...(opts?.aliases ?? []), { type: "codewhale-remote:lighthouse:CloudInitPayload" }] });
    this.rendered = pulumi.output(args.lateValues).apply((late) => renderLighthouseHost(args.payload, late));
    const filled = pulumi.secret(pulumi.all([this.rendered, args.secretValues]).apply(([r, values]) => fillSecrets(r.bootstrap, new Map(Object.entries(values)))));
    // Kept secret whatever it carries: the record in TAT is what must never hold secrets in the ssh delivery,
    // and one rule (TAT content is a secret) is simpler to hold than two.
    const content = args.ssh
      ? pulumi.secret(tatContent(renderKeyPrelude(args.authorizedKeys), {}))
      : pulumi.secret(pulumi.all([this.rendered, args.secretValues]).apply(([r, values]) => tatContent(r.bootstrap, values)));
    const invocation = new tencentcloud.tat.InvocationCommandAttachment(
      `${name}-bootstrap`,
      {
        instanceId: args.instanceId,
        content,
        commandType: "SHELL",
        commandName: TAT_COMMAND_NAME,
        description: pulumi.output(args.systemImage).apply(tatDescription),
        username: "root",
        workingDirectory: "/root",
        timeout: TAT_TIMEOUT_SECONDS,
        // A saved command would keep the content (and its secrets) in the account after the run.
        saveCommand: false,
      },
      { parent: this, dependsOn: [...args.runAfter], additionalSecretOutputs: ["content"] },
    );
    this.invocationId = invocation.id;
    this.awaitingHostKey = args.ssh !== undefined && args.ssh.hostKey === undefined;

    if (args.ssh?.hostKey !== undefined) {
      const ssh = args.ssh;
      const host = pulumi.output(ssh.host).apply((h) => {
        if (!h) throw new Error("the ssh delivery needs the instance's public address, and the provider reported none");
        return h;
      });
      // pulumi-command v1.2.1 (provider/pkg/provider/remote): the bootstrap goes in as stdin of one SSH session
      // (never argv, never a file in a cloud record); the host key is checked with ssh.FixedHostKey (connection.go
      // SSHConfig, which accepts any host without `hostKey`, hence the pin); authentication is the deployer's
      // ssh-agent (SSH_AUTH_SOCK, the provider's default). An update runs `create` again (commandController.go
      // Update), so every change of the bootstrap rolls out; a new system image replaces it (triggers).
      new command.remote.Command(
        `${name}-bootstrap-ssh`,
        {
          connection: { host, user: ssh.user, hostKey: ssh.hostKey, dialErrorLimit: SSH_DIAL_ATTEMPTS, perDialTimeout: 15 },
          create: SSH_BOOTSTRAP_COMMAND,
          stdin: filled,
          triggers: [args.systemImage],
          logging: "stdoutAndStderr",
        },
        { parent: this, dependsOn: [invocation, ...args.runAfter], additionalSecretOutputs: ["stdin"] },
      );
    }
    this.registerOutputs({ invocationId: this.invocationId });
  }
}
