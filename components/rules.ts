/** Config rules several targets share; no cloud SDK here (the target rows import it). */
import ipaddr from "ipaddr.js";
import type { ConfigProblem } from "../config/errors";
import { setCommand } from "../config/keys";
import type { StackSpec } from "../config/spec";
import { parseCidr } from "../config/values";

/**
 * sshAllowedCidrs entries a cloud reachable over IPv4 only cannot honour: an IPv6 source could never reach the
 * host. Entries the contract already refused (an IPv6 address with /32) are named here too, so the one fix
 * given is the one that works on this cloud: the IPv4 address.
 */
export function ipv6CidrProblems(spec: StackSpec, why: string): ConfigProblem[] {
  const ipv6 = (c: string) => {
    const { cidr } = parseCidr(c);
    // ::/0 without the opt-in is refused by the contract as world-open; that problem stays the one shown.
    if (cidr) return cidr.family === "ipv6" && !(cidr.worldOpen && !spec.ssh.allowFromAnywhere);
    return ipaddr.IPv6.isValid(c.split("/")[0]!);
  };
  return spec.ssh.allowedCidrs.flatMap((c, i) =>
    ipv6(c)
      ? [{
          key: `codewhale-remote:sshAllowedCidrs[${i}]`,
          problem: `'${c}' is IPv6, but ${why}: SSH from an IPv6 address could never reach it`,
          expected: "IPv4 CIDRs, such as your IPv4 address with /32 (curl -4 -s https://ifconfig.me)",
          fix: setCommand(["sshAllowedCidrs", i], `"$(curl -4 -s https://ifconfig.me)/32"`),
        }]
      : [],
  );
}

