/**
 * The deploy bundle: what `npm run plan -- --out <dir>` writes. Rendered files with secret placeholders
 * (never values), so a reader sees exactly what reaches the host, and an operator without Pulumi can install
 * by hand as RUNBOOK.md says: `fill-secrets.sh` puts the values into a private copy of bootstrap.sh, which
 * then runs as root. The bootstrap refuses to run while a placeholder is left.
 */
import type { StackSpec } from "../config/spec";
import { PROVIDER_KEY_SECRET, RUNTIME_TOKEN_SECRET } from "../config/spec";
import { ENV_FILE_CONFIG_DIR, envFileDelivery } from "./delivery";
import { buildConfigFiles, buildHostPayload } from "./host-payload";
import { AGENT_USER, BRIDGE_USER, DATA_DIR, RUNTIME_PORT, fillLateValues, type HostPayload } from "./model";
import { placeholdersIn, renderConfigFile, renderShellBootstrap, secretPlaceholder } from "./render-shell";
import { bridgeUnitName, DATA_UNIT, OPS_COMMAND } from "./units";

export interface RunbookFacts {
  readonly sshUser: string;
  readonly host: string;
  /** How secrets reach this host, one paragraph. */
  readonly secretsParagraph: string;
  /** Cloud-specific day-2 notes. */
  readonly extraSteps?: readonly string[];
  /** What `npm run ops -- backup-now` does for this target; absent: it takes no backup and says what exists instead. */
  readonly backupNow?: string;
  /** The values of the payload's late values (`lateValue`), as the cloud reported them. */
  readonly lateValues?: Readonly<Record<string, string>>;
}

export const FILL_SECRETS = "fill-secrets.sh";
export const FILLED_BOOTSTRAP = "bootstrap.filled.sh";

/** The environment variable fill-secrets.sh reads a secret from: `CODEWHALE_SECRET_` and the id in capitals. */
export const secretEnvName = (id: string) => `CODEWHALE_SECRET_${id.toUpperCase().replace(/-/g, "_")}`;

/**
 * Files common to every cloud: the manual-install bootstrap and its fill-secrets helper, units, config files,
 * runbook. `dataDevices` are the cloud's names for its data disk: the manual bootstrap does not use them (on
 * another host they do not exist, and the data unit would wait for them for minutes); the runbook says how to
 * name a disk of your own.
 */
export function commonArtifacts(spec: StackSpec, payload: HostPayload, dataDevices: readonly string[], facts: RunbookFacts): Record<string, string> {
  // The manual route always writes env files itself, whatever the cloud's own delivery is, and names no data
  // device: it keeps the data on the OS disk unless the operator names a disk (runbook, "Data disk"). Nothing
  // patches a hand-installed host but the host itself: unattended security upgrades on.
  const manual = buildHostPayload(spec, { delivery: envFileDelivery(), dataDevices: [], sshLoginUser: payload.sshLoginUser, unattendedUpgrades: true });
  const bootstrap = refuseLeftoverPlaceholders(renderShellBootstrap(manual));
  const secretIds = placeholdersIn(bootstrap);
  const out: Record<string, string> = { "bootstrap.sh": bootstrap, [FILL_SECRETS]: fillSecretsScript(spec, secretIds) };
  const unitDir = "/etc/systemd/system/";
  // units/<unit> and units/<unit>.d/<drop-in>, as they lie under /etc/systemd/system.
  for (const f of payload.files) if (f.path.startsWith(unitDir)) out[`units/${f.path.slice(unitDir.length)}`] = fillLateValues(f.content, facts.lateValues ?? {});
  for (const f of manual.configFiles) out[`config/${f.name}`] = renderConfigFile(f);
  out["RUNBOOK.md"] = runbook(spec, payload, manual, secretIds, dataDevices, facts);
  return out;
}

/**
 * A bundle's bootstrap holds secret placeholders until fill-secrets.sh replaces them; installing with one left
 * would start the services with a literal placeholder as a secret. The guard lists one copy of every placeholder
 * the script holds, which the same fill replaces: a value still in placeholder form (its prefix is split in the
 * pattern, so the pattern is none) stops the script before it touches anything, however it is run (as a file,
 * or piped into `sh`, where `$0` is the shell and not the script).
 */
