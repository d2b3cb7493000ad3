import { createHash } from "node:crypto";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { fillSecrets } from "../../host/render-shell";
import { SSH_BOOTSTRAP_COMMAND, sshBootstrapCommand, sshConnection, type SshEndpoint } from "../ssh-bootstrap";
import { PREFLIGHT_COMMAND, parsePreflight, preflightProblems, preflightScript } from "./preflight";
import type { RenderedSshPayload } from "./payload";

/**
 * How often a run dials before it gives up. The host exists already, so a failure is most likely final (wrong
 * key, address or host key: pulumi-command retries those too, connection.go dialWithRetry): 5 attempts with the
 * provider's backoff ride out a reboot or a blip without minutes of waiting on a typo.
 */
export const SSH_TARGET_DIAL_ATTEMPTS = 5;

export interface HostBootstrapArgs {
  readonly endpoint: SshEndpoint;
  /** The bootstrap with secret placeholders (the bundle's text; never what the host runs) and the teardown. */
  readonly rendered: RenderedSshPayload;
  /** Secret id -> value (a secret Output) for every placeholder of the bootstrap. */
  readonly secretValues: pulumi.Output<Readonly<Record<string, string>>>;
  readonly allowedCidrs: readonly string[];
}

/** A digest of the bootstrap text with placeholders (no secret in it): a new payload replaces the runs. */
export const bootstrapDigest = (bootstrap: string) => createHash("sha256").update(bootstrap).digest("hex");

/**
 * The bootstrap's stdin, once the preflight report passed; throws (and so stops the deploy) otherwise. In a
 * preview nothing runs on the host (commandController.go Create returns before running when DryRun), so a
 * preview without a report has nothing to check; `pulumi up` always has one (the bootstrap depends on it).
 */
export function checkedBootstrap(filled: string, preflightStdout: string | undefined, allowedCidrs: readonly string[], user: string, dryRun: boolean): string {
  if (dryRun && !preflightStdout) return filled;
  const problems = preflightProblems(parsePreflight(preflightStdout ?? ""), allowedCidrs, user);
  if (problems.length > 0) {
    throw new Error(`codewhale-remote: the host failed the preflight, so nothing on it was changed:\n${problems.map((p) => `- ${p}`).join("\n")}`);
  }
  return filled;
}

/**
 * The host payload on an existing host, over SSH from the deployer, as three pulumi-command runs in order:
 * 1. preflight (login user, no sudo, no secret): the system, the architecture, passwordless sudo, and the
 *    deployer's address as the host sees it, which must be inside sshAllowedCidrs, or the host firewall the
 *    bootstrap loads would lock this very connection out. Re-run when the bootstrap or the CIDRs change.
 * 2. the bootstrap on stdin of `sudo -n sh -s` (components/ssh-bootstrap.ts), sent only once the preflight
 *    passed; re-run by every change of model, allowlist, secrets, version or firewall.
 * 3. the teardown: no create, only `delete` (what `pulumi destroy` runs; teardown.ts), with its script on stdin.
 *    It is a resource of its own because Delete runs `delete` with the stored stdin (commandController.go
 *    Delete): on the bootstrap's resource that would be the bootstrap, secrets included. Its inputs change
 *    nothing on the host (Update runs neither create nor update when it has none), and it depends on the
 *    bootstrap, so destroy runs it first.
 */
export class HostBootstrap extends pulumi.ComponentResource {
  readonly preflight: command.remote.Command;
  readonly bootstrap: command.remote.Command;
  readonly teardown: command.remote.Command;

  constructor(name: string, args: HostBootstrapArgs, opts?: pulumi.ComponentResourceOptions) {
    super("codewhale-remote:ssh:HostBootstrap", name, {}, opts);
    const connection = sshConnection(args.endpoint);
    const digest = bootstrapDigest(args.rendered.bootstrap);
    this.preflight = new command.remote.Command(
      `${name}-preflight`,
      { connection, create: PREFLIGHT_COMMAND, stdin: preflightScript(), triggers: [digest, ...args.allowedCidrs], logging: "stdoutAndStderr", addPreviousOutputInEnv: false },
      { parent: this },
    );
    const filled = pulumi.secret(args.secretValues.apply((values) => fillSecrets(args.rendered.bootstrap, new Map(Object.entries(values)))));
    const stdin = pulumi.secret(
      pulumi.all([filled, this.preflight.stdout]).apply(([text, report]) => checkedBootstrap(text, report, args.allowedCidrs, args.endpoint.user, pulumi.runtime.isDryRun())),
    );
    this.bootstrap = sshBootstrapCommand(`${name}-bootstrap`, { endpoint: args.endpoint, bootstrap: stdin, triggers: [digest] }, { parent: this, dependsOn: [this.preflight] });
    this.teardown = new command.remote.Command(
      `${name}-teardown`,
      {
        connection,
        delete: SSH_BOOTSTRAP_COMMAND,
        stdin: args.rendered.teardown,
        logging: "stdoutAndStderr",
        addPreviousOutputInEnv: false,
      },
      { parent: this, dependsOn: [this.bootstrap] },
    );
    this.registerOutputs({});
  }
}
