/**
 * The host bootstrap over SSH from the deployer, for every target that sends it that way (Lighthouse's
 * `secretDelivery: ssh`, the existing-host target `ssh`): one pulumi-command `remote.Command` whose stdin is the
 * bootstrap with its secrets, run as root through `sudo -n sh -s`.
 *
 * How pulumi-command v1.2.1 behaves here (provider/pkg/provider/remote, read at the tag):
 * - stdin: `session.Stdin = strings.NewReader(*c.Stdin)` (commandOutputs.go run): the text travels inside the SSH
 *   channel, never in argv or a file. The provider does not mark `stdin` secret (command.go CommandInputs: only
 *   `connection` has provider:"secret"), so the caller passes a secret Output and lists it in
 *   `additionalSecretOutputs`: the state keeps it encrypted.
 * - create/update/delete: Create runs `create`; Update runs `update`, or `create` when there is none
 *   (commandController.go Update); Delete runs `delete` with the *stored* state (stdin included) and does nothing
 *   without one. Any changed input (the bootstrap, a secret, the connection) is an update and so re-runs the
 *   bootstrap; `triggers` are replaceOnChanges (common/inputs.go), a replacement runs `create` on the new one.
 * - logging: stdout and stderr are logged unless `logging` says otherwise (logging.go ShouldLogStdout), and a
 *   failed run's error carries the command line and its whole output (commandOutputs.go: "running %q:\n%s"), so
 *   what the bootstrap prints must hold no secret (the boot test greps its real output).
 * - addPreviousOutputInEnv (default true) sends the previous stdout/stderr as PULUMI_COMMAND_STDOUT/STDERR env
 *   requests, which sshd refuses without AcceptEnv (a warning each run): off, nothing depends on them.
 * - connection: `hostKey` is parsed with ssh.ParseAuthorizedKey and pinned with ssh.FixedHostKey; without one the
 *   host key is not checked at all (ssh.InsecureIgnoreHostKey) (connection.go SSHConfig). Authentication is
 *   `privateKey` when given (ssh.ParsePrivateKey: no passphrase prompt), plus the agent at SSH_AUTH_SOCK when that
 *   is set (connection_unix.go). The whole connection is a provider secret (command.go: provider:"secret").
 * - dial: every dial error, authentication included, is retried with backoff up to `dialErrorLimit` times
 *   (default 10), each attempt at most `perDialTimeout` seconds (default 15) (connection.go dialWithRetry).
 * - remote.CopyToRemote is not used: it writes a Pulumi asset to `remotePath` over SFTP as the login user
 *   (copyController.go copyToRemote, copyTextContent), so the secrets would sit in a file the login user owns,
 *   and its `source` is not a provider secret (copy.go CopyToRemoteInputs). stdin needs no file at all.
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

/** The command the deployer's SSH session runs: the bootstrap arrives on stdin, never in argv. */
export const SSH_BOOTSTRAP_COMMAND = "sudo -n sh -s";

export interface SshEndpoint {
  readonly host: pulumi.Input<string>;
  readonly user: string;
  readonly port?: number;
  /** `<type> <base64>`; absent = not checked (the provider's InsecureIgnoreHostKey). */
  readonly hostKey?: string;
  /** A secret; absent = the deployer's ssh-agent. */
  readonly privateKey?: pulumi.Input<string>;
  readonly dialErrorLimit: number;
}

export function sshConnection(e: SshEndpoint): command.types.input.remote.ConnectionArgs {
  return {
    host: e.host,
    user: e.user,
    ...(e.port !== undefined ? { port: e.port } : {}),
    ...(e.hostKey !== undefined ? { hostKey: e.hostKey } : {}),
    ...(e.privateKey !== undefined ? { privateKey: pulumi.secret(e.privateKey) } : {}),
    dialErrorLimit: e.dialErrorLimit,
    perDialTimeout: 15,
  };
}

export interface SshBootstrapArgs {
  readonly endpoint: SshEndpoint;
  /** The bootstrap with its secrets filled in: always a secret Output. */
  readonly bootstrap: pulumi.Output<string>;
  readonly triggers?: pulumi.Input<unknown[]>;
}

/** The bootstrap run (create, and again on every update). It has no delete: a target adds its own teardown. */
export function sshBootstrapCommand(name: string, args: SshBootstrapArgs, opts: pulumi.CustomResourceOptions): command.remote.Command {
  return new command.remote.Command(
    name,
    {
      connection: sshConnection(args.endpoint),
      create: SSH_BOOTSTRAP_COMMAND,
      stdin: pulumi.secret(args.bootstrap),
      ...(args.triggers !== undefined ? { triggers: args.triggers } : {}),
      logging: "stdoutAndStderr",
      addPreviousOutputInEnv: false,
    },
    { ...opts, additionalSecretOutputs: ["stdin", ...(opts.additionalSecretOutputs ?? [])] },
  );
}
