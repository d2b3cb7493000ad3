/**
 * The host payload on an existing host: the shell bootstrap with env-file delivery, the data on the system disk
 * (no data device is known on someone else's machine), unattended security upgrades on (nothing else is known to
 * patch it), and sshd admitting only `ssh.user`. The login user's authorized_keys is not touched: it is what the
 * deployer logs in with right now, and rewriting it (the Lighthouse bootstrap does, for a user it created) could
 * lock the deployer out if the stack's sshPublicKey is not the key sshPrivateKey belongs to.
 */
import type { StackSpec } from "../../config/spec";
import { envFileDelivery } from "../../host/delivery";
import { buildHostPayload } from "../../host/host-payload";
import type { HostPayload } from "../../host/model";
import { placeholdersIn, renderShellBootstrap } from "../../host/render-shell";
import { renderTeardown } from "./teardown";

export interface RenderedSshPayload {
  readonly payload: HostPayload;
  /** With secret placeholders: what the bundle shows; the component fills it inside a Pulumi secret. */
  readonly bootstrap: string;
  readonly secretIds: readonly string[];
  /** What `pulumi destroy` runs (no secret). */
  readonly teardown: string;
}

export function renderSshPayload(spec: StackSpec, loginUser: string, removeDataOnDestroy: boolean): RenderedSshPayload {
  const payload = buildHostPayload(spec, { delivery: envFileDelivery(), dataDevices: [], sshLoginUser: loginUser, unattendedUpgrades: true });
  const bootstrap = renderShellBootstrap(payload);
  return { payload, bootstrap, secretIds: placeholdersIn(bootstrap), teardown: renderTeardown(payload, { removeData: removeDataOnDestroy }) };
}
