/**
 * Spec -> HostPayload. Everything a host needs, independent of the cloud: the cloud contributes only its
 * secret delivery and the names its data disk appears under.
 */
import { readFileSync } from "node:fs";
import ipaddr from "ipaddr.js";
import { stringify as toToml } from "smol-toml";
import { readAsset } from "./assets";
import { bridges } from "../bridges/registry";
import { modelProviders } from "../config/model-providers";
import { PROVIDER_KEY_SECRET, RUNTIME_TOKEN_SECRET, type StackSpec } from "../config/spec";
import {
  AGENT_HOME,
  AGENT_USER,
  BRIDGE_USER,
  CODEWHALE_HOME,
  CONFIG_FILES,
  FIREWALL_TABLE,
  INSTALL_ROOT,
  INSTALL_USER,
  LIB_DIR,
  NO_HOME,
  RUNTIME_URL,
  WORKSPACE_DIR,
  type ConfigFile,
  type EnvEntry,
  type HostFile,
  type AuthorizedKeys,
  type HostPayload,
  type SecretDelivery,
  type ServiceUser,
} from "./model";
import { HOST_ENDPOINTS, renderUnitDropIn } from "./systemd-unit";
import {
  DATA_UNIT,
  FIREWALL_UNIT,
  HEALTH_CHECK_UNIT,
  INSTALL_UNIT,
  OPS_COMMAND,
  OPS_CONFIG,
  LIMIT_ENV,
  RUNTIME_UNIT,
  ROLLBACK_UNIT,
  UPGRADE_GATE_UNIT,
  WATCHDOG_CONFIG,
  CHAT_PLATFORM_MODULE,
  WATCHDOG_TIMER,
  WATCHDOG_UNIT,
  bridgeStateDir,
  bridgeUnit,
  bridgeUnitName,
  dataUnit,
  firewallUnit,
  healthCheckUnit,
  installUnit,
  opsConfig,
  rollbackUnit,
  runtimeUnit,
  upgradeGateUnit,
  watchdogConfig,
  watchdogTimer,
  watchdogUnit,
} from "./units";

/** The service users: none of them may ever log in. */
export const SERVICE_USERS: readonly ServiceUser[] = [
  { name: AGENT_USER, home: AGENT_HOME },
  { name: BRIDGE_USER, home: NO_HOME },
  { name: INSTALL_USER, home: NO_HOME },
];

export const SSHD_DROP_IN_PATH = "/etc/ssh/sshd_config.d/10-codewhale-remote.conf";

/**
 * SSH keys only, and only for the admin user (DESIGN invariant 3), on every cloud and for manual installs:
 * Azure's password switch and cloud-init's `ssh_pwauth` do not reach hosts without user data (Lighthouse images
 * ship their own 50-cloud-init.conf). sshd keeps the first value it reads and includes sshd_config.d/*.conf in
 * lexical order, so the "10-" prefix wins over any later drop-in. The service users are denied by name as well
 * (DenyUsers is checked before AllowUsers): a key the agent plants in its own home must never open a session, a
 * user manager, or a port forward from outside its sandbox.
 */
export function sshdDropIn(loginUser: string): HostFile {
  return {
    path: SSHD_DROP_IN_PATH,
    owner: "root",
    group: "root",
    mode: "0644",
    content: [
      "# codewhale-remote: key-based SSH for the admin user only.",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin no",
      `AllowUsers ${loginUser}`,
      `DenyUsers ${SERVICE_USERS.map((u) => u.name).join(" ")}`,
      "MaxAuthTries 4",
      "LoginGraceTime 30",
      "PermitUserEnvironment no",
      "X11Forwarding no",
      "AllowAgentForwarding no",
      "",
    ].join("\n"),
  };
}

/**
 * The host firewall, beside the cloud's: inbound, loopback, replies and SSH from `sshAllowedCidrs` only; outbound,
 * nothing from the service users to the cloud's host endpoints (metadata, WireServer), matched by the socket's
 * user, so it holds for every process the agent starts, in its unit or not. Root (the config fetcher, the cloud's
 * own agents) is not matched. Day-2 config: it changes with `sshAllowedCidrs`, so it is a config file.
 */