function placeholderGuard(secretIds: readonly string[]): string[] {
  // A bridge without secrets (weixin) leaves the runtime token alone; a `for` over one literal is what shellcheck
  // takes for a mistake (SC2041), so one empty word (which never matches) keeps it a list.
  const words = secretIds.map((id) => `'${secretPlaceholder(id)}'`);
  return [
    `for value in ${(words.length === 1 ? [...words, "''"] : words).join(" ")}; do`,
    `  case "$value" in '@@CODEWHALE''_SECRET:'*) echo "codewhale-remote: this bootstrap still holds secret placeholders; fill them first: ./${FILL_SECRETS} (see RUNBOOK.md)" >&2; exit 1 ;; esac`,
    "done",
  ];
}

/** The bootstrap with the placeholder guard right after `set -eu` (a missing anchor is a renderer change: fail loudly). */
function refuseLeftoverPlaceholders(bootstrap: string): string {
  const lines = bootstrap.split("\n");
  const at = lines.indexOf("set -eu");
  if (at < 0) throw new Error("bundle: the bootstrap has no 'set -eu' line to put the placeholder guard after");
  return [...lines.slice(0, at + 1), ...placeholderGuard(placeholdersIn(bootstrap)), ...lines.slice(at + 1)].join("\n");
}

/**
 * A bridge secret's format check as a POSIX extended regular expression, so the helper refuses what the stack
 * config would refuse. Only the plain subset the bridge rows use is translated (anchors, classes, counts,
 * `\d`); anything else throws, so a new row with a fancier pattern fails its tests instead of passing unchecked.
 */
export function posixPattern(re: RegExp): string {
  const ere = re.source.replace(/\\d/g, "[0-9]");
  if (re.flags !== "" || !/^\^(\[[A-Za-z0-9_:-]+\]|[A-Za-z0-9_:-]|\{\d+(,\d+)?\})+\$$/.test(ere)) {
    throw new Error(`bundle: pattern ${re} is not in the subset fill-secrets.sh can check`);
  }
  return ere;
}

/** What each secret id is, for the prompt. */
function secretDescriptions(spec: StackSpec): Map<string, string> {
  const d = new Map<string, string>([[RUNTIME_TOKEN_SECRET, "the runtime token shared by runtime and bridge (leave unset: one is generated)"]]);
  d.set(PROVIDER_KEY_SECRET, `the ${spec.provider.displayName} API key`);
  for (const s of spec.bridge.secrets) d.set(s.secretId, `${spec.bridge.displayName}: ${s.expected}`);
  return d;
}

/**
 * POSIX sh, run by the operator on the host. Values go to awk through the environment, never through argv
 * (`/proc/<pid>/cmdline` is world-readable; `/proc/<pid>/environ` is the owner's only).
 */
