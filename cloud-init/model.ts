/**
 * The cloud-neutral description of what an agent host must get. Built once from the spec
 * (`buildHostPayload`), then rendered as `#cloud-config` or as a shell bootstrap. Secrets never appear
 * here: config files reference them by id, and each cloud's delivery decides how values arrive.
 */

/** A file whose content is fixed by the program's code and the cloud (scripts, units). */
export interface HostFile {
  readonly path: string;
  readonly owner: string;
  readonly group: string;
  /** Octal string, e.g. "0644". */
  readonly mode: string;
  readonly content: string;
}

/** One `NAME=value` line of an env file: a literal, or a reference to a secret by id. */
export type EnvEntry =
  | { readonly name: string; readonly value: string; readonly secret?: undefined }
  | { readonly name: string; readonly secret: string; readonly value?: undefined };

/**
 * A file that changes with day-2 config (model, allowlist, version, secrets). It lives in the delivery's
 * config dir, always 0640 root:codewhale. The file name (never a path) is the same on every cloud.
 */
export type ConfigFile =
  | { readonly name: string; readonly format: "env"; readonly entries: readonly EnvEntry[] }
  | { readonly name: string; readonly format: "raw"; readonly content: string };

/**
 * How config files and their secrets reach the host. The payload builder asks the cloud for one; it never
 * decides by itself.
 */
export interface SecretDelivery {
  /** Directory the services read their env files from. */
  readonly configDir: string;
  /** Files the delivery needs on the host (e.g. the Key Vault fetcher and its unit). */
  readonly files: readonly HostFile[];
  /** A unit that must finish before anything reads the config dir, if the delivery has one. */
  readonly producerUnit?: string;
  /** Whether the rendered payload itself writes the config files (env file delivery) or not (fetched). */
  readonly inlineConfigFiles: boolean;
}

export interface HostPayload {
  /** Debian/Ubuntu packages. */
  readonly packages: readonly string[];
  /** The unprivileged service user; its home lives on the data volume. */
  readonly user: { readonly name: string; readonly home: string };
  readonly files: readonly HostFile[];
  readonly configDir: string;
  readonly configFiles: readonly ConfigFile[];
  readonly inlineConfigFiles: boolean;
  /** Units to enable and start, in start order. */
  readonly units: readonly string[];
  /** Command that (re)applies config: restarts every unit in order. Used on day-2 rollouts. */
  readonly applyCommand: string;
  /**
   * The admin user's SSH public keys, where the cloud has no key mechanism the payload may rely on (Lighthouse:
   * binding a key pair force-stops the instance). The payload then owns that user's ~/.ssh/authorized_keys.
   */
  readonly authorizedKeys?: AuthorizedKeys;
}

/** An existing (trusted) login user and the exact list of public keys its authorized_keys holds. */
export interface AuthorizedKeys {
  readonly user: string;
  readonly keys: readonly string[];
}

export const SERVICE_USER = "codewhale";
export const DATA_DIR = "/var/lib/codewhale";
export const WORKSPACE_DIR = `${DATA_DIR}/workspace`;
export const AGENT_HOME = `${DATA_DIR}/home`;
export const CODEWHALE_HOME = `${AGENT_HOME}/.codewhale`;
export const BRIDGE_STATE_ROOT = `${DATA_DIR}/bridge`;
export const INSTALL_ROOT = "/opt/codewhale";
export const LIB_DIR = "/usr/local/lib/codewhale-remote";
export const RUNTIME_HOST = "127.0.0.1";
export const RUNTIME_PORT = 7878;
export const RUNTIME_URL = `http://${RUNTIME_HOST}:${RUNTIME_PORT}`;

/** Names of the config files every cloud delivers. */
export const CONFIG_FILES = {
  install: "install.env",
  runtime: "runtime.env",
  bridge: "bridge.env",
  runtimeToml: "config.toml",
} as const;
