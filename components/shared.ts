/** Pieces every cloud target uses the same way. */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { StackSpec } from "../config/spec";
import { RUNTIME_PORT } from "../cloud-init/model";

/**
 * The runtime's bearer token, shared by runtime and bridge. Without one the runtime invents a token it never
 * prints and the bridge cannot connect. Alphanumeric so it is safe in env files; 48 chars ~ 285 bits.
 */
export function createRuntimeToken(opts?: pulumi.CustomResourceOptions): random.RandomPassword {
  return new random.RandomPassword("runtime-token", { length: 48, special: false }, opts);
}

/** What the user does after `pulumi up`, as a stack output. */
export function nextSteps(spec: StackSpec, sshUser: string, host: string): string {
  return [
    `1. Wait for the host to converge (first boot installs CodeWhale ${spec.codewhale.version}): ssh ${sshUser}@${host} systemctl is-active codewhale-runtime ${spec.bridge.unitName}`,
    ...spec.bridge.pairingSteps.map((s, i) => `${i + 2}. ${s}`),
    `${spec.bridge.pairingSteps.length + 2}. Runtime API: ssh -N -L ${RUNTIME_PORT}:127.0.0.1:${RUNTIME_PORT} ${sshUser}@${host}, then curl http://127.0.0.1:${RUNTIME_PORT}/health (token: pulumi stack output runtimeToken --show-secrets).`,
  ].join("\n");
}