function fillSecretsScript(spec: StackSpec, secretIds: readonly string[]): string {
  const describe = secretDescriptions(spec);
  const pairs = secretIds.map((id) => `${id}=${secretEnvName(id)}`).join(" ");
  const lines = [
    "#!/bin/sh",
    `# codewhale-remote: fills the secret placeholders of bootstrap.sh into ${FILLED_BOOTSTRAP} (mode 0700), for a manual install.`,
    `# Usage: ./${FILL_SECRETS} [output file]`,
    "# Each secret comes from its environment variable when that is set (export it from your password manager; to",
    "# pass it through sudo use --preserve-env=NAME; never write a value on a command line, argv is world-readable),",
    "# else from standard input, one line each (not echoed on a terminal). Without a runtime token one is generated.",
    "# Nothing is written while a placeholder would be left. Variables:",
    ...secretIds.map((id) => `#   ${secretEnvName(id)}: ${describe.get(id) ?? id}`),
    "set -eu",
    "export LC_ALL=C",
    "umask 077",
    'here=$(CDPATH="" cd -- "$(dirname -- "$0")" && pwd)',
    'src="$here/bootstrap.sh"',
    `out="\${1:-$here/${FILLED_BOOTSTRAP}}"`,
    'fail() { echo "fill-secrets: $*" >&2; exit 1; }',
    '[ -r "$src" ] || fail "$src not found: run this script from the bundle"',
    '[ ! -e "$out" ] || fail "$out exists: remove it first (shred -u \\"$out\\")"',
    "",
    "tty=0",
    "if [ -t 0 ]; then tty=1; trap 'stty echo 2>/dev/null || true' EXIT INT TERM; fi",
    "# ask VAR DESCRIPTION: reads one line into VAR.",
    "ask() {",
    '  if [ "$tty" -eq 1 ]; then printf \'%s\\n  %s: \' "$2" "$1" >&2; stty -echo; fi',
    '  IFS= read -r value || [ -n "$value" ] || fail "no value for $1 on standard input"',
    '  if [ "$tty" -eq 1 ]; then stty echo; printf \'\\n\' >&2; fi',
    '  eval "$1=\\$value"',
    "}",
    "# check VAR VALUE: what the stack config accepts for a secret (8-512 printable ASCII, no space, quote, $, ` or \\).",
    "check() {",
    '  case "$2" in',
    '    *[!!-~]* | *[\\"\\\'\\`\\$\\\\]*) fail "$1 holds a space, quote, \\$, backtick, backslash or non-ASCII character" ;;',
    "  esac",
    '  if [ "${#2}" -lt 8 ] || [ "${#2}" -gt 512 ]; then fail "$1 must be 8 to 512 characters long"; fi',
    "}",
    "",
  ];
  for (const id of secretIds) {
    const v = secretEnvName(id);
    if (id === RUNTIME_TOKEN_SECRET) {
      lines.push(`if [ -z "\${${v}:-}" ]; then`, `  ${v}=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \\n')`, "  echo \"fill-secrets: generated the runtime token (it will be in " + ENV_FILE_CONFIG_DIR + "/runtime.env on the host)\" >&2", "fi");
    } else {
      lines.push(`[ -n "\${${v}:-}" ] || ask ${v} ${shQuote(describe.get(id) ?? id)}`);
    }
    lines.push(`check ${v} "$${v}"`);
    const format = spec.bridge.secrets.find((s) => s.secretId === id);
    if (format) {
      // The value goes to grep on stdin (printf is a shell builtin): never in argv.
      lines.push(`printf '%s\\n' "$${v}" | grep -Eq ${shQuote(posixPattern(format.pattern))} || fail ${shQuote(`${v} does not look right: expected ${format.expected}`)}`);
    }
    lines.push(`export ${v}`);
  }
  lines.push(
    "",
    'tmp="$out.tmp.$$"',
    "trap 'rm -f \"$tmp\"; stty echo 2>/dev/null || true' EXIT INT TERM",
    `awk -v pairs=${shQuote(pairs)} '`,
    "BEGIN { n = split(pairs, p, \" \") }",
    "{",
    "  line = $0",
    "  for (i = 1; i <= n; i++) {",
    "    eq = index(p[i], \"=\"); id = substr(p[i], 1, eq - 1); value = ENVIRON[substr(p[i], eq + 1)]",
    "    ph = \"@@CODEWHALE\" \"_SECRET:\" id \"@@\"; done_ = \"\"",
    "    while ((at = index(line, ph)) > 0) { done_ = done_ substr(line, 1, at - 1) value; line = substr(line, at + length(ph)) }",
    "    line = done_ line",
    "  }",
    "  print line",
    `}' "$src" >"$tmp"`,
    "if grep -n '@@CODEWHALE''_SECRET:' \"$tmp\" >&2; then fail \"placeholders left above (a secret this helper does not know): nothing written\"; fi",
    'chmod 0700 "$tmp"',
    'mv "$tmp" "$out"',
    "trap - EXIT INT TERM",
    'echo "fill-secrets: wrote $out (0700). Install: sudo sh $out; then delete it: shred -u $out" >&2',
    "",
  );
  return lines.join("\n");
}

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The env entries (file and variable) that carry the chat allowlist: found by rendering with a sentinel. */
function allowlistEntries(spec: StackSpec, configDir: string): string[] {
  const sentinel = "<id>";
  const files = buildConfigFiles({ ...spec, chat: { ...spec.chat, allowlist: [sentinel] } }, configDir);
  return files.flatMap((f) => (f.format === "env" ? f.entries.filter((e) => e.value === sentinel).map((e) => `${configDir}/${f.name}: ${e.name}`) : []));
}

