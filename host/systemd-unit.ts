/**
 * systemd unit files from structured sections. Written by hand because unit files are a line-oriented
 * INI dialect with repeated keys and no quoting rules a generic INI library gets right; this writer only
 * joins lines and refuses values that would change meaning (newlines, inline comments).
 */
export type UnitSection = readonly (readonly [key: string, value: string | number | boolean])[];

export interface UnitFile {
  readonly Unit: UnitSection;
  readonly Service?: UnitSection;
  readonly Timer?: UnitSection;
  readonly Install?: UnitSection;
}

/** A drop-in (`<unit>.d/*.conf`): any sections, each rendered as in a unit. */
export function renderUnitDropIn(sections: Partial<Record<"Unit" | "Service", UnitSection>>): string {
  return renderUnit({ Unit: sections.Unit ?? [], Service: sections.Service ?? [] }).replace(/^\[Unit\]\n\n/, "");
}

export function renderUnit(unit: UnitFile): string {
  const out: string[] = [];
  for (const name of ["Unit", "Service", "Timer", "Install"] as const) {
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
 * Addresses no service user may reach: cloud metadata (Azure IMDS 169.254.169.254, Tencent 169.254.0.23, any
 * link-local), Azure's WireServer (168.63.129.16, the host agent's endpoint) and IPv6 link-local. Only the root
 * config fetcher talks to IMDS. The host firewall (firewall.nft) blocks the same by user id, whatever process
 * sends the packet; this per-unit block (cgroup BPF) is the second layer.
 */
export const HOST_ENDPOINTS = ["169.254.0.0/16", "168.63.129.16/32", "fe80::/10"] as const;

/** What every unit here gets: nothing in it needs more, root or not. */
const common: UnitSection = [
  ["NoNewPrivileges", true],
  ["RestrictRealtime", true],
  ["RestrictSUIDSGID", true],
  ["LockPersonality", true],
  ["SystemCallArchitectures", "native"],
  ["KeyringMode", "private"],
  // No core dumps: the services hold secrets in memory (hard limit 0, so the process cannot raise it).
  ["LimitCORE", "0"],
];

/** The mount-namespace restrictions (read-only system, private /tmp, no /home, kernel knobs read-only). */
const readOnlySystem: UnitSection = [
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
  ["ProcSubset", "pid"],
];

/**
 * Every unit that can live in a mount namespace of its own: a read-only system, no new namespaces, no devices,
 * no ambient capabilities, the ordinary system calls of a service, IP sockets and unix sockets only. Each user
 * of it adds its capability set, what it removes from the syscall filter, and its umask.
 */
export const sandboxedServiceHardening: UnitSection = [
  ...common,
  ...readOnlySystem,
  ["AmbientCapabilities", ""],
  ["RestrictNamespaces", true],
  ["DevicePolicy", "closed"],
  ["RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6"],
  ["SystemCallFilter", "@system-service"],
  ["SystemCallErrorNumber", "EPERM"],
];

/** An unprivileged service: no capability at all, and only its own user and root mapped. */
const unprivileged: UnitSection = [...sandboxedServiceHardening, ["CapabilityBoundingSet", ""], ["PrivateUsers", true], ["RemoveIPC", true]];

/**
 * The runtime drives an agent that runs shell commands in its workspace: compilers, git, package managers of
 * languages must keep working, so it keeps network access and the ordinary system calls. It gets no
 * capability, no namespaces of its own, no view of other users' processes, a read-only system with only its
 * state directories writable, and no route to the cloud's host endpoints.
 */
export const agentHardening: UnitSection = [
  ...unprivileged,
  // @resources stays: build scripts raise their own soft limits (ulimit -n) and renice themselves.
  ["SystemCallFilter", "~@privileged @mount @debug @cpu-emulation @obsolete @raw-io @reboot @swap @module @clock"],
  ["UMask", "0027"],
  // The system bus is how an unprivileged process asks for more (logind lingering, polkit): not for the agent.
  ["InaccessiblePaths", "-/run/dbus/system_bus_socket -/var/run/dbus/system_bus_socket"],
  ["IPAddressDeny", HOST_ENDPOINTS.join(" ")],
];

/**
 * The bridge carries chat messages between an outbound HTTPS/WebSocket connection and the loopback runtime:
 * the agent's sandbox, and no resource-control system calls either. (Node's JIT needs writable+executable
 * memory, so MemoryDenyWriteExecute= stays off for both.)
 */
export const bridgeHardening: UnitSection = [...agentHardening, ["SystemCallFilter", "~@resources"]];

/** The installer: downloads, git, npm; writes only /opt/codewhale and its cache; no capability at all. */
export const installHardening: UnitSection = [
  ...unprivileged,
  ["SystemCallFilter", "~@privileged @resources @mount @debug"],
  ["UMask", "0022"],
  ["IPAddressDeny", HOST_ENDPOINTS.join(" ")],
];

/**
 * Root oneshots that must act on the host itself (mount the data disk, load the firewall): no mount namespace
 * (what they do must be seen by the whole host), but no network, no new privileges, a syscall filter, and the
 * capability set each unit names beside this.
 */
export const rootOneshotHardening: UnitSection = [
  ...common,
  ["AmbientCapabilities", ""],
  ["RestrictNamespaces", true],
  ["IPAddressDeny", "any"],
  ["SystemCallFilter", "@system-service @mount"],
  ["SystemCallErrorNumber", "EPERM"],
  ["MemoryDenyWriteExecute", true],
  ["UMask", "0022"],
];

/**
 * The watchdog: root, because restarting a unit is asking PID 1 (its private socket admits uid 0 only), but no
 * capability at all, a read-only system (it writes only its StateDirectory), no private user namespace (that
 * would make it someone else to PID 1), no route to the cloud's host endpoints. It needs the network (loopback
 * for /health, the chat platform for liveness and alerts) and the process list of PID 1 (systemctl), so no
 * ProcSubset=pid; other users' processes stay invisible.
 */
export const watchdogHardening: UnitSection = [
  ...common,
  ...readOnlySystem.filter(([k]) => k !== "ProcSubset"),
  ["CapabilityBoundingSet", ""],
  ["AmbientCapabilities", ""],
  ["RestrictNamespaces", true],
  ["RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6"],
  ["SystemCallFilter", "@system-service"],
  ["SystemCallFilter", "~@privileged @resources @mount @debug @cpu-emulation @obsolete @raw-io @reboot @swap @module @clock"],
  ["SystemCallErrorNumber", "EPERM"],
  ["DevicePolicy", "closed"],
  ["UMask", "0077"],
  ["IPAddressDeny", HOST_ENDPOINTS.join(" ")],
];
