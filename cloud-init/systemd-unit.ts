/**
 * systemd unit files from structured sections. Written by hand because unit files are a line-oriented
 * INI dialect with repeated keys and no quoting rules a generic INI library gets right; this writer only
 * joins lines and refuses values that would change meaning (newlines, inline comments).
 */
export type UnitSection = readonly (readonly [key: string, value: string | number | boolean])[];

export interface UnitFile {
  readonly Unit: UnitSection;
  readonly Service: UnitSection;
  readonly Install?: UnitSection;
}

export function renderUnit(unit: UnitFile): string {
  const out: string[] = [];
  for (const name of ["Unit", "Service", "Install"] as const) {
    const section = unit[name];
    if (!section) continue;
    if (out.length > 0) out.push("");
    out.push(`[${name}]`);
    for (const [key, raw] of section) {
      const value = typeof raw === "boolean" ? (raw ? "yes" : "no") : String(raw);
      if (/[\n\r]/.test(value)) throw new Error(`unit value for ${key} spans lines`);
      out.push(`${key}=${value}`);
    }
  }
  return out.join("\n") + "\n";
}

/**
 * Sandboxing shared by every long-running service. The runtime drives an agent that runs shell commands in
 * its workspace, so it gets a writable data dir and no syscall filter (compilers, git, package managers of
 * languages must keep working); the bridges get everything below plus a syscall filter and a private view.
 */
export const baseHardening: UnitSection = [
  ["NoNewPrivileges", true],
  ["PrivateTmp", true],
  ["PrivateDevices", true],
  ["ProtectSystem", "strict"],
  ["ProtectHome", true],
  ["ProtectKernelTunables", true],
  ["ProtectKernelModules", true],
  ["ProtectKernelLogs", true],
  ["ProtectControlGroups", true],
  ["ProtectClock", true],
  ["ProtectHostname", true],
  ["ProtectProc", "invisible"],
  ["RestrictSUIDSGID", true],
  ["RestrictRealtime", true],
  ["LockPersonality", true],
  ["RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6 AF_NETLINK"],
  ["SystemCallArchitectures", "native"],
  ["CapabilityBoundingSet", ""],
  ["AmbientCapabilities", ""],
  ["KeyringMode", "private"],
  ["RemoveIPC", true],
  ["UMask", "0027"],
  // Cloud metadata (Azure IMDS, Tencent's 169.254.0.23) hands out the VM identity's tokens to any local
  // process. Neither the agent nor the bridge needs it; only the root config fetcher does.
  ["IPAddressDeny", "169.254.0.0/16 fe80::/10"],
];

export const bridgeHardening: UnitSection = [
  ...baseHardening,
  ["RestrictNamespaces", true],
  ["PrivateUsers", true],
  ["ProcSubset", "pid"],
  ["SystemCallFilter", "@system-service"],
  ["SystemCallFilter", "~@privileged @resources @mount"],
  ["SystemCallErrorNumber", "EPERM"],
  ["DevicePolicy", "closed"],
];
