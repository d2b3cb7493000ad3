/**
 * What `pulumi destroy` runs on an existing host (root, script on stdin of `sudo -n sh -s`): the host goes back
 * to what it was, except the data. Built from the host payload itself, so it removes exactly what the bootstrap
 * installed: its unit files, scripts and sshd drop-in, and the config dir with the secrets. The firewall table
 * goes with its unit (ExecStop deletes it). The workspace, the agent's home, the bridge state, the install and the
 * service users stay unless `removeData`.
 *
 * Root never acts inside a path a service user can write (DESIGN invariant 7): the state directories are removed
 * by systemd itself (`systemctl clean`, for the units' own StateDirectory=/CacheDirectory=, which systemd made and
 * removes without following links their owners planted), the install root by its own user (`runuser`), and root
 * only removes root-owned files in root-owned directories and `rmdir`s root-owned directories once empty.
 */
import { AUTO_UPGRADES } from "../../host/host-payload";
import { BRIDGE_STATE_ROOT, CONFIG_DIR_MODE, DATA_DIR, INSTALL_ROOT, INSTALL_USER, type HostFile, type HostPayload } from "../../host/model";

const UNIT_DIR = "/etc/systemd/system";
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The unit files the payload installs (not drop-ins), in the payload's order. */
export function payloadUnits(payload: HostPayload): string[] {
  return payload.files.map((f) => /^\/etc\/systemd\/system\/([^/]+\.(?:service|timer))$/.exec(f.path)?.[1]).filter((u): u is string => u !== undefined);
}

/** Which of `systemctl clean`'s kinds a unit file owns (StateDirectory= -> state, CacheDirectory= -> cache). */
export function cleanKinds(unitFile: Pick<HostFile, "content">): string[] {
  return [...(/^StateDirectory=/m.test(unitFile.content) ? ["state"] : []), ...(/^CacheDirectory=/m.test(unitFile.content) ? ["cache"] : [])];
}

/**
 * Files the teardown leaves: 20auto-upgrades keeps the host patching itself (a host that had its own copy had it
 * replaced by the same two lines).
 */
const KEPT_FILES = new Set([AUTO_UPGRADES.path]);

export interface TeardownOptions {
  readonly removeData: boolean;
}

export function renderTeardown(payload: HostPayload, opts: TeardownOptions): string {
  const units = payloadUnits(payload);
  // Timers first, then the services in reverse start order: nothing restarts what was just stopped.
  const stopOrder = [...units.filter((u) => u.endsWith(".timer")), ...units.filter((u) => u.endsWith(".service")).reverse()];
  const removed = payload.files.filter((f) => !KEPT_FILES.has(f.path));
  const rootOnlyDirs = [...new Set(removed.map((f) => f.path.slice(0, f.path.lastIndexOf("/"))))]
    .filter((d) => d !== UNIT_DIR && !d.startsWith("/etc/ssh") && !d.startsWith("/etc/apt"))
    .sort((a, b) => b.length - a.length);
  const lines = [
    "#!/bin/sh",
    `# codewhale-remote teardown (pulumi destroy). ${opts.removeData ? "Removes the data too (ssh.removeDataOnDestroy)." : `Keeps ${DATA_DIR}, ${INSTALL_ROOT} and the service users.`}`,
    "set -eu",
    '[ "$(id -u)" -eq 0 ] || { echo "codewhale-remote: run as root" >&2; exit 1; }',
    "# Not while a bootstrap converges (the same lock).",
    "exec 9>/run/lock/codewhale-remote-bootstrap.lock",
    "flock 9",
    "",
    `for unit in ${stopOrder.join(" ")}; do`,
    `  if [ -f ${UNIT_DIR}/"$unit" ]; then systemctl disable --now --quiet "$unit" || true; fi`,
    "done",
  ];
  if (opts.removeData) {
    const cleans = units.flatMap((u) => {
      const file = payload.files.find((f) => f.path === `${UNIT_DIR}/${u}`)!;
      const kinds = cleanKinds(file);
      return kinds.length > 0 ? [`if [ -f ${UNIT_DIR}/${u} ]; then systemctl clean ${kinds.map((k) => `--what=${k}`).join(" ")} ${u}; fi`] : [];
    });
    lines.push(
      "",
      "# The units' own state and cache directories, removed by systemd (the units are stopped, their files still here).",
      ...cleans,
      `# The install root belongs to ${INSTALL_USER}: emptied as that user, then the empty directory goes.`,
      `if [ -L ${INSTALL_ROOT} ]; then echo "codewhale-remote: ${INSTALL_ROOT} is a symbolic link; left alone" >&2`,
      `elif [ -d ${INSTALL_ROOT} ] && id -u ${INSTALL_USER} >/dev/null 2>&1; then runuser -u ${INSTALL_USER} -- find ${INSTALL_ROOT} -mindepth 1 -delete && rmdir ${INSTALL_ROOT}; fi`,
      `# Root-owned and empty once the state is gone; anything else left there is reported, not removed.`,
      `for dir in ${BRIDGE_STATE_ROOT} ${DATA_DIR}; do`,
      '  if [ -d "$dir" ] && [ ! -L "$dir" ]; then rmdir "$dir" 2>/dev/null || echo "codewhale-remote: $dir is not empty (something the services did not make); left in place" >&2; fi',
      "done",
      "# The service users (their user-manager masks first), once nothing of theirs runs or remains.",
      `for user in ${payload.users.map((u) => u.name).join(" ")}; do`,
      '  if uid=$(id -u "$user" 2>/dev/null); then',
      `    rm -f "${UNIT_DIR}/user@$uid.service"`,
      '    userdel "$user"',
      "  fi",
      '  if getent group "$user" >/dev/null; then groupdel "$user"; fi',
      "done",
    );
  }
  lines.push(
    "",
    "# What the bootstrap installed (root-owned files in root-owned directories), and the config with the secrets.",
    `rm -f ${removed.map((f) => q(f.path)).join(" ")}`,
    ...removed.filter((f) => f.path.startsWith(`${UNIT_DIR}/`) && f.path.includes(".d/")).map((f) => f.path.slice(0, f.path.lastIndexOf("/"))).filter((d, i, a) => a.indexOf(d) === i).map((d) => `rmdir ${q(d)} 2>/dev/null || true`),
    ...rootOnlyDirs.map((d) => `rmdir ${q(d)} 2>/dev/null || true`),
    `# ${payload.configDir} is root's (mode ${CONFIG_DIR_MODE}, files 0600/0640): no service can write in it.`,
    `rm -rf ${q(payload.configDir)}`,
    "systemctl daemon-reload",
    "systemctl reset-failed 'codewhale-*' 2>/dev/null || true",
    "# sshd back to the host's own settings (the drop-in is gone).",
    payload.reloadSshdCommand,
    `echo "codewhale-remote: removed${opts.removeData ? " (data included)" : `; kept ${DATA_DIR}, ${INSTALL_ROOT} and the service users`}"`,
    "",
  );
  return lines.join("\n");
}
