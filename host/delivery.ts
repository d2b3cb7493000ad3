/**
 * How config files and secrets reach a host (a `SecretDelivery`): the env-file delivery every shell-bootstrap
 * host uses (the bootstrap writes /etc/codewhale itself; the target makes the whole bootstrap a Pulumi secret
 * because it carries the values). A target with a secret store of its own brings its own delivery (Azure:
 * components/azure/key-vault-delivery.ts).
 */
import type { SecretDelivery } from "./model";

/** Where the env-file delivery keeps the env files (persistent: written by the bootstrap, read at every start). */
export const ENV_FILE_CONFIG_DIR = "/etc/codewhale";

export function envFileDelivery(): SecretDelivery {
  return { configDir: ENV_FILE_CONFIG_DIR, files: [], inlineConfigFiles: true };
}

