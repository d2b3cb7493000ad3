/**
 * The operator verbs' command line (`npm run ops -- <verb> ...`), checked before anything connects: the verb, its
 * arguments, the stack and the SSH target. Pure functions; scripts/ops.ts runs them. The host's wrapper
 * (host/assets/ops.mjs) checks the same words again against what it knows (its own unit list): this side
 * refuses what can never be right, so a typo costs no SSH round trip and nothing odd is ever sent.
 */
import { parseArgs } from "node:util";
import ipaddr from "ipaddr.js";

export const VERBS = ["status", "logs", "restart", "upgrade-check", "backup-now"] as const;
export type Verb = (typeof VERBS)[number];
/** The wrapper's bound (ops.mjs MAX_LINES), which a test holds equal. */
export const MAX_LOG_LINES = 1000;

/** A mistake on the command line or in what the stack reports: one line, what is wrong and the fix. */
export class OpsUsageError extends Error {
  override readonly name = "OpsUsageError";
}
const fail = (why: string): never => {
  throw new OpsUsageError(why);
};

export interface OpsRequest {
  readonly verb: Verb;
  readonly unit?: string;
  readonly lines?: number;
  readonly json: boolean;
  readonly stack?: string;
  readonly host?: string;
  readonly user?: string;
  readonly port?: number;
  readonly identity?: string;
  readonly knownHosts?: string;
}