export function firewallRuleset(allowedCidrs: readonly string[]): string {
  const byFamily = { ipv4: [] as string[], ipv6: [] as string[] };
  for (const c of allowedCidrs) {
    // nft wants the network address (no host bits); a user's 203.0.113.7/24 means 203.0.113.0/24.
    const [addr, bits] = ipaddr.parseCIDR(c);
    const network = addr.kind() === "ipv4" ? ipaddr.IPv4.networkAddressFromCIDR(c) : ipaddr.IPv6.networkAddressFromCIDR(c);
    byFamily[addr.kind()].push(`${network.toString()}/${bits}`);
  }
  const users = SERVICE_USERS.map((u) => `"${u.name}"`).join(", ");
  const [v4, v6] = [HOST_ENDPOINTS.filter((a) => !a.includes(":")), HOST_ENDPOINTS.filter((a) => a.includes(":"))];
  const set = (name: string, type: string, elements: readonly string[]) =>
    elements.length > 0 ? [`\tset ${name} {`, `\t\ttype ${type}; flags interval;`, `\t\telements = { ${elements.join(", ")} }`, "\t}"] : [];
  return [
    "#!/usr/sbin/nft -f",
    "# codewhale-remote host firewall (loaded by codewhale-firewall.service). One transaction: the table is",
    "# replaced whole, and other tables on the host are not touched.",
    `table inet ${FIREWALL_TABLE}`,
    `delete table inet ${FIREWALL_TABLE}`,
    `table inet ${FIREWALL_TABLE} {`,
    ...set("ssh_ipv4", "ipv4_addr", byFamily.ipv4),
    ...set("ssh_ipv6", "ipv6_addr", byFamily.ipv6),
    "\tchain input {",
    "\t\ttype filter hook input priority filter; policy drop;",
    '\t\tiif "lo" accept',
    "\t\tct state established,related accept",
    "\t\tct state invalid drop",
    "\t\t# DHCP replies, IPv6 neighbour discovery and router advertisements keep the network up.",
    "\t\tudp sport 67 udp dport 68 accept",
    "\t\tip6 saddr fe80::/10 udp sport 547 udp dport 546 accept",
    "\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } ip6 hoplimit 255 accept",
    ...(byFamily.ipv4.length > 0 ? ["\t\ttcp dport 22 ip saddr @ssh_ipv4 accept"] : []),
    ...(byFamily.ipv6.length > 0 ? ["\t\ttcp dport 22 ip6 saddr @ssh_ipv6 accept"] : []),
    "\t}",
    "\tchain output {",
    "\t\ttype filter hook output priority filter; policy accept;",
    `\t\tmeta skuid { ${users} } ip daddr { ${v4.join(", ")} } counter drop`,
    `\t\tmeta skuid { ${users} } ip6 daddr { ${v6.join(", ")} } counter drop`,
    "\t}",
    "}",
    "",
  ].join("\n");
}

/**
 * sshd applies a changed drop-in to new connections once it re-reads its config; never reload one it rejects.
 * (sshd -t needs its privilege separation dir, which only a running ssh.service creates.)
 */
export const RELOAD_SSHD =
  "install -d -m 0755 /run/sshd && if sshd -t; then systemctl try-reload-or-restart ssh.service; else echo 'codewhale-remote: sshd -t rejects the SSH config; ssh not reloaded' >&2; fi";

/** Re-applies config on the host: what every rollout runs. */
export const APPLY_COMMAND = `${LIB_DIR}/apply`;

export interface HostOptions {
  readonly delivery: SecretDelivery;
  /** Stable device names of the data disk on this cloud, most specific first; empty = no data disk. */
  readonly dataDevices: readonly string[];
  /** The one user sshd admits (the cloud's admin user). */
  readonly sshLoginUser: string;
  /**
   * Install and enable unattended security upgrades: for hosts nothing else patches (Lighthouse, manual
   * installs). Azure patches through the platform (patchMode AutomaticByPlatform).
   */
  readonly unattendedUpgrades: boolean;
  /** Install these keys as the admin user's authorized_keys (clouds without a usable key mechanism). */
  readonly authorizedKeys?: AuthorizedKeys;
  /**
   * The config files, when the target has built them already (`buildConfigFiles` for this delivery's dir): a
   * stack builds them once and hands the same files to its secret store and to the payload.
   */
  readonly configFiles?: readonly ConfigFile[];
}

