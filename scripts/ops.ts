/**
 * `npm run ops -- <verb> ...`: the operator verbs (status, logs, restart, upgrade-check, backup-now) against one
 * stack's host. Everything on the command line is checked first (scripts/ops-args.ts); then the host and user come
 * from the stack's outputs (`pulumi stack output --json`, secrets stay "[secret]") unless --host/--user say, and
 * the system's ssh client runs the host's fixed wrapper with the checked words: strict host key checking, no
 * prompt, no shell of ours in between (argv to ssh, never a command string we build from input). backup-now runs
 * on this machine (az), not on the host: the host has no rights on the Backup vault.
 * Exit codes: the wrapper's (0 done/healthy, 1 the host reports a problem, 2 refused), 2 for a mistake here,
 * 255 when SSH cannot connect.
 */
import { spawnSync } from "node:child_process";
import { OPS_COMMAND } from "../host/units";
import { OpsUsageError, USAGE, backupArgv, parseOpsArgs, printable, sshArgv, sshTarget, type OpsRequest, type StackOutputs } from "./ops-args";

function stackOutputs(stack: string): StackOutputs {
  const r = spawnSync("pulumi", ["stack", "output", "--json", "--stack", stack], { encoding: "utf8", maxBuffer: 16 << 20 });
  if (r.error) throw new OpsUsageError(`cannot run the Pulumi CLI (${(r.error as NodeJS.ErrnoException).code}) to read stack ${stack}'s outputs; install it, or pass --host and --user`);
  if (r.status !== 0) throw new OpsUsageError(`pulumi stack output --stack ${stack} failed: ${(r.stderr || "").trim().split("\n").at(-1)}`);
  try {
    return JSON.parse(r.stdout) as StackOutputs;
  } catch {
    throw new OpsUsageError(`pulumi stack output --json --stack ${stack} printed no JSON`);
  }
}

function backupNow(req: OpsRequest): number {
  const stack = req.stack!;
  const args = backupArgv(stack, stackOutputs(stack));
  process.stderr.write(`codewhale-remote: az ${args.join(" ")}\n`);
  const r = spawnSync("az", [...args, "--output", "json"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (r.error) throw new OpsUsageError(`cannot run the Azure CLI (${(r.error as NodeJS.ErrnoException).code}): install it and its dataprotection extension (az extension add --name dataprotection), then az login`);
  process.stdout.write(r.stdout);
  if (r.status !== 0) process.stderr.write(`codewhale-remote: backup-now: az exited ${r.status}; nothing was started (see its message above)\n`);
  else process.stderr.write(`codewhale-remote: backup-now: started; follow it with az dataprotection job list --resource-group <group> --vault-name <vault>\n`);
  return r.status ?? 1;
}

function onHost(req: OpsRequest): number {
  const target = sshTarget(req, req.stack !== undefined && (req.host === undefined || req.user === undefined) ? stackOutputs(req.stack) : undefined);
  const r = spawnSync("ssh", sshArgv(req, target, OPS_COMMAND), { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
  if (r.error) throw new OpsUsageError(`cannot run ssh (${(r.error as NodeJS.ErrnoException).code}): install an OpenSSH client`);
  process.stdout.write(printable(r.stdout));
  process.stderr.write(printable(r.stderr));
  if (r.status === 255) {
    const why = /Host key verification failed|No .* host key is known/.test(r.stderr)
      ? `the host key of ${target.host} is not in known_hosts: check its fingerprint (the cloud console, or your stack's host key), add it (or pass --known-hosts <file>), and run again`
      : `could not log in as ${target.user}@${target.host} (${r.stderr.trim().split("\n").at(-1) ?? "no message"}); check the address, sshAllowedCidrs and the key (-i)`;
    process.stderr.write(`codewhale-remote: ${req.verb}: ${why}\n`);
  }
  return r.status ?? 1;
}

function main(argv: readonly string[]): number {
  const req = parseOpsArgs(argv);
  if (req === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  return req.verb === "backup-now" ? backupNow(req) : onHost(req);
}

try {
  const code = main(process.argv.slice(2));
  process.stdout.write("", () => process.exit(code));
} catch (e) {
  if (e instanceof OpsUsageError) {
    process.stderr.write(`codewhale-remote: ${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`codewhale-remote: ops failed (a bug in this program; please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(3);
}
