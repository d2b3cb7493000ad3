/** Pieces every cloud target uses the same way. */
import * as pulumi from "@pulumi/pulumi";
import ipaddr from "ipaddr.js";
import * as random from "@pulumi/random";
import { buildConfigFiles, referencedSecrets } from "../cloud-init/host-payload";
import type { ConfigProblem } from "../config/errors";
import { setCommand } from "../config/load";
import { RUNTIME_TOKEN_SECRET, type StackSpec } from "../config/spec";
import { parseCidr } from "../config/values";
import { RUNTIME_PORT } from "../cloud-init/model";

/**
 * The runtime's bearer token, shared by runtime and bridge. Without one the runtime invents a token it never
 * prints and the bridge cannot connect. Alphanumeric so it is safe in env files; 48 chars ~ 285 bits.
 */
export const RUNTIME_TOKEN_LENGTH = 48;

export function createRuntimeToken(opts?: pulumi.CustomResourceOptions): random.RandomPassword {
  return new random.RandomPassword("runtime-token", { length: RUNTIME_TOKEN_LENGTH, special: false }, opts);
}

/**
 * Every secret the host's config files reference, by id, with its value: the generated runtime token and the
 * spec's secrets. Only what the host references is returned (a keyless provider's unused key stays out).
 */
export function hostSecrets(spec: StackSpec, runtimeToken: pulumi.Input<string>, configDir: string): Map<string, pulumi.Input<string>> {
  const out = new Map<string, pulumi.Input<string>>();
  for (const id of referencedSecrets(buildConfigFiles(spec, configDir))) {
    const value = id === RUNTIME_TOKEN_SECRET ? runtimeToken : spec.secrets.get(id);
    if (value === undefined) throw new Error(`the host references secret ${id}, which the spec does not provide`);
    out.set(id, pulumi.secret(value));
  }
  return out;
}

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

/** The pairing step every bridge shares once it has told the user the chat id. */
export const ALLOWLIST_STEP = "Put that id in the allowlist: pulumi config set --path 'chatAllowlist[0]' <id>, then pulumi up (rolls out without replacing the host).";

/**
 * What the user does after `pulumi up`, as a stack output. The bot/app was created before the deploy (its
 * credentials are required config), so what is left is: wait, pair, use. `before` are steps a cloud needs
 * first (e.g. how to learn the address when the provider does not report it).
 */
export function nextSteps(spec: StackSpec, sshUser: string, host: string, before: readonly string[] = []): string {
  const steps = [
    ...before,
    `Wait for the host to converge (first boot installs CodeWhale ${spec.codewhale.version}): ssh ${sshUser}@${host} systemctl is-active codewhale-runtime ${spec.bridge.unitName}`,
    ...spec.bridge.pairingSteps({ ssh: `ssh ${sshUser}@${host}`, unit: spec.bridge.unitName }),
    ALLOWLIST_STEP,
    "Use it: send the bot a task in plain words; tool approvals arrive as messages, answer /allow <id> or /deny <id>; /new starts a thread, /threads lists them.",
    `Runtime API: ssh -N -L ${RUNTIME_PORT}:127.0.0.1:${RUNTIME_PORT} ${sshUser}@${host}, then curl http://127.0.0.1:${RUNTIME_PORT}/health (token: pulumi stack output runtimeToken --show-secrets).`,
  ];
  return steps.map((s, i) => `${i + 1}. ${s}`).join("\n");
}
