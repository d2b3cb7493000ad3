/**
 * How much each unit is allowed to expose, as `systemd-analyze security` scores it (0 = fully sandboxed,
 * 10 = unrestricted root), measured on the loaded units of the booted test host. A ceiling sits a little
 * above what the unit needs; a change that loosens the sandbox past it fails the boot test.
 */
import { CONFIG_UNIT } from "../../cloud-init/delivery";
import { DATA_UNIT, INSTALL_UNIT, RUNTIME_UNIT } from "../../cloud-init/units";
import type { Container } from "./nspawn";

/** Ceilings by unit name; every bridge unit shares BRIDGE_CEILING. */
export const EXPOSURE_CEILINGS: Readonly<Record<string, number>> = {
  // The runtime drives an agent that runs arbitrary shell commands in its workspace (compilers, git, the
  // package managers of languages): no syscall filter, no user namespace, netlink allowed. It still gets
  // no capability, a read-only system, no /home, its own /tmp and no route to the metadata endpoint.
  // Measured 3.6 on Debian 12 (systemd 252).
  [RUNTIME_UNIT]: 4.0,
  // Root, by necessity: it writes 0640 root:codewhale files (CAP_CHOWN, CAP_FOWNER, CAP_DAC_OVERRIDE) and is
  // the one unit that must reach IMDS and the vault. Runs for seconds at boot and rollout. Measured 5.2.
  [CONFIG_UNIT]: 5.5,
  // Root oneshots with no sandbox today: codewhale-data formats and mounts the data disk and edits
  // /etc/fstab; codewhale-install replaces /opt/codewhale and runs git and npm. They run our scripts only,
  // at boot and rollout, and leave no process behind. The ceiling pins today's score (9.6) so that the
  // report shows it; sandboxing them is possible but not needed for the services' threat model.
  [DATA_UNIT]: 9.6,
  [INSTALL_UNIT]: 9.6,
};

/**
 * The bridge only carries chat messages between an outbound HTTPS/WebSocket connection and the loopback
 * runtime: no capability, a private user namespace, a syscall filter, no devices, a private /proc. It needs
 * far less than the runtime, so its ceiling is far lower. Measured 1.1.
 */
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
