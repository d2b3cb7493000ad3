/**
 * The two ways config files and secrets reach a host.
 *
 * - Key Vault (Azure): nothing variable is in user data. At boot and on every rollout a root oneshot reads
 *   a manifest and the secrets from Key Vault with the VM's managed identity and writes /run/codewhale
 *   (tmpfs: secrets never touch the disk). User data stays byte-identical across day-2 changes, so the VM is
 *   never replaced for them.
 * - Env file (Lighthouse, manual installs): the shell bootstrap writes /etc/codewhale itself; the cloud
 *   target makes the whole bootstrap a Pulumi secret because it carries the values.
 */
import { CONFIG_DIR_MODE, LIB_DIR, type ConfigFile, type HostFile, type SecretDelivery } from "./model";
import { readAsset } from "./assets";
import { renderUnit } from "./systemd-unit";

export const CONFIG_UNIT = "codewhale-config.service";
export const HOST_CONFIG_SECRET = "host-config";
/** Where the Key Vault delivery writes the env files: tmpfs, so secrets never touch the disk. */
export const KEY_VAULT_CONFIG_DIR = "/run/codewhale";

export function keyVaultDelivery(vaultUrl: string): SecretDelivery {
  const configDir = KEY_VAULT_CONFIG_DIR;
  const unit = renderUnit({
    Unit: [
      ["Description", "codewhale-remote: fetch config and secrets from Azure Key Vault (managed identity)"],
      ["Wants", "network-online.target"],
      ["After", "network-online.target"],
    ],
    Service: [
      ["Type", "oneshot"],
      ["RemainAfterExit", true],
      ["Environment", `CODEWHALE_VAULT_URL=${vaultUrl}`],
      ["Environment", `CODEWHALE_CONFIG_DIR=${configDir}`],
      ["ExecStart", `/usr/bin/node --no-warnings ${LIB_DIR}/fetch-host-config.mjs`],
      // The fetcher retries for up to 15 minutes (role assignments take minutes to apply).
      ["TimeoutStartSec", "1000"],
      // /run/codewhale, made by systemd (root-owned, traversable, not listable); kept when the unit stops, as
      // the services read it after this oneshot is done.
      ["RuntimeDirectory", configDir.replace(/^\/run\//, "")],
      ["RuntimeDirectoryMode", CONFIG_DIR_MODE],
      ["RuntimeDirectoryPreserve", true],
      // Root, but only to give config.toml its group (CAP_CHOWN): it owns everything it writes.
      ["CapabilityBoundingSet", "CAP_CHOWN"],
      ["AmbientCapabilities", ""],
      ["NoNewPrivileges", true],
      ["ProtectSystem", "strict"],
      ["ProtectHome", true],
      ["PrivateTmp", true],
      ["PrivateDevices", true],
      ["DevicePolicy", "closed"],
      ["ProtectKernelTunables", true],
      ["ProtectKernelModules", true],
      ["ProtectKernelLogs", true],
      ["ProtectControlGroups", true],
      ["ProtectClock", true],
      ["ProtectHostname", true],
      ["ProtectProc", "invisible"],
      ["ProcSubset", "pid"],
      ["RestrictNamespaces", true],
      ["RestrictRealtime", true],
      ["RestrictSUIDSGID", true],
      ["LockPersonality", true],
      ["SystemCallArchitectures", "native"],
      ["SystemCallFilter", "@system-service"],
      ["SystemCallFilter", "~@privileged @resources @mount @debug"],
      ["SystemCallFilter", "fchown"],
      ["SystemCallErrorNumber", "EPERM"],
      ["KeyringMode", "private"],
      ["UMask", "0077"],
      ["LimitCORE", "0"],
      ["RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6"],
    ],
    Install: [["WantedBy", "multi-user.target"]],
  });
  const files: HostFile[] = [
    { path: `${LIB_DIR}/fetch-host-config.mjs`, owner: "root", group: "root", mode: "0755", content: readAsset("fetch-host-config.mjs") },
    { path: `/etc/systemd/system/${CONFIG_UNIT}`, owner: "root", group: "root", mode: "0644", content: unit },
  ];
  return { configDir, files, producerUnit: CONFIG_UNIT, inlineConfigFiles: false };
}

/** Where the env-file delivery keeps the env files (persistent: written by the bootstrap, read at every start). */
export const ENV_FILE_CONFIG_DIR = "/etc/codewhale";

export function envFileDelivery(): SecretDelivery {
  return { configDir: ENV_FILE_CONFIG_DIR, files: [], inlineConfigFiles: true };
}

/**
 * The manifest the Key Vault fetcher reads (secret `host-config`): the config files with secret references,
 * no values. Deterministic JSON so its hash only changes when the config does.
 */
export function hostConfigManifest(configFiles: readonly ConfigFile[]): string {
  return JSON.stringify({ schema: 1, files: configFiles });
}
