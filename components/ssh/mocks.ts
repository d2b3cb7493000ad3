/**
 * What the offline plan answers in place of an existing host: the preflight's report of a supported host
 * (components/ssh/preflight.ts), Ubuntu 24.04 on x86_64 with passwordless sudo under systemd, the deployer seen at
 * the first address of the first allowed CIDR (the preflight's triggers carry the CIDRs after the bootstrap
 * digest). Every other remote command prints nothing.
 */
import ipaddr from "ipaddr.js";
import type { TargetMocks } from "../target";
import { PREFLIGHT_MARKER } from "./preflight";

export function offlinePreflightReport(allowedCidrs: readonly string[]): string {
  const first = allowedCidrs[0];
  const client = first ? (first.includes(":") ? ipaddr.IPv6.networkAddressFromCIDR(first) : ipaddr.IPv4.networkAddressFromCIDR(first)).toString() : "";
  return [`client=${client}`, "os=ubuntu 24.04", "arch=x86_64", "sudo=yes", "init=systemd"].join("\n");
}

export const sshMocks: TargetMocks = {
  outputs: {
    "command:remote:Command": (_name, i) =>
      typeof i.stdin === "string" && i.stdin.startsWith(PREFLIGHT_MARKER)
        ? { stdout: offlinePreflightReport(((i.triggers as unknown[] | undefined) ?? []).slice(1).map(String)), stderr: "" }
        : {},
  },
  // pulumi-command's ids are the resource name with a random hex suffix (commandController.go Create: resource.NewUniqueHex(name, 8, 0)).
  ids: { "command:remote:Command": (name) => `${name}00000000` },
};
