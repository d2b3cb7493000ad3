/**
 * Spec -> HostPayload. Everything a host needs, independent of the cloud: the cloud contributes only its
 * secret delivery and the names its data disk appears under.
 */
import { stringify as toToml } from "smol-toml";
import { readAsset } from "./assets";
import { PROVIDER_KEY_SECRET, RUNTIME_TOKEN_SECRET, type StackSpec } from "../config/spec";
import {
  AGENT_HOME,
  CODEWHALE_HOME,
  CONFIG_FILES,
  LIB_DIR,
  RUNTIME_URL,
  SERVICE_USER,
  WORKSPACE_DIR,
  type ConfigFile,
  type EnvEntry,
  type HostFile,
  type AuthorizedKeys,
  type HostPayload,
  type SecretDelivery,
} from "./model";
import { DATA_UNIT, INSTALL_UNIT, RUNTIME_UNIT, bridgeStateDir, bridgeUnit, bridgeUnitName, dataUnit, installUnit, runtimeUnit } from "./units";

/**
 * SSH keys only (DESIGN invariant 3), on every cloud and for manual installs: Azure's password switch and
 * cloud-init's `ssh_pwauth` do not reach hosts without user data (Lighthouse images ship their own
 * 50-cloud-init.conf). sshd keeps the first value it reads and includes sshd_config.d/*.conf in lexical order,
 * so the "10-" prefix wins over any later drop-in.
 */
export const SSHD_KEYS_ONLY: HostFile = {
  path: "/etc/ssh/sshd_config.d/10-codewhale-remote.conf",
  owner: "root",
  group: "root",
  mode: "0644",
  content: ["# codewhale-remote: key-based SSH only.", "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PermitRootLogin prohibit-password", ""].join("\n"),
};

/** Re-applies config on the host: what every rollout runs. */
export const APPLY_COMMAND = `${LIB_DIR}/apply`;

export interface HostOptions {
  readonly delivery: SecretDelivery;
  /** Stable device names of the data disk on this cloud, most specific first; empty = no data disk. */
  readonly dataDevices: readonly string[];
  /** Install these keys as the admin user's authorized_keys (clouds without a usable key mechanism). */
  readonly authorizedKeys?: AuthorizedKeys;
}

const unitFile = (name: string, content: string): HostFile => ({
  path: `/etc/systemd/system/${name}`,
  owner: "root",
  group: "root",
  mode: "0644",
  content,
});

const script = (name: string, content: string): HostFile => ({
  path: `${LIB_DIR}/${name}`,
  owner: "root",
  group: "root",
  mode: "0755",
  content,
});

const literal = (entries: Readonly<Record<string, string>>): EnvEntry[] =>
  Object.entries(entries).map(([name, value]) => ({ name, value }));

/**
 * The runtime's config.toml, only when the endpoint is not the provider's official one: the runtime sends an
 * env key only to the official endpoint, so a custom or self-hosted base URL needs `[providers.<id>]` with
 * `api_key_env` naming the env var (the key itself stays in the env file, never in this file).
 */
export function runtimeToml(spec: StackSpec): string | undefined {
  const p = spec.provider;
  const keyEnv = p.apiKeyEnv[0];
  if (p.id === "custom") {
    return toToml({
      provider: "custom",
      providers: { custom: { kind: "openai-compatible", base_url: spec.providerBaseUrl ?? "", model: spec.model, ...(keyEnv ? { api_key_env: keyEnv } : {}) } },
    });
  }
  if (spec.providerBaseUrl === undefined || spec.providerBaseUrl === p.defaultBaseUrl) return undefined;
  const hasKey = spec.secrets.has(PROVIDER_KEY_SECRET);
  return toToml({
    provider: p.id,
    providers: { [p.id]: { base_url: spec.providerBaseUrl, ...(hasKey && keyEnv ? { api_key_env: keyEnv } : {}) } },
  });
}