const OPTIONS = {
  stack: { type: "string" },
  host: { type: "string" },
  user: { type: "string" },
  port: { type: "string" },
  identity: { type: "string", short: "i" },
  "known-hosts": { type: "string" },
  lines: { type: "string", short: "n" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

export const USAGE = `Usage: npm run -s ops -- <verb> [unit] --stack <name> [options]

Operator verbs, run over SSH (strict host key checking) against the host's fixed wrapper; never a shell.
Verbs:
  status              each unit's state, the release in use, the watchdog's last lines, disk use, the upgrade
                      gate's last result (exit 1 when a unit is down)
  logs [unit]         the journal of one of the host's units (default: all of them), bounded by --lines
  restart             restarts the runtime, then the bridge
  upgrade-check       runs the upgrade gate's health checks now and reports (exit 1 when one fails)
  backup-now          an on-demand backup of the data disk (Azure with Azure Backup on; from this machine, az)
Options:
  --stack <name>      the stack: host and user come from its outputs (pulumi stack output --json)
  --host <address>    the host's address instead (manual installs, or to override the stack's)
  --user <name>       the SSH user instead of the stack's (the admin user)
  --port <n>          SSH port (default 22)
  -i, --identity <f>  the private key to log in with
  --known-hosts <f>   the known_hosts file that holds the host's key (default: ssh's own)
  -n, --lines <n>     logs: how many lines, 1 to ${MAX_LOG_LINES} (default 100)
  --json              status, upgrade-check: machine-readable output
Exit codes: 0 done (healthy), 1 the host reports a problem, 2 a mistake on the command line or refused by the
host, 255 SSH could not connect.`;

/** A unit name as systemd spells ours (the host checks it is one of its own). */
const UNIT = /^[a-z0-9][a-z0-9@._-]{0,99}$/;
/** A Pulumi stack name, optionally org/project/stack. */
const STACK = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*){0,2}$/;
/** A login name as Ubuntu's adduser accepts it (and never an ssh option). */
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;
/** A DNS name: labels of letters, digits and hyphens, never starting with one (or it would read as an option). */
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function checkHost(host: string, from: string): string {
  if (ipaddr.isValid(host) || HOSTNAME.test(host)) return host;
  return fail(`${from}: '${host.slice(0, 80)}' is not an IP address or host name; pass --host <address>`);
}

export function checkUser(user: string, from: string): string {
  return USER.test(user) ? user : fail(`${from}: '${user.slice(0, 40)}' is not a login name (lower-case letters, digits, _ and -); pass --user <name>`);
}

export function parseOpsArgs(argv: readonly string[]): OpsRequest | "help" {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    return fail(`${(e as Error).message.split("\n")[0]} (see npm run ops -- --help)`);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return "help";
  const [verb, ...rest] = positionals;
  if (verb === undefined) return fail(`no verb: one of ${VERBS.join(", ")} (see npm run ops -- --help)`);
  if (!(VERBS as readonly string[]).includes(verb)) return fail(`unknown verb '${verb.slice(0, 40)}': one of ${VERBS.join(", ")}`);
  const req: { -readonly [K in keyof OpsRequest]: OpsRequest[K] } = { verb: verb as Verb, json: v.json };
  if (rest.length > (verb === "logs" ? 1 : 0)) fail(`${verb}: unexpected '${rest.at(-1)!.slice(0, 40)}'${verb === "logs" ? " (logs takes one unit)" : ` (${verb} takes no argument)`}`);
  if (rest[0] !== undefined) req.unit = UNIT.test(rest[0]) ? rest[0] : fail(`logs: '${rest[0].slice(0, 40)}' is not a unit name (e.g. codewhale-runtime.service; status lists them)`);
  if (v.lines !== undefined) {
    if (verb !== "logs") fail(`--lines is for logs, not ${verb}`);
    const n = /^[0-9]{1,4}$/.test(v.lines) ? Number(v.lines) : NaN;
    req.lines = n >= 1 && n <= MAX_LOG_LINES ? n : fail(`--lines: a whole number from 1 to ${MAX_LOG_LINES}, not '${v.lines.slice(0, 20)}'`);
  }
  if (v.json && verb !== "status" && verb !== "upgrade-check") fail(`--json is for status and upgrade-check, not ${verb}`);
  if (v.stack !== undefined) req.stack = STACK.test(v.stack) ? v.stack : fail(`--stack: '${v.stack.slice(0, 80)}' is not a stack name`);
  if (v.host !== undefined) req.host = checkHost(v.host, "--host");
  if (v.user !== undefined) req.user = checkUser(v.user, "--user");
  if (v.port !== undefined) {
    const p = /^[0-9]{1,5}$/.test(v.port) ? Number(v.port) : NaN;
    req.port = p >= 1 && p <= 65535 ? p : fail(`--port: 1 to 65535, not '${v.port.slice(0, 20)}'`);
  }
  if (v.identity !== undefined) req.identity = v.identity;
  if (v["known-hosts"] !== undefined) req.knownHosts = v["known-hosts"];
  if (verb === "backup-now") {
    if (req.stack === undefined) fail("backup-now needs --stack: the backup is the cloud's, found from the stack's outputs");
  } else if (req.stack === undefined && (req.host === undefined || req.user === undefined)) {
    fail(`${verb}: pass --stack <name>, or --host and --user for a host without a stack`);
  }
  return req;
}

/** The words the host's wrapper gets (each already checked: nothing in them a shell would read specially). */
export function wrapperWords(req: OpsRequest): string[] {
  return [req.verb, ...(req.unit ? [req.unit] : []), ...(req.lines !== undefined ? ["--lines", String(req.lines)] : []), ...(req.json ? ["--json"] : [])];
}

/** What the stack reports (pulumi stack output --json: secrets show as "[secret]"). */
export type StackOutputs = Readonly<Record<string, unknown>>;

/** Host and user: the flags first, else the stack's publicIp and sshCommand ("ssh <user>@<host>", every target's). */
export function sshTarget(req: OpsRequest, outputs: StackOutputs | undefined): { host: string; user: string } {
  const cmd = typeof outputs?.sshCommand === "string" ? /^ssh ([^@\s]+)@(\S+)$/.exec(outputs.sshCommand) : null;
  const ip = typeof outputs?.publicIp === "string" && outputs.publicIp !== "" ? outputs.publicIp : undefined;
  const stackHost = ip ?? (cmd && !cmd[2]!.startsWith("$(") ? cmd[2] : undefined);
  const host = req.host ?? stackHost ?? fail(`stack ${req.stack}: no publicIp output to connect to${outputs?.publicIpCommand ? ` (look it up: ${String(outputs.publicIpCommand)})` : ""}; pass --host <address>`);
  const user = req.user ?? cmd?.[1] ?? fail(`stack ${req.stack}: no sshCommand output to take the user from; pass --user <name>`);
  return { host: req.host ?? checkHost(host, `stack ${req.stack} publicIp`), user: req.user ?? checkUser(user, `stack ${req.stack} sshCommand`) };
}

/**
 * The ssh command line: BatchMode (never a prompt), StrictHostKeyChecking=yes (a host whose key is not known is
 * refused, never added), then the wrapper's path and the checked words, after `--` so no word reads as an option.
 */
export function sshArgv(req: OpsRequest, target: { host: string; user: string }, wrapper: string): string[] {
  return [
    "-o", "BatchMode=yes",
    "-o", "StrictHostKeyChecking=yes",
    "-o", "ConnectTimeout=15",
    "-o", "ServerAliveInterval=15",
    ...(req.identity !== undefined ? ["-i", req.identity, "-o", "IdentitiesOnly=yes"] : []),
    ...(req.knownHosts !== undefined ? ["-o", `UserKnownHostsFile=${req.knownHosts}`] : []),
    ...(req.port !== undefined ? ["-p", String(req.port)] : []),
    "--",
    `${target.user}@${target.host}`,
    wrapper,
    ...wrapperWords(req),
  ];
}

/**
 * The Azure target's backup policy names its one rule and its retention tag so (the backup-instance's policy in
 * the Azure target's disk backup component); the stack exports the vault, its group and the instance as
 * backupVaultName, backupResourceGroupName and backupInstanceName when Azure Backup is on.
 */
export const BACKUP_RULE_NAME = "BackupOnSchedule";
export const BACKUP_RETENTION_TAG = "Default";

/** An Azure resource name part: what az takes as a plain argument. */
const AZURE_NAME = /^[A-Za-z0-9][A-Za-z0-9._()-]{0,259}$/;

/**
 * backup-now: `az dataprotection backup-instance adhoc-backup` (the Azure CLI's dataprotection extension; its
 * parameters as in Azure/aaz Commands/dataprotection/backup-instance/_adhoc-backup.md: --name, --rule-name,
 * --retention-tag-override, --resource-group, --vault-name), run from the operator's machine: the host has no
 * rights on the Backup vault. Other targets, or Azure without backup: what exists instead, as an error.
 */
export function backupArgv(stack: string, outputs: StackOutputs): string[] {
  if (outputs.backupVaultName === undefined) {
    if (typeof outputs.keyVaultName === "string") {
      fail(`backup-now: stack ${stack} has no Azure Backup for its workspace disk (no backupVaultName output): turn it on (pulumi config set --path azure.backup true; it needs a data disk) and pulumi up, or snapshot the disk yourself (az snapshot create --source <disk id> ...)`);
    }
    if (typeof outputs.instanceId === "string") {
      fail(`backup-now: stack ${stack} is on Lighthouse, where this CLI takes no backup: Lighthouse keeps backup points of data disks (its API's CreateDiskBackup, e.g. tccli lighthouse CreateDiskBackup --DiskId <lhdisk-...>; or the console's disk backups); see the README's Backups`);
    }
    fail(`backup-now: stack ${stack} has no backup this CLI can take (no backupVaultName output); use your provider's disk snapshots`);
  }
  const names = { backupResourceGroupName: outputs.backupResourceGroupName, backupVaultName: outputs.backupVaultName, backupInstanceName: outputs.backupInstanceName };
  for (const [k, val] of Object.entries(names)) {
    if (typeof val !== "string" || !AZURE_NAME.test(val)) fail(`backup-now: stack ${stack} output ${k} is ${JSON.stringify(val)}, not an Azure name`);
  }
  return [
    "dataprotection", "backup-instance", "adhoc-backup",
    "--resource-group", names.backupResourceGroupName as string,
    "--vault-name", names.backupVaultName as string,
    "--name", names.backupInstanceName as string,
    "--rule-name", BACKUP_RULE_NAME,
    "--retention-tag-override", BACKUP_RETENTION_TAG,
  ];
}

/** Control characters out of what the host printed (its journal holds lines the agent wrote), newlines and tabs kept. */
export const printable = (text: string): string => text.replace(/\r\n/g, "\n").replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, "?");
