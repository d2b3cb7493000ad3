/**
 * How much each unit is allowed to expose, as `systemd-analyze security` scores it (0 = fully sandboxed,
 * 10 = unrestricted root), measured on the loaded units of the booted test host (Debian 12, systemd 252). A
 * ceiling sits a little above what the unit measures (the boot test prints the scores; the limits asked of us
 * are runtime 2.0, bridge 1.5, root helpers 5.0); a change that loosens a sandbox past it fails the boot test.
 */
import { CONFIG_UNIT } from "../../components/azure/key-vault-delivery";
import { DATA_UNIT, FIREWALL_UNIT, INSTALL_UNIT, ROLLBACK_UNIT, RUNTIME_UNIT, UPGRADE_GATE_UNIT, WATCHDOG_UNIT } from "../../host/units";
import type { Container } from "./nspawn";

/** Ceilings by unit name; every bridge unit shares BRIDGE_CEILING. */
export const EXPOSURE_CEILINGS: Readonly<Record<string, number>> = {
  // The agent runs arbitrary shell commands (compilers, git, package managers): it keeps network access and
  // the ordinary system calls, but no capability, no namespaces, a private user namespace, a read-only system.
  // Measured 1.2.
  [RUNTIME_UNIT]: 1.5,
  // Root, but only CAP_CHOWN (config.toml's group); the one unit that must reach IMDS and the vault.
  // Measured 1.9.
  [CONFIG_UNIT]: 2.5,
  // Root oneshots that act on the host itself (mount the data disk; load the firewall), so no mount namespace:
  // one capability each, no network, a syscall filter. Measured 4.6 and 3.8.
  [DATA_UNIT]: 5.0,
  [FIREWALL_UNIT]: 4.2,
  // Runs as its own unprivileged user with no capability at all, in a read-only system. Measured 1.1.
  [INSTALL_UNIT]: 1.5,
  // Root (PID 1 takes restarts from uid 0 only) with no capability at all, a read-only system, its own state
  // directory, no host endpoints; it keeps the network (loopback /health, the chat platform). Measured 1.6.
  [WATCHDOG_UNIT]: 2.0,
  // The upgrade gate is the watchdog's sandbox and script (--gate). Measured 1.6.
  [UPGRADE_GATE_UNIT]: 2.0,
  // The installer's sandbox and user, and no network at all. Measured 0.6.
  [ROLLBACK_UNIT]: 1.0,
};

/** The bridge only carries chat messages: the agent's sandbox plus a tighter syscall filter. Measured 1.1. */
export const BRIDGE_CEILING = 1.3;

export function exposureCeiling(unit: string, bridgeUnit: string): number {
  if (unit === bridgeUnit) return BRIDGE_CEILING;
  const ceiling = EXPOSURE_CEILINGS[unit];
  if (ceiling === undefined) throw new Error(`no exposure ceiling for ${unit}: add one to test/boot/exposure.ts, with the reason`);
  return ceiling;
}

/** `systemd-analyze security <unit>` inside the container: the overall exposure score. */
export async function exposureOf(c: Container, unit: string): Promise<number> {
  const r = await c.exec(["systemd-analyze", "security", "--no-pager", unit]);
  const m = /Overall exposure level for \S+: (\d+(?:\.\d+)?)/.exec(r.stdout);
  if (!m) throw new Error(`systemd-analyze security ${unit}: no overall exposure level (exit ${r.code})\n${r.stdout}${r.stderr}`);
  return Number(m[1]);
}