/** apt's switch for daily package lists and unattended (security) upgrades, as `dpkg-reconfigure unattended-upgrades` writes it. */
export const AUTO_UPGRADES: HostFile = {
  path: "/etc/apt/apt.conf.d/20auto-upgrades",
  owner: "root",
  group: "root",
  mode: "0644",
  content: 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n',
};

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
      [LIMIT_ENV.memoryMax]: spec.runtimeLimits.memoryMax,
      [LIMIT_ENV.tasksMax]: String(spec.runtimeLimits.tasksMax),
      ...(spec.providerBaseUrl !== undefined ? { CODEWHALE_BASE_URL: spec.providerBaseUrl } : {}),
      ...(toml !== undefined ? { CODEWHALE_CONFIG_PATH: `${configDir}/${CONFIG_FILES.runtimeToml}` } : {}),
    }),
    // The runtime reads CODEWHALE_RUNTIME_TOKEN; a bridge's validator may read this file under a legacy name.
    ...[...new Set(["CODEWHALE_RUNTIME_TOKEN", ...bridge.runtimeFileTokenEnv])].map((name) => ({ name, secret: RUNTIME_TOKEN_SECRET })),
    ...(providerKeyEnv ? [{ name: providerKeyEnv, secret: PROVIDER_KEY_SECRET }] : []),
  ];
  const bridgeEnv: EnvEntry[] = [
    ...literal(
      bridge.env({ runtimeUrl: RUNTIME_URL, workspace: WORKSPACE_DIR, model: spec.model, stateDir: bridgeStateDir(bridge), settings: spec.chat, values: spec.bridgeValues }),
    ),
    ...bridge.runtimeTokenEnv.map((name) => ({ name, secret: RUNTIME_TOKEN_SECRET })),
    ...bridge.secrets.flatMap((s) => s.env.map((name) => ({ name, secret: s.secretId }))),
  ];
  const install: EnvEntry[] = literal({
    CODEWHALE_VERSION: spec.codewhale.version,
    CODEWHALE_RELEASE_BASE_URL: spec.codewhale.releaseBaseUrl,
    CODEWHALE_REPO_URL: spec.codewhale.repoUrl,
    CODEWHALE_BRIDGE_DIR: bridge.integrationDir,
    CODEWHALE_COMMIT: spec.codewhale.commit,
    ...(spec.codewhale.sha256 !== undefined ? { CODEWHALE_SHA256: spec.codewhale.sha256 } : {}),
  });
  return [
    { name: CONFIG_FILES.install, format: "env", entries: install },
    { name: CONFIG_FILES.runtime, format: "env", entries: runtime },
    { name: CONFIG_FILES.bridge, format: "env", entries: bridgeEnv },
    ...(toml !== undefined ? [{ name: CONFIG_FILES.runtimeToml, format: "raw" as const, content: toml }] : []),
    { name: CONFIG_FILES.firewall, format: "raw", content: firewallRuleset(spec.ssh.allowedCidrs) },
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

/**
 * Run as root once the service users exist, before any unit starts: no service user has a usable password, a
 * login shell, lingering, or a user manager (`user@<uid>.service` masked), so nothing the agent plants in its home
 * (~/.config/systemd/user, ~/.ssh) ever runs outside its sandbox. Idempotent, and quiet when nothing changes.
 */
export function secureAccountsScript(users: readonly ServiceUser[]): string {
  return [
    "#!/bin/sh",
    "# codewhale-remote: service users never log in, linger, or get a user manager.",
    "set -eu",
    `for user in ${users.map((u) => u.name).join(" ")}; do`,
    '  uid=$(id -u "$user")',
    '  case "$(getent shadow "$user" | cut -d : -f 2)" in "!"* | "*"*) ;; *) usermod --lock "$user" ;; esac',
    '  [ "$(getent passwd "$user" | cut -d : -f 7)" = /usr/sbin/nologin ] || usermod --shell /usr/sbin/nologin "$user"',
    '  rm -f "/var/lib/systemd/linger/$user"',
    '  [ -L "/etc/systemd/system/user@$uid.service" ] || systemctl mask --quiet "user@$uid.service"',
    "done",
    "",
  ].join("\n");
}

/** Polls the runtime's /health (loopback) until it answers, for at most $1 seconds, while its main process $2 lives. */
function waitRuntimeScript(): string {
  return [
    "#!/bin/sh",
    "# codewhale-remote: wait until the runtime answers (ExecStartPost of codewhale-runtime.service).",
    "set -u",
    'deadline=$(($(date +%s) + $1))',
    `until curl -fsS -m 2 -o /dev/null ${RUNTIME_URL}/health; do`,
    '  kill -0 "$2" 2>/dev/null || { echo "codewhale-runtime: exited before /health answered" >&2; exit 1; }',
    '  [ "$(date +%s)" -lt "$deadline" ] || { echo "codewhale-runtime: /health did not answer within $1 s" >&2; exit 1; }',
    "  sleep 0.5",
    "done",
    "",
  ].join("\n");
}

/** Hands the install root to the installer's user: /opt is root-owned, so no one else can plant an entry there. */
const PREPARE_INSTALL = [
  "#!/bin/sh",
  "# codewhale-remote: make the install root the installer's (run as root before codewhale-install starts).",
  "# A root left by an earlier installer that ran as root is handed over once, links not followed; a root the",
  "# installer already owns is not touched (root never acts inside a tree another user can write).",
  "set -eu",
  'root="$1"',
  'user="$2"',
  '[ -L "$root" ] && { echo "codewhale-install: $root is a symbolic link; refusing to use it" >&2; exit 1; }',
  'if [ ! -d "$root" ]; then',
  '  install -d -m 0755 -o "$user" -g "$user" "$root"',
  'elif [ "$(stat -c %u "$root")" = 0 ]; then',
  '  chown -R -h "$user:$user" "$root"',
  "fi",
  "",
].join("\n");

/**
 * The env files that may hold secrets and every env name any model provider or bridge puts a secret under (what
 * the ops wrapper keeps out of its output). All of them, not this stack's: the host's program files must not
 * change with day-2 config (a provider change keeps customData byte-identical), and a name with no entry in the
 * files filters nothing.
 */
export function opsSecretEnv(): { secretFiles: string[]; secretEnv: string[] } {
  const names = [
    "CODEWHALE_RUNTIME_TOKEN",
    ...modelProviders.flatMap((p) => p.apiKeyEnv),
    ...bridges.flatMap((b) => [...b.runtimeTokenEnv, ...b.runtimeFileTokenEnv, ...b.secrets.flatMap((x) => x.env)]),
  ];
  return { secretFiles: [CONFIG_FILES.runtime, CONFIG_FILES.bridge], secretEnv: [...new Set(names)].sort() };
}

export function buildHostPayload(spec: StackSpec, options: HostOptions): HostPayload {
  const { delivery } = options;
  const bridge = spec.bridge;
  const services = [DATA_UNIT, ...(delivery.producerUnit ? [delivery.producerUnit] : []), FIREWALL_UNIT, INSTALL_UNIT, RUNTIME_UNIT, bridgeUnitName(bridge)];
  // The watchdog's timer last: it first fires minutes after boot, by when the services above have started.
  const units = [...services, WATCHDOG_TIMER];
  const apply = [
    "#!/bin/sh",
    "# codewhale-remote: roll out changed config: re-read env files, reinstall if the version changed, restart.",
    "set -eu",
    "systemctl daemon-reload",
    `systemctl enable ${units.join(" ")} >/dev/null 2>&1`,
    `before=$(readlink ${INSTALL_ROOT}/current 2>/dev/null || true)`,
    // Not fatal at once: a new release whose runtime does not come up must still reach the gate below.
    "restarted=0",
    `systemctl restart ${units.join(" ")} || restarted=$?`,
    RELOAD_SSHD,
    // A rollout that switched releases must pass the health gate, or the host is back on the previous release.
    `after=$(readlink ${INSTALL_ROOT}/current 2>/dev/null || true)`,
    'if [ -n "$before" ] && [ "$before" != "$after" ]; then',
    `  if ! systemctl start ${UPGRADE_GATE_UNIT}; then`,
    `    echo "codewhale-remote: \${after#releases/} failed its health gate; the host is back on \${before#releases/} (sudo journalctl -u ${UPGRADE_GATE_UNIT})" >&2`,
    "    exit 1",
    "  fi",
    "fi",
    'exit "$restarted"',
    "",
  ].join("\n");
  // Units that wait on a config producer (the Key Vault fetch) fail with it when it gives up, and systemd does
  // not start them again when its own Restart= later succeeds: the producer starts them itself once it has
  // written the config ("--no-block": a no-op for units already queued at boot or by a rollout).
  const producer = delivery.producerUnit;
  const producerDropIn: HostFile[] = producer
    ? [
        unitFile(
          `${producer}.d/10-start-services.conf`,
          renderUnitDropIn({ Service: [["ExecStartPost", `+/usr/bin/systemctl --no-block start ${units.slice(units.indexOf(producer) + 1).join(" ")}`]] }),
        ),
      ]
    : [];
  const files: HostFile[] = [
    sshdDropIn(options.sshLoginUser),
    ...(options.unattendedUpgrades ? [AUTO_UPGRADES] : []),
    script("install-codewhale", readAsset("install-codewhale.sh")),
    script("prepare-install", PREPARE_INSTALL),
    script("prepare-data", readAsset("prepare-data.sh")),
    script("secure-accounts", secureAccountsScript(SERVICE_USERS)),
    script("apply", apply),
    script("wait-runtime", waitRuntimeScript()),
    ...delivery.files,
    ...producerDropIn,
    unitFile(DATA_UNIT, dataUnit(options.dataDevices)),
    unitFile(FIREWALL_UNIT, firewallUnit(delivery)),
    unitFile(INSTALL_UNIT, installUnit(delivery)),
    unitFile(RUNTIME_UNIT, runtimeUnit(delivery)),
    unitFile(bridgeUnitName(bridge), bridgeUnit(bridge, delivery)),
    script("watchdog.mjs", readAsset("watchdog.mjs")),
    ...(bridge.watch.platform !== null ? [{ path: CHAT_PLATFORM_MODULE, owner: "root", group: "root", mode: "0644", content: readFileSync(bridge.watch.adapter, "utf8") }] : []),
    { path: WATCHDOG_CONFIG, owner: "root", group: "root", mode: "0644", content: watchdogConfig(bridge, delivery, services) },
    unitFile(WATCHDOG_UNIT, watchdogUnit(delivery)),
    unitFile(WATCHDOG_TIMER, watchdogTimer()),
    script("rollback-codewhale", readAsset("rollback-codewhale.sh")),
    unitFile(UPGRADE_GATE_UNIT, upgradeGateUnit(delivery)),
    unitFile(ROLLBACK_UNIT, rollbackUnit()),
    unitFile(HEALTH_CHECK_UNIT, healthCheckUnit(delivery)),
    { path: OPS_COMMAND, owner: "root", group: "root", mode: "0755", content: readAsset("ops.mjs") },
    { path: OPS_CONFIG, owner: "root", group: "root", mode: "0644", content: opsConfig({ services, timers: [WATCHDOG_TIMER], restart: [RUNTIME_UNIT, bridgeUnitName(bridge)], configDir: delivery.configDir, ...opsSecretEnv() }) },
  ];
  return {
    packages: [
      "ca-certificates",
      "curl",
      "git",
      "nftables",
      "nodejs",
      ...(bridge.npmDependencies ? ["npm"] : []),
      ...(options.unattendedUpgrades ? ["unattended-upgrades"] : []),
    ],
    users: SERVICE_USERS,
    files,
    configDir: delivery.configDir,
    configFiles: options.configFiles ?? buildConfigFiles(spec, delivery.configDir),
    inlineConfigFiles: delivery.inlineConfigFiles,
    units,
    prepareCommand: `${LIB_DIR}/secure-accounts`,
    applyCommand: APPLY_COMMAND,
    reloadSshdCommand: RELOAD_SSHD,
    sshLoginUser: options.sshLoginUser,
    ...(options.authorizedKeys ? { authorizedKeys: options.authorizedKeys } : {}),
  };
}
