/**
 * The `ssh` target's settings (config key `codewhale-remote:ssh`): an existing Ubuntu 22.04/24.04 or Debian 12
 * host that the deployer reaches over SSH. Imports no SDK: the loader validates these before anything loads.
 */
import { z } from "zod";

/** The settings key of this target in the stack config. */
export const SSH_SETTINGS_KEY = "ssh";
/** The secret the deployer's SSH session authenticates with (absent: the deployer's ssh-agent). */
export const SSH_PRIVATE_KEY_CONFIG = "sshPrivateKey";
/** Its id in the spec's secrets (never referenced by the host: hostSecrets leaves it out). */
export const SSH_PRIVATE_KEY_SECRET = "ssh-private-key";

export const sshSettingsSchema = z
  .object({
    // DNS name or IP literal of the host; its format is checked by hostProblem (one message per mistake).
    host: z.string().optional(),
    // The login user. pulumi-command defaults to root (connection.go: SetDefault(&c.User, "root")), but the host
    // payload's sshd drop-in says PermitRootLogin no and AllowUsers <login user>: root would lock the deployer
    // out from the second run on, so validate() refuses root and names the fix (a sudo user).
    user: z.string().default("root"),
    port: z.number().int().min(1).max(65535).default(22),
    // One public host key, as `ssh-keyscan` or known_hosts print it (`[host] <type> <base64> [comment]`).
    hostKey: z.string().optional(),
    // pulumi destroy stops and disables the services; with true it also deletes the workspace, the agent's home,
    // the bridge state, the install and the service users.
    removeDataOnDestroy: z.boolean().default(false),
  })
  .strict();

export type SshSettings = z.infer<typeof sshSettingsSchema>;