/** The env files and config.toml: everything that changes on day 2. */
export function buildConfigFiles(spec: StackSpec, configDir: string): ConfigFile[] {
  const bridge = spec.bridge;
  const toml = runtimeToml(spec);
  const providerKeyEnv = spec.secrets.has(PROVIDER_KEY_SECRET) ? spec.provider.apiKeyEnv[0] : undefined;
  const runtime: EnvEntry[] = [
    ...literal({
      CODEWHALE_PROVIDER: spec.provider.id,
      CODEWHALE_MODEL: spec.model,
      CODEWHALE_APPROVAL_POLICY: spec.approvalPolicy,
      CODEWHALE_HOME: CODEWHALE_HOME,
      CODEWHALE_TELEMETRY: "0",
      CODEWHALE_NO_UPDATE_CHECK: "1",
      CODEWHALE_REMOTE_WORKERS: String(spec.runtimeWorkers),
      ...(spec.providerBaseUrl !== undefined ? { CODEWHALE_BASE_URL: spec.providerBaseUrl } : {}),
      ...(toml !== undefined ? { CODEWHALE_CONFIG_PATH: `${configDir}/${CONFIG_FILES.runtimeToml}` } : {}),
    }),
    { name: "CODEWHALE_RUNTIME_TOKEN", secret: RUNTIME_TOKEN_SECRET },
    ...(providerKeyEnv ? [{ name: providerKeyEnv, secret: PROVIDER_KEY_SECRET }] : []),
  ];
  const bridgeEnv: EnvEntry[] = [
    ...literal(
      bridge.env({ runtimeUrl: RUNTIME_URL, workspace: WORKSPACE_DIR, model: spec.model, stateDir: bridgeStateDir(bridge), settings: spec.chat }),
    ),
    ...bridge.runtimeTokenEnv.map((name) => ({ name, secret: RUNTIME_TOKEN_SECRET })),
    ...bridge.secrets.flatMap((s) => s.env.map((name) => ({ name, secret: s.secretId }))),
  ];
  const install: EnvEntry[] = literal({
    CODEWHALE_VERSION: spec.codewhale.version,
    CODEWHALE_RELEASE_BASE_URL: spec.codewhale.releaseBaseUrl,
    CODEWHALE_REPO_URL: spec.codewhale.repoUrl,
    CODEWHALE_BRIDGE_DIR: bridge.integrationDir,
    ...(spec.codewhale.sha256 !== undefined ? { CODEWHALE_SHA256: spec.codewhale.sha256 } : {}),
  });
  return [
    { name: CONFIG_FILES.install, format: "env", entries: install },
    { name: CONFIG_FILES.runtime, format: "env", entries: runtime },
    { name: CONFIG_FILES.bridge, format: "env", entries: bridgeEnv },
    ...(toml !== undefined ? [{ name: CONFIG_FILES.runtimeToml, format: "raw" as const, content: toml }] : []),
  ];
}

/** Secret ids the payload references (runtime token, provider key, bridge secrets). */
export function referencedSecrets(configFiles: readonly ConfigFile[]): string[] {
  const ids = new Set<string>();
  for (const f of configFiles) {
    if (f.format === "env") for (const e of f.entries) if (e.secret !== undefined) ids.add(e.secret);
  }
  return [...ids].sort();
}

export function buildHostPayload(spec: StackSpec, options: HostOptions): HostPayload {
  const { delivery } = options;
  const bridge = spec.bridge;
  const units = [DATA_UNIT, ...(delivery.producerUnit ? [delivery.producerUnit] : []), INSTALL_UNIT, RUNTIME_UNIT, bridgeUnitName(bridge)];
  const apply = [
    "#!/bin/sh",
    "# codewhale-remote: roll out changed config: re-read env files, reinstall if the version changed, restart.",
    "set -eu",
    "systemctl daemon-reload",
    `systemctl enable ${units.join(" ")} >/dev/null 2>&1`,
    `systemctl restart ${units.join(" ")}`,
    "# sshd applies a changed drop-in to new connections once it re-reads its config; never reload one it rejects.",
    "# (sshd -t needs its privilege separation dir, which only a running ssh.service creates.)",
    "install -d -m 0755 /run/sshd",
    "if sshd -t; then systemctl try-reload-or-restart ssh.service; else echo 'codewhale-remote: sshd -t rejects the SSH config; ssh not reloaded' >&2; fi",
    "",
  ].join("\n");
  const files: HostFile[] = [
    SSHD_KEYS_ONLY,
    script("install-codewhale", readAsset("install-codewhale.sh")),
    script("prepare-data", readAsset("prepare-data.sh")),
    script("apply", apply),
    ...delivery.files,
    unitFile(DATA_UNIT, dataUnit(options.dataDevices)),
    unitFile(INSTALL_UNIT, installUnit(delivery)),
    unitFile(RUNTIME_UNIT, runtimeUnit(delivery)),
    unitFile(bridgeUnitName(bridge), bridgeUnit(bridge, delivery)),
  ];
  return {
    packages: ["ca-certificates", "curl", "git", "nodejs", ...(bridge.npmDependencies ? ["npm"] : [])],
    user: { name: SERVICE_USER, home: AGENT_HOME },
    files,
    configDir: delivery.configDir,
    configFiles: buildConfigFiles(spec, delivery.configDir),
    inlineConfigFiles: delivery.inlineConfigFiles,
    units,
    applyCommand: APPLY_COMMAND,
    ...(options.authorizedKeys ? { authorizedKeys: options.authorizedKeys } : {}),
  };
}
