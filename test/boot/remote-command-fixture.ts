/**
 * A TEST FIXTURE standing in for pulumi-command's remote.Command provider (v1.2.1, provider/pkg/provider/remote),
 * behind Pulumi's mock monitor, so that the boot test runs exactly the commands the ssh target registers, with
 * their inputs as the provider receives them (secrets in the clear), through the real `ssh` client against the
 * booted container's sshd. What it models, from the provider's source:
 * - Create runs `create` when set, nothing otherwise (commandController.go Create); there is no diff under mocks,
 *   so a second registration is a day-2 update, which the provider runs as `create` when `update` is unset
 *   (commandController.go Update).
 * - Delete runs the *stored* `delete` with the *stored* stdin, nothing without a `delete` (Delete, with
 *   commandOutputs.go run: `session.Stdin = strings.NewReader(*c.Stdin)`).
 * - A session runs the command string as given (session.Run(cmd): sshd hands it to the login shell), stdin the
 *   whole input, no environment sent (addPreviousOutputInEnv false); stdout/stderr come back with one trailing
 *   newline trimmed (strings.TrimSuffix), a non-zero exit fails with the command and its output.
 * - The host key is pinned to exactly `connection.hostKey`, its algorithm the only one offered (connection.go
 *   SSHConfig: ssh.FixedHostKey, HostKeyAlgorithms = [key.Type()]); authentication is `connection.privateKey`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { NetworkNamespace } from "./netns";
import { run, type ExecResult } from "./nspawn";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Inputs as the provider gets them: the wire's secret wrappers opened. */
export function reveal(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reveal);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) return reveal(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, reveal(x)]));
  }
  return v;
}

interface Connection {
  readonly host: string;
  readonly user: string;
  readonly port?: number;
  readonly hostKey?: string;
  readonly privateKey?: string;
}

export interface RemoteRun {
  readonly resource: string;
  readonly operation: "create" | "delete";
  /** The ssh client's argv, as run on the deployer's side (the leak check reads it). */
  readonly argv: readonly string[];
  readonly stdin: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class RemoteCommandFixture {
  readonly runs: RemoteRun[] = [];
  /** Resource name -> its inputs as last created (the provider's stored state). */
  readonly state = new Map<string, Record<string, unknown>>();
  private readonly dir = mkdtempSync(path.join(tmpdir(), "remote-command-fixture-"));

  /** `sourceAddress`: the deployer's address (an address of the namespace's lo; sshd reports it in SSH_CLIENT). */
  constructor(
    private readonly ns: NetworkNamespace,
    private readonly sourceAddress: string,
  ) {}

  /** Mocks for the program: remote commands run for real; the runtime token is the boot payload's. */
  mocks(runtimeToken: string, hooks: { registered(name: string): void; failed(name: string, e: unknown): void }): pulumi.runtime.Mocks {
    return {
      newResource: async (args) => {
        try {
          if (args.type === "random:index/randomPassword:RandomPassword") return { id: args.name, state: { ...args.inputs, result: runtimeToken } };
          if (args.type !== "command:remote:Command") return { id: args.name, state: args.inputs };
          const inputs = reveal(args.inputs) as Record<string, unknown>;
          this.state.set(args.name, inputs);
          const out = typeof inputs.create === "string" ? await this.run(args.name, "create", inputs, inputs.create) : { stdout: "", stderr: "" };
          return { id: args.name, state: { ...args.inputs, ...out } };
        } catch (e) {
          hooks.failed(args.name, e);
          throw e;
        } finally {
          hooks.registered(args.name);
        }
      },
      call: (args) => args.inputs,
    };
  }

  /** `pulumi destroy` of one command: its stored delete, with its stored stdin. */
  async destroy(name: string): Promise<RemoteRun | undefined> {
    const inputs = this.state.get(name);
    if (!inputs) throw new Error(`no state for ${name}`);
    if (typeof inputs.delete !== "string") return undefined;
    await this.run(name, "delete", inputs, inputs.delete);
    return this.runs[this.runs.length - 1];
  }

  private async run(resource: string, operation: "create" | "delete", inputs: Record<string, unknown>, command: string): Promise<{ stdout: string; stderr: string }> {
    const stdin = typeof inputs.stdin === "string" ? inputs.stdin : "";
    const { argv, r } = await this.ssh(inputs.connection as Connection, command, stdin, `${resource}-${this.runs.length}`);
    this.runs.push({ resource, operation, argv, stdin, code: r.code, stdout: r.stdout, stderr: r.stderr });
    if (r.code !== 0) throw new Error(`Process exited with status ${r.code}: running ${JSON.stringify(command)}:\n${r.stdout}${r.stderr}`);
    return { stdout: r.stdout.replace(/\n$/, ""), stderr: r.stderr.replace(/\n$/, "") };
  }

  /** One SSH session with a stored resource's connection, as another user or key if given (never throws). */
  login(resource: string, command: string, as: { user?: string; privateKey?: string } = {}): Promise<ExecResult> {
    const c = this.state.get(resource)?.connection as Connection | undefined;
    if (!c) throw new Error(`no state for ${resource}`);
    return this.ssh({ ...c, ...as }, command, "", `login-${Date.now()}`).then((x) => x.r);
  }

  private async ssh(c: Connection, command: string, stdin: string, id: string): Promise<{ argv: string[]; r: ExecResult }> {
    const knownHosts = path.join(this.dir, `${id}.known_hosts`);
    if (!c.hostKey) throw new Error(`${id}: the boot test pins the host key, as a stack should`);
    const port = c.port ?? 22;
    writeFileSync(knownHosts, `${port === 22 ? c.host : `[${c.host}]:${port}`} ${c.hostKey}\n`, { mode: 0o600 });
    const args = ["-F", "/dev/null", "-o", "BatchMode=yes", "-o", `UserKnownHostsFile=${knownHosts}`, "-o", "StrictHostKeyChecking=yes"];
    args.push("-o", `HostKeyAlgorithms=${c.hostKey.split(" ")[0]}`, "-o", `BindAddress=${this.sourceAddress}`, "-o", "ConnectTimeout=15");
    if (c.privateKey) {
      const keyFile = path.join(this.dir, `${id}.key`);
      writeFileSync(keyFile, c.privateKey.endsWith("\n") ? c.privateKey : `${c.privateKey}\n`, { mode: 0o600 });
      args.push("-o", "IdentitiesOnly=yes", "-i", keyFile);
    }
    args.push("-p", String(port), `${c.user}@${c.host}`, "--", command);
    // No agent: the fixture authenticates with the stack's key only, as the program configured it.
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: this.dir };
    const r = await run("ip", ["netns", "exec", this.ns.name, "ssh", ...args], { input: stdin, timeoutMs: 600_000, env });
    return { argv: ["ssh", ...args], r };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
