/**
 * Before the bootstrap touches an existing host: what the host says about itself and about the deployer's
 * connection, read over the same SSH connection as the login user (no sudo, no secret). The program checks the
 * report and sends no bootstrap to a host that fails it: an unsupported system, a user without passwordless
 * sudo, or a deployer address the host firewall (SSH only from sshAllowedCidrs) would lock out.
 */
import ipaddr from "ipaddr.js";

/** Marks the preflight's stdin (the offline plan's mock answers it as a host would: scripts/offline-mocks.ts). */
export const PREFLIGHT_MARKER = "# codewhale-remote preflight";
/** The preflight runs as the login user, script on stdin (any login shell runs `sh -s`). */
export const PREFLIGHT_COMMAND = "sh -s";

/**
 * sshd sets SSH_CLIENT ("<client address> <client port> <server port>") in every session: the deployer's address
 * as the host sees it, after any NAT, which is the address the host firewall will judge.
 */
export function preflightScript(): string {
  return [
    PREFLIGHT_MARKER,
    "set -u",
    'echo "client=${SSH_CLIENT%% *}"',
    `id=$(sed -n 's/^ID=//p' /etc/os-release 2>/dev/null | tr -d '"')`,
    `version=$(sed -n 's/^VERSION_ID=//p' /etc/os-release 2>/dev/null | tr -d '"')`,
    'echo "os=${id:-unknown} ${version:-unknown}"',
    'echo "arch=$(uname -m)"',
    'if sudo -n true 2>/dev/null; then echo "sudo=yes"; else echo "sudo=no"; fi',
    'echo "init=$(cat /proc/1/comm 2>/dev/null || echo unknown)"',
    "",
  ].join("\n");
}

export interface PreflightReport {
  readonly client: string;
  readonly os: string;
  readonly arch: string;
  readonly sudo: string;
  readonly init: string;
}

export function parsePreflight(stdout: string): PreflightReport {
  const fields = new Map(stdout.split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1).trim()] as const));
  const get = (k: string) => fields.get(k) ?? "";
  return { client: get("client"), os: get("os"), arch: get("arch"), sudo: get("sudo"), init: get("init") };
}

/** The systems this target supports: what the bootstrap's packages, units and sshd settings are tested against. */
export const SUPPORTED_SYSTEMS: readonly string[] = ["ubuntu 22.04", "ubuntu 24.04", "debian 12"];
/** `uname -m` of the supported architectures (x64 and arm64 release binaries). */
export const SUPPORTED_ARCHES: readonly string[] = ["x86_64", "aarch64"];

/** Is `address` (as sshd reports it: IPv4, IPv6, or IPv4-mapped IPv6) inside one of `cidrs`? */
export function addressAllowed(address: string, cidrs: readonly string[]): boolean {
  if (!ipaddr.isValid(address)) return false;
  let addr = ipaddr.parse(address);
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  return cidrs.some((c) => {
    const range = ipaddr.parseCIDR(c);
    return range[0].kind() === addr.kind() && addr.match(range);
  });
}

/** Every reason not to run the bootstrap on this host, each with its fix; empty = go. */
export function preflightProblems(r: PreflightReport, allowedCidrs: readonly string[], user: string): string[] {
  const out: string[] = [];
  if (!r.client) {
    out.push("the host did not report the deployer's address (SSH_CLIENT is unset): the firewall check cannot run, so nothing was changed");
  } else if (!addressAllowed(r.client, allowedCidrs)) {
    out.push(
      `the host sees this deployer at ${r.client}, which sshAllowedCidrs (${allowedCidrs.join(", ")}) does not cover: the host firewall would lock this connection, and every later pulumi up, out. Add it: pulumi config set --path 'sshAllowedCidrs[${allowedCidrs.length}]' ${r.client}${r.client.includes(":") ? "/128" : "/32"}`,
    );
  }
  if (!SUPPORTED_SYSTEMS.includes(r.os)) out.push(`the host runs '${r.os || "unknown"}'; this target supports ${SUPPORTED_SYSTEMS.join(", ")}`);
  if (!SUPPORTED_ARCHES.includes(r.arch)) out.push(`the host's architecture is '${r.arch || "unknown"}'; CodeWhale releases exist for x86_64 and aarch64`);
  if (r.sudo !== "yes") {
    out.push(`${user} has no passwordless sudo (sudo -n true failed): as root on the host, run visudo -f /etc/sudoers.d/codewhale-deploy and add '${user} ALL=(ALL) NOPASSWD: ALL'`);
  }
  if (r.init !== "systemd") out.push(`the host's init is '${r.init || "unknown"}', not systemd: the services are systemd units`);
  return out;
}