function runbook(spec: StackSpec, payload: HostPayload, manual: HostPayload, secretIds: readonly string[], cloudDevices: readonly string[], facts: RunbookFacts): string {
  const ssh = `ssh ${facts.sshUser}@${facts.host}`;
  const bridgeUnit = bridgeUnitName(spec.bridge);
  const storeCredentials = [
    ...spec.bridge.secrets.map((s) => `pulumi config set --secret ${s.configKey} <value>`),
    ...spec.bridge.plainKeys.filter((r) => r.required).map((r) => `pulumi config set ${r.key} <value>`),
  ];
  const manualUnit = manual.files.find((f) => f.path === `/etc/systemd/system/${DATA_UNIT}`)?.content ?? "";
  const execStart = /^ExecStart=(.*)$/m.exec(manualUnit)?.[1];
  const allowlist = allowlistEntries(spec, manual.configDir);
  return [
    `# Runbook: ${spec.project} / ${spec.stack}`,
    "",
    `Cloud ${spec.cloud}, bridge ${spec.bridge.displayName}, provider ${spec.provider.displayName} (${spec.provider.id}), model ${spec.model}, CodeWhale ${spec.codewhale.version}.`,
    "",
    "## What is on the host",
    `- Services (systemd): ${payload.units.map((u) => `\`${u}\``).join(", ")}. The agent runs as \`${AGENT_USER}\`, the bridge as \`${BRIDGE_USER}\`; neither can log in, read the other's config or reach the cloud's metadata endpoint.`,
    `- The runtime listens on 127.0.0.1:${RUNTIME_PORT} only. Inbound traffic: TCP 22 from ${spec.ssh.allowedCidrs.join(", ")}, nothing else.`,
    `- Workspace and agent home: \`/var/lib/codewhale\` (a data disk that outlives the machine when one is configured).`,
    `- Config files: \`${payload.configDir}\` (env files 0600 root:root, read by systemd only; config.toml 0640 root:${AGENT_USER}).`,
    "",
    "## First steps, in this order",
    storeCredentials.length > 0
      ? `1. Create the ${spec.bridge.displayName} bot/app (nothing is deployed yet; the bridge cannot start without its credentials):`
      : `1. Before you deploy (the ${spec.bridge.displayName} bridge needs no credentials in the config):`,
    ...spec.bridge.createSteps.map((s) => `   ${s}`),
    `2. Deploy. With Pulumi: store ${storeCredentials.length > 0 ? `the credentials (${storeCredentials.map((c) => `\`${c}\``).join(", ")}) and ` : ""}the model key (\`pulumi config set --secret providerApiKey <key>\`), then \`pulumi up\`. By hand: see "Manual install" below.`,
    "3. Pair your chat (the bot refuses every chat until its id is in the allowlist):",
    ...spec.bridge.pairingSteps({ ssh, unit: spec.bridge.unitName }).map((s) => `   ${s}`),
    `   With Pulumi: \`pulumi config set --path 'chatAllowlist[0]' <id>\`, then \`pulumi up\` (rolls out without replacing the host). By hand: see "Pairing by hand" below.`,
    "",
    "## Secrets",
    facts.secretsParagraph,
    "",
    `Secret placeholders in this bundle: ${secretIds.map((s) => `\`@@CODEWHALE_SECRET:${s}@@\``).join(", ")}.`,
    "",
    "## Reaching the runtime API",
    `The port never leaves loopback; tunnel it: \`ssh -N -L ${RUNTIME_PORT}:127.0.0.1:${RUNTIME_PORT} ${facts.sshUser}@${facts.host}\`,`,
    `then \`curl http://127.0.0.1:${RUNTIME_PORT}/health\`; authenticated calls need \`Authorization: Bearer <runtime token>\` (with Pulumi: \`pulumi stack output runtimeToken --show-secrets\`; by hand: \`sudo grep CODEWHALE_RUNTIME_TOKEN ${manual.configDir}/runtime.env\` on the host).`,
    "",
    "## Day 2",
    "- Change model, allowlist, secrets or `codewhaleVersion` with `pulumi config set ...` and run `pulumi up`: the change rolls out without replacing the host.",
    ...(facts.extraSteps ?? []),
    `- Health: \`${ssh} systemctl status ${payload.units.join(" ")}\`; logs: \`${ssh} journalctl -u ${bridgeUnit} -e\` (the bridge), \`journalctl -u codewhale-runtime -e\` (the agent), \`journalctl -u codewhale-install\` (the install).`,
    "",
    "## Operate",
    `From the machine you deploy from (this repository; the Pulumi CLI logged in to the stack): \`npm run -s ops -- <verb> --stack ${spec.stack}\`, or with \`--host ${facts.host} --user ${facts.sshUser}\` instead of \`--stack\` (no Pulumi: a manual install). It runs the system ssh with strict host key checking (the host's key must be in your known_hosts, or pass \`--known-hosts <file>\`; \`-i <key>\` picks the key) and calls one fixed program on the host, \`${OPS_COMMAND}\` (root's; it runs itself as root through \`sudo -n\`), never a shell. Every argument is checked on both sides; a refused one exits 2 with one line saying why.`,
    "- `status [--json]`: each unit's state, the release in use (and the previous one), disk use, the watchdog's last lines, the upgrade gate's last result; exit 1 when a unit is down.",
    `- \`logs [unit] [--lines N]\`: the journal of one of this host's units (default: all of them), at most 1000 lines (default 100); secrets of the env files print as [secret], control characters as ?.`,
    `- \`restart\`: restarts \`codewhale-runtime\`, then \`${bridgeUnit}\`.`,
    "- `upgrade-check [--json]`: runs the upgrade gate's health checks now (the runtime answers, the bridge receives) and reports; changes nothing; exit 1 when one fails.",
    `- \`backup-now\`: ${facts.backupNow ?? "on this target it takes no backup and says what exists instead (exit 2)."}`,
    `On the host itself: \`sudo ${OPS_COMMAND} status\`. A key that can run these verbs and nothing else (for a pipeline): a line \`command="${OPS_COMMAND}",restrict <public key>\` in ${facts.sshUser}'s \`~/.ssh/authorized_keys\`; the verbs then come from the SSH command (\`ssh -i <that key> ${facts.sshUser}@${facts.host} status --json\`).${payload.authorizedKeys !== undefined ? " This host's bootstrap writes that file from `sshPublicKey` on every rollout: add the line again after one." : ""}`,
    "",
    "## Manual install (no Pulumi)",
    `On an Ubuntu 24.04 host you reach over SSH, as a user with sudo. \`bootstrap.sh\` is this stack's host payload with the config files written to \`${manual.configDir}\`; it is idempotent (run it again after a change: it rewrites what differs and restarts the services).`,
    "",
    `1. Copy the bundle to the host: \`scp -r <this directory> <you>@<host>:codewhale-bundle\`, then \`ssh <you>@<host>\` and \`cd codewhale-bundle\`.`,
    `2. Fill in the secrets: \`./${FILL_SECRETS}\`. It asks for each value (not echoed) or reads it from the environment variable named in its header (${secretIds.map((s) => `\`${secretEnvName(s)}\``).join(", ")}), generates the runtime token, and writes \`${FILLED_BOOTSTRAP}\` with mode 0700. It writes nothing while a placeholder would be left, and \`bootstrap.sh\` itself refuses to run with one. Never put a value on a command line or in a file others can read.`,
    `3. Optional, data disk: see "Data disk" below (before step 4).`,
    `4. Install: \`sudo sh ./${FILLED_BOOTSTRAP}\`. It ends with \`codewhale-remote: host converged\`; the first run installs CodeWhale ${spec.codewhale.version} in the background: \`systemctl is-active ${manual.units.join(" ")}\` says when it is up.`,
    `5. Delete the filled copy: \`shred -u ${FILLED_BOOTSTRAP}\`. The secrets now live only in \`${manual.configDir}/*.env\` on the host.`,
    `6. Pair (step 3 of "First steps"), then "Pairing by hand" below.`,
    "",
    "### Data disk",
    `By default a manual install keeps the workspace and the agent home in \`${DATA_DIR}\` on the OS disk: they are lost with the machine. ${cloudDevices.length > 0 ? `A deploy on ${spec.cloud} finds its data disk at ${cloudDevices.map((d) => `\`${d}\``).join(" or ")}; this bundle's bootstrap does not assume those names, which exist only there (it would wait for them for minutes and fail).` : "This stack has no data disk configured."}`,
    `To keep them on a disk of your own, name its stable path (\`ls -l /dev/disk/by-id/\`) before the install, in a drop-in of \`${DATA_UNIT}\`:`,
    "```sh",
    `sudo install -d -m 0755 /etc/systemd/system/${DATA_UNIT}.d`,
    `printf '[Service]\\nExecStart=\\nExecStart=%s\\n' '${execStart ?? "<the unit's ExecStart>"} /dev/disk/by-id/<your-disk>' | sudo tee /etc/systemd/system/${DATA_UNIT}.d/device.conf`,
    "```",
    `The unit waits up to 5 minutes for the device, formats it (ext4) only when it carries no filesystem signature at all (a disk with data is never formatted), mounts it at \`${DATA_DIR}\` by UUID and records it in /etc/fstab.`,
    "",
    "### Pairing by hand",
    `Put the chat id the bot told you in ${allowlist.map((e) => `\`${e}\``).join(" and ")} (comma-separated for several; \`sudoedit\`), then \`sudo systemctl restart ${bridgeUnit}\`.`,
    `Running the bootstrap again rewrites that file from the bundle: to keep the id, put it in your stack file (\`codewhale-remote:chatAllowlist: ["<id>"]\`), render the bundle again (\`npm run plan -- --config <stack file> --stack ${spec.stack} --out <dir>\`) and fill and run it as above.`,
    "",
  ].join("\n");
}
