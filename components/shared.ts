/** Pieces every cloud target uses the same way. */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { referencedSecrets } from "../host/host-payload";
import type { ConfigFile } from "../host/model";
import { RUNTIME_TOKEN_SECRET, type StackSpec } from "../config/spec";
import { RUNTIME_PORT } from "../host/model";

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
export function hostSecrets(spec: StackSpec, runtimeToken: pulumi.Input<string>, configFiles: readonly ConfigFile[]): Map<string, pulumi.Input<string>> {
  const out = new Map<string, pulumi.Input<string>>();
  for (const id of referencedSecrets(configFiles)) {
    const value = id === RUNTIME_TOKEN_SECRET ? runtimeToken : spec.secrets.get(id);
    if (value === undefined) throw new Error(`the host references secret ${id}, which the spec does not provide`);
    out.set(id, pulumi.secret(value));
  }
  return out;
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
    `Wait for the host to converge (the first run installs CodeWhale ${spec.codewhale.version}): ssh ${sshUser}@${host} systemctl is-active codewhale-runtime ${spec.bridge.unitName}`,
    ...spec.bridge.pairingSteps({ ssh: `ssh ${sshUser}@${host}`, unit: spec.bridge.unitName }),
    ALLOWLIST_STEP,
    "Use it: send the bot a task in plain words; tool approvals arrive as messages, answer /allow <id> or /deny <id>; /new starts a thread, /threads lists them.",
    `Runtime API: ssh -N -L ${RUNTIME_PORT}:127.0.0.1:${RUNTIME_PORT} ${sshUser}@${host}, then curl http://127.0.0.1:${RUNTIME_PORT}/health (token: pulumi stack output runtimeToken --show-secrets).`,
  ];
  return steps.map((s, i) => `${i + 1}. ${s}`).join("\n");
}
