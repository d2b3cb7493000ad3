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
 * config dir; who may read it follows from its format (`configFileAccess`). The file name (never a path) is the
 * same on every cloud.
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

/** An unprivileged system user: locked, no login shell, never allowed to log in over SSH. */
export interface ServiceUser {
  readonly name: string;
  readonly home: string;
}

export interface HostPayload {
  /** Debian/Ubuntu packages. */
  readonly packages: readonly string[];
  /** The service users, one per service that runs untrusted or secret-holding code (agent, bridge). */
  readonly users: readonly ServiceUser[];
  readonly files: readonly HostFile[];
  readonly configDir: string;
  readonly configFiles: readonly ConfigFile[];
  readonly inlineConfigFiles: boolean;
  /** Units to enable and start, in start order. */
  readonly units: readonly string[];
  /** Run as root after the files and users exist, before any unit starts (locks the service users down). */
  readonly prepareCommand: string;
  /** Command that (re)applies config: restarts every unit in order. Used on day-2 rollouts. */
  readonly applyCommand: string;
  /** Validates the SSH config and makes the running sshd read it (a shell command line). */
  readonly reloadSshdCommand: string;
  /** The one user sshd admits. */
  readonly sshLoginUser: string;
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

/** The agent's user: the runtime runs as it, and so does every command the agent runs. Assumed hostile. */
export const AGENT_USER = "codewhale";
/**
 * The bridge's user. Never the agent's: the bridge holds the chat platform's secrets, and a process of the
 * agent's uid could read its memory and environment, signal it or rewrite its state.
 */
export const BRIDGE_USER = "codewhale-bridge";
/**
 * The installer's user: owns /opt/codewhale (release binaries and the bridge checkout), which neither service
 * can write, and runs the download, the checkout, `npm ci` and the binary's smoke test unprivileged.
 */
export const INSTALL_USER = "codewhale-install";
/** Home of the bridge user: none (its state lives in the bridge unit's StateDirectory). */
export const NO_HOME = "/nonexistent";
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

/**
 * Who may read a config file. Env files are read by systemd (as root, before it drops privileges: the
 * `EnvironmentFile=` of each unit), so they are root-only and no service can read another's secrets; raw files
 * (config.toml) are read by the runtime itself and carry no secret (they name env vars, never values).
 */
export function configFileAccess(file: Pick<ConfigFile, "format">): { readonly mode: string; readonly owner: string; readonly group: string } {
  return file.format === "env" ? { mode: "0600", owner: "root", group: "root" } : { mode: "0640", owner: "root", group: AGENT_USER };
}
/** The config dir: traversable by the services (the runtime reads config.toml), listable by root only. */
export const CONFIG_DIR_MODE = "0711";

/** The nftables table the host firewall owns (and only that one: other tables on the host are left alone). */
export const FIREWALL_TABLE = "codewhale_remote";

/** Names of the config files every cloud delivers. */
export const CONFIG_FILES = {
  install: "install.env",
  runtime: "runtime.env",
  bridge: "bridge.env",
  runtimeToml: "config.toml",
  firewall: "firewall.nft",
} as const;

/**
 * A value the payload needs that the deploy learns only from the cloud (the vault's name, the data disk's id).
 * The payload is built once per stack, before the cloud answers, with this placeholder in its text; the target
 * fills it when it renders (`fillLateValues`). Not for secrets (those are `secretPlaceholder`s).
 */
export const lateValue = (name: string): string => `@@CODEWHALE_LATE:${name}@@`;

const LATE = /@@CODEWHALE_LATE:([a-z0-9-]+)@@/g;
/** What a late value may be: it lands unquoted in unit files and shell heredocs. */
const LATE_VALUE = /^[A-Za-z0-9:/._-]+$/;

/** The text with every late value filled; throws on one without a value, or a value that is not plain. */
export function fillLateValues(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(LATE, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`the host payload needs ${name}, which the target did not give`);
    if (!LATE_VALUE.test(v)) throw new Error(`${name} '${v}' is not a plain value (letters, digits, : / . _ -)`);
    return v;
  });
}
