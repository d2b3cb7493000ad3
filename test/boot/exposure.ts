/**
 * How much each unit is allowed to expose, as `systemd-analyze security` scores it (0 = fully sandboxed,
 * 10 = unrestricted root), measured on the loaded units of the booted test host (Debian 12, systemd 252). A
 * ceiling sits at what the issue asks (runtime 2.0, bridge 1.5, root helpers 5.0); a change that loosens a
 * sandbox past it fails the boot test. The measured scores are printed with each run.
 */
import { CONFIG_UNIT } from "../../cloud-init/delivery";
import { DATA_UNIT, FIREWALL_UNIT, INSTALL_UNIT, RUNTIME_UNIT } from "../../cloud-init/units";
import type { Container } from "./nspawn";

/** Ceilings by unit name; every bridge unit shares BRIDGE_CEILING. */
export const EXPOSURE_CEILINGS: Readonly<Record<string, number>> = {
  // The agent runs arbitrary shell commands (compilers, git, package managers): it keeps network access and
  // the ordinary system calls, but no capability, no namespaces, a private user namespace, a read-only system.
  [RUNTIME_UNIT]: 2.0,
  // Root, but only CAP_CHOWN (config.toml's group); the one unit that must reach IMDS and the vault.
  [CONFIG_UNIT]: 5.0,
  // Root oneshots that act on the host itself (mount the data disk; load the firewall), so no mount namespace:
  // one capability each, no network, a syscall filter.
  [DATA_UNIT]: 5.0,
  [FIREWALL_UNIT]: 5.0,
  // Runs as its own unprivileged user with no capability at all, in a read-only system.
  [INSTALL_UNIT]: 5.0,
};

/** The bridge only carries chat messages: the agent's sandbox plus a tighter syscall filter. */
export const BRIDGE_CEILING = 1.5;

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
