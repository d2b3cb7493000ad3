/**
 * HostPayload -> an idempotent POSIX shell bootstrap: for hosts without user data (Lighthouse via TAT),
 * and for manual installs from the bundle. Running it twice changes nothing; running it after a config
 * change rewrites only the files that differ and restarts the services only then.
 *
 * Secrets appear as placeholders (`secretPlaceholder(id)`); the bundle keeps them, a cloud target fills
 * them with `fillSecrets` inside a Pulumi secret. Heredocs are quoted, so nothing in a file is expanded.
 */
import { gzipSync } from "node:zlib";
import { CONFIG_DIR_MODE, configFileAccess, type AuthorizedKeys, type ConfigFile, type HostFile, type HostPayload } from "./model";

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
 * How long the package step waits for another package run to let go of its locks, in seconds. On a fresh
 * instance apt-daily, apt-daily-upgrade and unattended-upgrades (and the image's own first-boot apt run) start
 * right when the instance reaches RUNNING, which is when the cloud's command agent starts this bootstrap.
 */
export const APT_LOCK_WAIT_SECONDS = 900;

/** What apt-get and dpkg print when another process holds the lock they need (apt 2.x, dpkg 1.21+). */
const LOCK_MESSAGES = "Could not get lock|Unable to lock|locked by another process";

/**
 * The package step: installs what is missing, after waiting out other package runs and repairing an interrupted
 * dpkg. apt-get's `DPkg::Lock::Timeout` makes it wait for dpkg's frontend lock itself; `apt-get update` (the
 * lists lock) and `dpkg --configure -a` have no such wait, so `locked_retry` runs them again while their output
 * names a held lock, until the deadline; any other failure fails at once. `dpkg --configure -a` first: a dpkg
 * run cut off (reboot, killed upgrade) leaves half-configured packages that make every later install fail
 * ("dpkg was interrupted, you must manually run 'dpkg --configure -a'"). Runs only when something is missing,
 * so a converged host touches no package state.
 */
export function renderPackageStep(packages: readonly string[]): string[] {
  const apt = `apt-get -o DPkg::Lock::Timeout=${APT_LOCK_WAIT_SECONDS}`;
  return [
    "missing=''",
    `for pkg in ${packages.join(" ")}; do`,
    `  dpkg-query -W -f='\${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing="$missing $pkg"`,
    "done",
    'if [ -n "$missing" ]; then',
    "  # locked_retry CMD...: runs CMD again while its output says another package run holds a lock.",
    `  apt_deadline=$(($(date +%s) + ${APT_LOCK_WAIT_SECONDS}))`,
    "  locked_retry() {",
    "    while :; do",
    '      log=$(mktemp)',
    '      if "$@" >"$log" 2>&1; then cat "$log"; rm -f "$log"; return 0; fi',
    '      cat "$log" >&2',
    `      if grep -Eq '${LOCK_MESSAGES}' "$log" && [ "$(date +%s)" -lt "$apt_deadline" ]; then`,
    '        rm -f "$log"',
    '        echo "codewhale-remote: $1 waits for another package run (first boot: apt-daily, unattended-upgrades)" >&2',
    "        sleep 10",
    "      else",
    '        rm -f "$log"',
    "        return 1",
    "      fi",
    "    done",
    "  }",
    "  locked_retry dpkg --force-confdef --force-confold --configure -a",
    `  locked_retry ${apt} update -q`,
    "  # shellcheck disable=SC2086 # word splitting of the package list is intended",
    `  locked_retry ${apt} install -y -q --no-install-recommends $missing`,
    "fi",
  ];
}

/** Runs as the admin user (never as root): $1 is its home; the keys arrive on stdin. */
const AUTHORIZED_KEYS_WRITER = [
  "set -eu",
  "umask 077",
  'd="$1/.ssh"',
  'f="$d/authorized_keys"',
  'if [ -L "$d" ]; then echo "codewhale-remote: $d is a symlink; authorized_keys not written" >&2; exit 1; fi',
  '[ -d "$d" ] || mkdir "$d"',
  '[ "$(stat -c %a "$d")" = 700 ] || chmod 0700 "$d"',
  'tmp=$(mktemp "$d/.authorized_keys.XXXXXX")',
  'cat >"$tmp"',
  'if [ -f "$f" ] && [ ! -L "$f" ] && cmp -s "$tmp" "$f" && [ "$(stat -c %a "$f")" = 600 ]; then rm -f "$tmp"; else mv -fT "$tmp" "$f"; fi',
].join("\n");

/**
 * The admin user's ~/.ssh/authorized_keys, exactly `keys` (so a rotation removes the old key). That home belongs
 * to the user, so the file is written by the user itself (`runuser`): a symlink planted there leads only where
 * the user could write anyway, and root follows none. The file is replaced by rename (`mv -T`, which replaces a
 * symlink rather than following it), created 0600 by mktemp under umask 077, in a 0700 ~/.ssh; unchanged keys
 * leave it untouched.
 */
export function renderAuthorizedKeys(k: AuthorizedKeys): string[] {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(k.user)) throw new Error(`'${k.user}' is not a login user name`);
  if (k.keys.length === 0) throw new Error("authorizedKeys: no key");
  for (const key of k.keys) {
    if (/[\r\n\0]/.test(key) || key.trim() === "" || key === EOF_MARK) throw new Error("authorizedKeys: a key must be one non-empty line");
  }
  return [
    `# SSH login: ${k.user}'s authorized_keys holds exactly the configured key(s).`,
    `admin_home=$(getent passwd ${q(k.user)} | cut -d: -f6)`,
    `if [ -z "$admin_home" ] || [ ! -d "$admin_home" ]; then echo "codewhale-remote: login user ${k.user} or its home is missing" >&2; exit 1; fi`,
    "# shellcheck disable=SC2016 # the inner sh expands these",
    `runuser -u ${q(k.user)} -- sh -c ${q(AUTHORIZED_KEYS_WRITER)} codewhale-authorized-keys "$admin_home" <<'${EOF_MARK}'`,
    ...k.keys,
    EOF_MARK,
    "",
  ];
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
    // Before the packages: the owner can log in (and look) even if a later step fails.
    ...(payload.authorizedKeys ? renderAuthorizedKeys(payload.authorizedKeys) : []),
    ...renderPackageStep(payload.packages),
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
    // The running sshd enforces the SSH drop-in from this run on, not from its next restart: apply ends by
    // reloading it, and so does an unchanged run.
    'if [ "$changed" -eq 1 ]; then',
    `  ${payload.applyCommand}`,
    "else",
    `  systemctl start ${payload.units.join(" ")}`,
    `  ${payload.reloadSshdCommand}`,
    "fi",
    'echo "codewhale-remote: host converged (changed=$changed)"',
    "",
  );
  return lines.join("\n");
}
