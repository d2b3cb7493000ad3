/**
 * The Key Vault delivery: nothing variable is in user data. At boot and on every rollout a root oneshot reads a
 * manifest and the secrets from Key Vault with the VM's managed identity and writes /run/codewhale (tmpfs:
 * secrets never touch the disk). User data stays byte-identical across day-2 changes, so the VM is never
 * replaced for them.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { CONFIG_DIR_MODE, LIB_DIR, type ConfigFile, type HostFile, type SecretDelivery } from "../../host/model";
import { renderUnit, sandboxedServiceHardening } from "../../host/systemd-unit";

/** The fetcher, shipped verbatim (a real file, so node --check and its tests read it). */
const readAsset = (name: string) => readFileSync(path.join(__dirname, "assets", name), "utf8");

export const CONFIG_UNIT = "codewhale-config.service";
export const HOST_CONFIG_SECRET = "host-config";
/** Where the Key Vault delivery writes the env files: tmpfs, so secrets never touch the disk. */
export const KEY_VAULT_CONFIG_DIR = "/run/codewhale";

/**
 * The fetcher's retry schedule: its defaults in assets/fetch-host-config.mjs (CODEWHALE_FETCH_*), which a
 * test holds equal to these. One run retries for FETCH_DEADLINE_SECONDS in all (a fresh role assignment can
 * take minutes to apply), each request bounded by FETCH_REQUEST_TIMEOUT_SECONDS.
 */
export const FETCH_DEADLINE_SECONDS = 900;
export const FETCH_REQUEST_TIMEOUT_SECONDS = 10;
export const FETCH_BACKOFF_BASE_MS = 1000;
export const FETCH_BACKOFF_CAP_MS = 30_000;
/** One run of codewhale-config may take: the whole retry deadline, a last request, node start and writes. */
export const CONFIG_START_TIMEOUT_SECONDS = FETCH_DEADLINE_SECONDS + FETCH_REQUEST_TIMEOUT_SECONDS + 90;
/**
 * After a failed run (a vault outage longer than the deadline), systemd starts the fetcher again this long
 * after, for ever: no start limit, so codewhale-config recovers by itself when the vault is back. Units
 * whose start waited on it have failed by then (systemd service.c service_enter_dead passes through the
 * failed state before an auto-restart, unless RestartMode=direct, systemd 254+); the payload's drop-in for
 * the producer (host-payload.ts) starts them again once the fetch succeeds.
 */
export const CONFIG_RESTART_SECONDS = 60;

export function keyVaultDelivery(vaultUrl: string): SecretDelivery {
  const configDir = KEY_VAULT_CONFIG_DIR;
  const unit = renderUnit({
    Unit: [
      ["Description", "codewhale-remote: fetch config and secrets from Azure Key Vault (managed identity)"],
      ["Wants", "network-online.target"],
      ["After", "network-online.target"],
      // Never stop restarting (see CONFIG_RESTART_SECONDS): at most one start a minute for a run that fails at
      // once (a refused manifest), one a quarter hour for a run that waits out an unreachable vault.
      ["StartLimitIntervalSec", "0"],
    ],
    Service: [
      ["Type", "oneshot"],
      ["RemainAfterExit", true],
      ["Environment", `CODEWHALE_VAULT_URL=${vaultUrl}`],
      ["Environment", `CODEWHALE_CONFIG_DIR=${configDir}`],
      ["ExecStart", `/usr/bin/node --no-warnings ${LIB_DIR}/fetch-host-config.mjs`],
      // The fetcher retries for up to FETCH_DEADLINE_SECONDS (role assignments take minutes to apply).
      ["TimeoutStartSec", String(CONFIG_START_TIMEOUT_SECONDS)],
      ["Restart", "on-failure"],
      ["RestartSec", String(CONFIG_RESTART_SECONDS)],
      // /run/codewhale, made by systemd (root-owned, traversable, not listable); kept when the unit stops, as
      // the services read it after this oneshot is done.
      ["RuntimeDirectory", configDir.replace(/^\/run\//, "")],
      ["RuntimeDirectoryMode", CONFIG_DIR_MODE],
      ["RuntimeDirectoryPreserve", true],
      // Root, but only to give config.toml its group (CAP_CHOWN, and of the @privileged calls only fchown): it
      // owns everything it writes. It must reach IMDS and the vault, so no IPAddressDeny.
      ...sandboxedServiceHardening,
      ["CapabilityBoundingSet", "CAP_CHOWN"],
      ["SystemCallFilter", "~@privileged @resources @mount @debug"],
      ["SystemCallFilter", "fchown"],
      ["UMask", "0077"],
    ],
    Install: [["WantedBy", "multi-user.target"]],
  });
  const files: HostFile[] = [
    { path: `${LIB_DIR}/fetch-host-config.mjs`, owner: "root", group: "root", mode: "0755", content: readAsset("fetch-host-config.mjs") },
    { path: `/etc/systemd/system/${CONFIG_UNIT}`, owner: "root", group: "root", mode: "0644", content: unit },
  ];
  return { configDir, files, producerUnit: CONFIG_UNIT, inlineConfigFiles: false };
}

/**
 * The manifest the Key Vault fetcher reads (secret `host-config`): the config files with secret references,
 * no values. Deterministic JSON so its hash only changes when the config does.
 */
export function hostConfigManifest(configFiles: readonly ConfigFile[]): string {
  return JSON.stringify({ schema: 1, files: configFiles });
}
