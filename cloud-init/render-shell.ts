/**
 * HostPayload -> an idempotent POSIX shell bootstrap: for hosts without user data (Lighthouse via TAT),
 * and for manual installs from the bundle. Running it twice changes nothing; running it after a config
 * change rewrites only the files that differ and restarts the services only then.
 *
 * Secrets appear as placeholders (`secretPlaceholder(id)`); the bundle keeps them, a cloud target fills
 * them with `fillSecrets` inside a Pulumi secret. Heredocs are quoted, so nothing in a file is expanded.
 */
import { gzipSync } from "node:zlib";
import { CONFIG_DIR_MODE, configFileAccess, type ConfigFile, type HostFile, type HostPayload } from "./model";

const EOF_MARK = "CODEWHALE_REMOTE_EOF";

export function secretPlaceholder(id: string): string {
  return `@@CODEWHALE_SECRET:${id}@@`;
}

const PLACEHOLDER = /@@CODEWHALE_SECRET:([a-z0-9-]+)@@/g;

/** Replaces every placeholder with its value; throws on a secret id with no value. */
export function fillSecrets(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(PLACEHOLDER, (_, id: string) => {
    const v = values.get(id);
    if (v === undefined) throw new Error(`no value for secret ${id}`);
    if (/[\n\r\0]/.test(v)) throw new Error(`secret ${id} spans lines`);
    return v;
  });
}

export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))].sort();
}

/** Quotes a word for sh (single quotes; values here never contain one, but be exact anyway). */
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function renderConfigFile(file: ConfigFile): string {
  if (file.format === "raw") return file.content;
  return file.entries.map((e) => `${e.name}=${e.secret !== undefined ? secretPlaceholder(e.secret) : e.value}\n`).join("");
}

function writeFile(f: Pick<HostFile, "path" | "mode" | "owner" | "group" | "content">): string {
  if (f.content.split("\n").includes(EOF_MARK)) throw new Error(`${f.path} contains the heredoc marker`);
  const body = f.content.endsWith("\n") ? f.content : f.content + "\n";
  return `write_file ${q(f.path)} ${f.mode} ${q(`${f.owner}:${f.group}`)} <<'${EOF_MARK}'\n${body}${EOF_MARK}\n`;
}

/**
 * Large program files (the watchdog) travel gzip-compressed, base64 in the heredoc, unpacked on the host by
 * base64 and gzip (both in every Debian/Ubuntu base system), through a private temporary file, into the same write_file: TAT takes at most 64 KiB
 * of command content, the whole bootstrap included. Never a file with a secret placeholder (fillSecrets must see
 * those), never a config file. gzipSync writes no timestamp, so the text is the same on every render.
 */
const COMPRESS_ABOVE_BYTES = 8192;

function writeProgramFile(f: HostFile): string {
  const body = f.content.endsWith("\n") ? f.content : f.content + "\n";
  if (body.length <= COMPRESS_ABOVE_BYTES || placeholdersIn(body).length > 0) return writeFile(f);
  const packed = gzipSync(Buffer.from(body, "utf8"), { level: 9 }).toString("base64").replace(/.{1,76}/g, "$&\n");
  // Simple commands, one a line, so `set -e` stops at a failed decode (a pipeline would hide it: no pipefail in sh).
  return [
    "z=$(mktemp)",
    `base64 -d >"$z" <<'${EOF_MARK}'`,
    `${packed}${EOF_MARK}`,
    'gzip -dc <"$z" >"$z.txt"',
    `write_file ${q(f.path)} ${f.mode} ${q(`${f.owner}:${f.group}`)} <"$z.txt"`,
    'rm -f "$z" "$z.txt"',
    "",
  ].join("\n");
}

export function renderShellBootstrap(payload: HostPayload): string {
  const dirs = [...new Set(payload.files.map((f) => f.path.slice(0, f.path.lastIndexOf("/"))))].sort();
  const lines: string[] = [
    "#!/bin/sh",
    "# codewhale-remote host bootstrap. Idempotent: converges the host to this file; safe to run again.",
    "set -eu",
    "umask 022",
    "export DEBIAN_FRONTEND=noninteractive",
    '[ "$(id -u)" -eq 0 ] || { echo "codewhale-remote: run as root" >&2; exit 1; }',
    "# One convergence at a time: a rollout (TAT) may start while an earlier run is still installing.",
    "exec 9>/run/lock/codewhale-remote-bootstrap.lock",
    "flock 9",
    "changed=0",
    "",
    "# write_file PATH MODE OWNER:GROUP < content: replaces PATH atomically, only when content or metadata differ.",
    "write_file() {",
    '  tmp="$1.codewhale-tmp.$$"',
    '  cat >"$tmp"',
    '  chmod "$2" "$tmp"',
    '  chown "$3" "$tmp"',
    '  if [ -f "$1" ] && cmp -s "$tmp" "$1" && [ "$(stat -c \'%a %U:%G\' "$1")" = "$(stat -c \'%a %U:%G\' "$tmp")" ]; then',
    '    rm -f "$tmp"',
    "  else",
    '    mv -f "$tmp" "$1"',
    "    changed=1",
    "  fi",
    "}",
    "",
    "missing=''",
    `for pkg in ${payload.packages.join(" ")}; do`,
    `  dpkg-query -W -f='\${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing="$missing $pkg"`,
    "done",
    'if [ -n "$missing" ]; then',
    "  apt-get update -q",
    "  # shellcheck disable=SC2086 # word splitting of the package list is intended",
    "  apt-get install -y -q --no-install-recommends $missing",
    "fi",
    "",
    ...payload.users.flatMap(({ name, home }) => [
      `getent group ${q(name)} >/dev/null || groupadd --system ${q(name)}`,
      `id -u ${q(name)} >/dev/null 2>&1 || useradd --system --gid ${q(name)} --home-dir ${q(home)} --no-create-home --shell /usr/sbin/nologin ${q(name)}`,
    ]),
    "",
    `install -d -m 0755 ${dirs.map(q).join(" ")}`,
    ...payload.files.map(writeProgramFile),
  ];
  if (payload.inlineConfigFiles) {
    // Root-only env files (systemd reads them as root); the services read nothing here but config.toml.
    lines.push(`install -d -m ${CONFIG_DIR_MODE} -o root -g root ${q(payload.configDir)}`);
    for (const f of payload.configFiles) {
      lines.push(writeFile({ path: `${payload.configDir}/${f.name}`, ...configFileAccess(f), content: renderConfigFile(f) }));
    }
  }
  lines.push(
    "",
    payload.prepareCommand,
    "systemctl daemon-reload",
    `systemctl enable ${payload.units.join(" ")}`,
    'if [ "$changed" -eq 1 ]; then',
    `  ${payload.applyCommand}`,
    "else",
    `  systemctl start ${payload.units.join(" ")}`,
    "fi",
    "# The running sshd enforces the SSH drop-in from this run on, not from its next restart.",
    payload.reloadSshdCommand,
    'echo "codewhale-remote: host converged (changed=$changed)"',
    "",
  );
  return lines.join("\n");
}
