/**
 * The host's systemd units. Their text depends only on the bridge, the delivery (config dir, producer unit)
 * and the data disk devices, never on day-2 config: model, allowlist, version, limits and secrets reach the
 * services through env files, so a day-2 change rewrites env files and restarts units, nothing more.
 *
 * The rule every root unit here follows (the agent is hostile): root never creates, chowns, writes or deletes
 * inside a directory the agent (or the bridge) can write. The directories the services own are made by
 * systemd itself (`StateDirectory=`: created, and re-owned, without following links the owner planted);
 * everything root writes lives in root-owned trees (/etc, /usr/local/lib, /run, the data disk's root).
 */
import type { BridgeDefinition } from "../bridges/bridge";
import {
  AGENT_HOME,
  AGENT_USER,
  BRIDGE_STATE_ROOT,
  BRIDGE_USER,
  CONFIG_FILES,
  DATA_DIR,
  FIREWALL_TABLE,
  INSTALL_ROOT,
  INSTALL_USER,
  LIB_DIR,
  RUNTIME_HOST,
  RUNTIME_PORT,
  WORKSPACE_DIR,
  type SecretDelivery,
} from "./model";
import { agentHardening, bridgeHardening, installHardening, rootOneshotHardening, renderUnit, watchdogHardening, type UnitSection } from "./systemd-unit";

export const DATA_UNIT = "codewhale-data.service";
export const INSTALL_UNIT = "codewhale-install.service";
export const FIREWALL_UNIT = "codewhale-firewall.service";
export const RUNTIME_UNIT = "codewhale-runtime.service";
export const WATCHDOG_UNIT = "codewhale-watchdog.service";
export const WATCHDOG_TIMER = "codewhale-watchdog.timer";
/** The watchdog's own state (suspicions, back-off, alerts sent): root-only, made by systemd. */
export const WATCHDOG_STATE_DIR = "/var/lib/codewhale-watchdog";
export const WATCHDOG_CONFIG = `${LIB_DIR}/watchdog.json`;
/** Where the bridge row's platform adapter (BridgeWatch.adapter) lies beside the watchdog on the host. */
export const CHAT_PLATFORM_MODULE = `${LIB_DIR}/chat-platform.mjs`;
export const UPGRADE_GATE_UNIT = "codewhale-upgrade-gate.service";
export const ROLLBACK_UNIT = "codewhale-rollback.service";
/** The upgrade gate's checks once, on demand (the ops verb upgrade-check): no rollback, no alert. */
export const HEALTH_CHECK_UNIT = "codewhale-health-check.service";
/** The operator verbs' wrapper (host/assets/ops.mjs) and what it knows of this host. */
export const OPS_COMMAND = `${LIB_DIR}/ops.mjs`;
export const OPS_CONFIG = `${LIB_DIR}/ops.json`;
/**
 * How long a new release gets, after a rollout switched to it, to have the runtime answer and the bridge
 * receive, before the host switches back to the previous release. The watchdog script's default
 * (upgradeGateSeconds), which a test holds equal.
 */
export const UPGRADE_GATE_SECONDS = 180;
/** How often the watchdog checks, and how long after boot it first does (the install may take minutes). */
export const WATCHDOG_INTERVAL_SECONDS = 60;
export const WATCHDOG_FIRST_CHECK_SECONDS = 300;

/** How long the runtime may take from its start until /health answers before systemd counts the start failed. */
export const RUNTIME_READY_SECONDS = 60;

/** Env names (runtime.env) of the runtime's resource limits, applied by the unit before it starts. */
export const LIMIT_ENV = { memoryMax: "CODEWHALE_REMOTE_MEMORY_MAX", tasksMax: "CODEWHALE_REMOTE_TASKS_MAX" } as const;

const after = (...units: (string | undefined)[]) => units.filter((u): u is string => u !== undefined).join(" ");
/** `StateDirectory=` takes paths relative to /var/lib. */
const stateDirectory = (dir: string) => dir.replace(/^\/var\/lib\//, "");

/** [Unit] lines shared by the long-running services: ordering, the data mount, restart limits. */
function serviceOrdering(afterUnits: readonly (string | undefined)[], requires: readonly string[]): UnitSection {
  return [
    ["Documentation", "https://github.com/Hmbown/CodeWhale"],
    ["Wants", "network-online.target"],
    ["After", after("network-online.target", ...afterUnits)],
    ["Requires", requires.join(" ")],
    ["RequiresMountsFor", DATA_DIR],
    // Restart=on-failure, but a unit that keeps crashing stops instead of spinning (visible in status).
    ["StartLimitIntervalSec", "300"],
    ["StartLimitBurst", "10"],
  ];
}

export function dataUnit(devices: readonly string[]): string {
  return renderUnit({
    Unit: [
      ["Description", "codewhale-remote: prepare the data volume for workspace and agent home"],
      ["After", "local-fs.target"],
      ["Before", `${INSTALL_UNIT} ${RUNTIME_UNIT}`],
    ],
    Service: [
      ["Type", "oneshot"],
      ["RemainAfterExit", true],
      ["ExecStart", [`${LIB_DIR}/prepare-data`, DATA_DIR, ...devices].join(" ")],
      ["TimeoutStartSec", "420"],
      // It mounts the disk for the whole host: a private mount namespace would keep the mount to itself, so it
      // gets every restriction that needs none (capability set, syscall filter, no network, no new privileges).
      ["CapabilityBoundingSet", "CAP_SYS_ADMIN"],
      ...rootOneshotHardening,
    ],
    Install: [["WantedBy", "multi-user.target"]],
  });
}

export function installUnit(delivery: SecretDelivery): string {
  return renderUnit({
    Unit: [
      ["Description", "codewhale-remote: install the pinned CodeWhale release and bridge checkout"],
      ["Wants", "network-online.target"],
      ["After", after("network-online.target", DATA_UNIT, delivery.producerUnit)],
      ...(delivery.producerUnit ? ([["Requires", delivery.producerUnit]] as const) : []),
    ],
    Service: [
      ["Type", "oneshot"],
      ["RemainAfterExit", true],
      // Read by systemd as root; the installer itself runs as its own unprivileged user, which owns only
      // /opt/codewhale (neither service can write it) and never sees a secret.
      ["EnvironmentFile", `${delivery.configDir}/${CONFIG_FILES.install}`],
      ["User", INSTALL_USER],
      ["Group", INSTALL_USER],
      ["Environment", `HOME=${INSTALL_ROOT}`],
      ["Environment", `npm_config_cache=/var/cache/${INSTALL_USER}/npm`],
      ["CacheDirectory", INSTALL_USER],
      // "-": on first start the root is made by prepare-install (ExecStartPre, below), before ExecStart sets up its namespace.
      ["ReadWritePaths", `-${INSTALL_ROOT}`],
      ["ExecStartPre", `+${LIB_DIR}/prepare-install ${INSTALL_ROOT} ${INSTALL_USER}`],
      ["ExecStart", `${LIB_DIR}/install-codewhale`],
      ["TimeoutStartSec", "900"],
      ["Restart", "on-failure"],
      ["RestartSec", "30"],
      ...installHardening,
    ],
    Install: [["WantedBy", "multi-user.target"]],
  });
}

/**
 * Loads the host firewall (the config file firewall.nft: inbound SSH from the allowed CIDRs only, and no
 * metadata or WireServer for the service users whatever process sends the packet). Before the services: the
 * agent never runs without it.
 */
export function firewallUnit(delivery: SecretDelivery): string {
  return renderUnit({
    Unit: [
      ["Description", "codewhale-remote: host firewall (SSH from the allowed CIDRs; no cloud metadata for the services)"],
      ["After", after("local-fs.target", delivery.producerUnit)],
      ["Before", RUNTIME_UNIT],
      ...(delivery.producerUnit ? ([["Requires", delivery.producerUnit]] as const) : []),
    ],
    Service: [
      ["Type", "oneshot"],
      ["RemainAfterExit", true],
      ["ExecStart", `/usr/sbin/nft -f ${delivery.configDir}/${CONFIG_FILES.firewall}`],
      ["ExecReload", `/usr/sbin/nft -f ${delivery.configDir}/${CONFIG_FILES.firewall}`],
      ["ExecStop", `/usr/sbin/nft delete table inet ${FIREWALL_TABLE}`],
      ["CapabilityBoundingSet", "CAP_NET_ADMIN"],
      ["RestrictAddressFamilies", "AF_NETLINK AF_UNIX"],
      ...rootOneshotHardening,
    ],
    Install: [["WantedBy", "multi-user.target"]],
  });
}

export function runtimeUnit(delivery: SecretDelivery): string {
  return renderUnit({
    Unit: [
      ["Description", `CodeWhale runtime API on ${RUNTIME_HOST}:${RUNTIME_PORT} (loopback only)`],
      ...serviceOrdering([DATA_UNIT, INSTALL_UNIT, FIREWALL_UNIT, delivery.producerUnit], [DATA_UNIT, INSTALL_UNIT, FIREWALL_UNIT]),
    ],
    Service: [
      ["Type", "simple"],
      ["User", AGENT_USER],
      ["Group", AGENT_USER],
      // The token and provider key come from the env file, which systemd reads as root: never argv (/proc makes
      // it world-readable), and the file itself stays unreadable to the agent.
      ["EnvironmentFile", `${delivery.configDir}/${CONFIG_FILES.runtime}`],
      ["Environment", `HOME=${AGENT_HOME}`],
      // Made by systemd, owned by the agent; nothing else on the data disk is writable to it.
      ["StateDirectory", `${stateDirectory(WORKSPACE_DIR)} ${stateDirectory(AGENT_HOME)}`],
      ["StateDirectoryMode", "0750"],
      ["WorkingDirectory", WORKSPACE_DIR],
      // A runaway build must not starve sshd or the bridge: limits from runtime.env, set on this unit as it starts.
      ["ExecStartPre", `+/usr/bin/systemctl set-property --runtime ${RUNTIME_UNIT} MemoryMax=\${${LIMIT_ENV.memoryMax}} TasksMax=\${${LIMIT_ENV.tasksMax}}`],
      // CodeWhale's home, made by the agent itself inside its own home (root never acts there).
      ["ExecStartPre", "/usr/bin/mkdir -p ${CODEWHALE_HOME}"],
      [
        "ExecStart",
        `${INSTALL_ROOT}/current/bin/codewhale --workspace ${WORKSPACE_DIR} serve --http --host ${RUNTIME_HOST} --port ${RUNTIME_PORT} --workers \${CODEWHALE_REMOTE_WORKERS}`,
      ],
      // Started means answering: units ordered after the runtime (the bridge) start against a runtime that is up.
      // Root runs the wait (the agent's sandbox hides the helper), and only curls loopback.
      ["ExecStartPost", `+${LIB_DIR}/wait-runtime ${RUNTIME_READY_SECONDS} \${MAINPID}`],
      ["Restart", "on-failure"],
      ["RestartSec", "5"],
      // The OOM killer takes the agent's processes before anything else on the host, and under CPU contention
      // sshd and the bridge (weight 100) come first.
      ["OOMScoreAdjust", "500"],
      ["CPUWeight", "50"],
      // Neither service can see the other's config or state, even where file modes would already refuse.
      ["InaccessiblePaths", `-${delivery.configDir}/${CONFIG_FILES.bridge} -${delivery.configDir}/${CONFIG_FILES.install} -${BRIDGE_STATE_ROOT} -${LIB_DIR}`],
      ...agentHardening,
    ],
    Install: [["WantedBy", "multi-user.target"]],
  });
}

export function bridgeUnitName(bridge: BridgeDefinition): string {
  return `${bridge.unitName}.service`;
}

export function bridgeStateDir(bridge: BridgeDefinition): string {
  return `${BRIDGE_STATE_ROOT}/${bridge.id}`;
}

export function bridgeUnit(bridge: BridgeDefinition, delivery: SecretDelivery): string {
  const dir = `${INSTALL_ROOT}/current/src/integrations/${bridge.integrationDir}`;
  return renderUnit({
    Unit: [
      ["Description", `CodeWhale ${bridge.displayName} bridge (outbound only, no listening port)`],
      ...serviceOrdering([RUNTIME_UNIT, FIREWALL_UNIT, delivery.producerUnit], [RUNTIME_UNIT, FIREWALL_UNIT]),
    ],
    Service: [
      ["Type", "simple"],
      ["User", BRIDGE_USER],
      ["Group", BRIDGE_USER],
      ["EnvironmentFile", `${delivery.configDir}/${CONFIG_FILES.bridge}`],
      ["Environment", "NODE_ENV=production"],
      ["Environment", `HOME=${bridgeStateDir(bridge)}`],
      ["WorkingDirectory", dir],
      ["ExecStart", `/usr/bin/node ${dir}/src/index.mjs`],
      ["Restart", "on-failure"],
      ["RestartSec", "5"],
      ["StateDirectory", stateDirectory(bridgeStateDir(bridge))],
      ["StateDirectoryMode", "0700"],
      ["InaccessiblePaths", `-${delivery.configDir}/${CONFIG_FILES.runtime} -${delivery.configDir}/${CONFIG_FILES.install} -${WORKSPACE_DIR} -${AGENT_HOME} -${LIB_DIR}`],
      ...bridgeHardening,
    ],
    Install: [["WantedBy", "multi-user.target"]],
  });
}

/**
 * One check of the whole host (host/assets/watchdog.mjs): root, to restart units; reads the bridge's env
 * file through systemd (the platform credentials it needs for liveness and alerts never reach argv); writes only
 * its own StateDirectory. Not ordered after the services and not requiring them: it must also run (and report)
 * when they never came up.
 */
export function watchdogUnit(delivery: SecretDelivery): string {
  return renderUnit({
    Unit: [
      ["Description", "codewhale-remote: check that the runtime and the bridge really work, restart what is stuck, tell the owner"],
      ["After", after("network-online.target", delivery.producerUnit)],
      // Started by its timer (and by hand to look closer): systemd's default start limit (5 in 10 s) must never
      // refuse a check.
      ["StartLimitIntervalSec", "0"],
    ],
    Service: [
      ["Type", "oneshot"],
      // "-": before the first config fetch there is no bridge file; the watchdog still reports what it sees.
      ["EnvironmentFile", `-${delivery.configDir}/${CONFIG_FILES.bridge}`],
      ["ExecStart", `/usr/bin/node ${LIB_DIR}/watchdog.mjs ${WATCHDOG_CONFIG}`],
      ["StateDirectory", stateDirectory(WATCHDOG_STATE_DIR)],
      ["StateDirectoryMode", "0700"],
      // Bounded: two restarts (each bounded by systemd's stop/start timeouts) and a few requests.
      ["TimeoutStartSec", "300"],
      ...watchdogHardening,
    ],
  });
}

export function watchdogTimer(): string {
  return renderUnit({
    Unit: [["Description", "codewhale-remote: run the watchdog every minute"]],
    Timer: [
      ["OnBootSec", `${WATCHDOG_FIRST_CHECK_SECONDS}s`],
      ["OnUnitActiveSec", `${WATCHDOG_INTERVAL_SECONDS}s`],
      ["AccuracySec", "10s"],
    ],
    Install: [["WantedBy", "timers.target"]],
  });
}

/** What the watchdog checks, as the payload knows it (no secret: those come from the bridge's env file). */
export function watchdogConfig(bridge: BridgeDefinition, delivery: SecretDelivery, watched: readonly string[]): string {
  return (
    JSON.stringify(
      {
        runtimeUnit: RUNTIME_UNIT,
        runtimeUrl: `http://${RUNTIME_HOST}:${RUNTIME_PORT}`,
        runtimePort: RUNTIME_PORT,
        bridgeUnit: bridgeUnitName(bridge),
        bridgeUser: BRIDGE_USER,
        liveness: bridge.watch.liveness,
        platform: bridge.watch.platform,
        ...(bridge.watch.platform === null ? { alertsOff: bridge.watch.alertsOff } : { allowlistEnv: bridge.watch.allowlistEnv, platformModule: CHAT_PLATFORM_MODULE }),
        // Names only: the watchdog keeps these values of its environment (the bridge file) out of every log line.
        secretEnv: bridge.secrets.flatMap((s) => s.env),
        units: watched,
        producerUnit: delivery.producerUnit ?? null,
        rollbackUnit: ROLLBACK_UNIT,
        gateUnit: UPGRADE_GATE_UNIT,
        installRoot: INSTALL_ROOT,
        disks: ["/", DATA_DIR],
        stateDir: WATCHDOG_STATE_DIR,
      },
      null,
      2,
    ) + "\n"
  );
}

/**
 * The upgrade gate: the watchdog's checks, repeated until they all pass or UPGRADE_GATE_SECONDS ran out; then
 * it starts the rollback (as the installer's user), restarts the services and tells the owner. Started by the
 * apply script when a rollout switched releases; the same sandbox and state as the watchdog.
 */
export function upgradeGateUnit(delivery: SecretDelivery): string {
  return watchdogModeUnit(delivery, "health gate of a new CodeWhale release (switches back to the previous one if it fails)", "--gate", UPGRADE_GATE_SECONDS + 240);
}

/** The gate's checks once, reported to the ops verb upgrade-check (check.json in the watchdog's state); changes nothing. */
export function healthCheckUnit(delivery: SecretDelivery): string {
  return watchdogModeUnit(delivery, "the upgrade gate's health checks, once, on demand (changes nothing)", "--check", 60);
}

function watchdogModeUnit(delivery: SecretDelivery, what: string, mode: string, timeoutSeconds: number): string {
  return renderUnit({
    Unit: [
      ["Description", `codewhale-remote: ${what}`],
      ["StartLimitIntervalSec", "0"],
    ],
    Service: [
      ["Type", "oneshot"],
      ["EnvironmentFile", `-${delivery.configDir}/${CONFIG_FILES.bridge}`],
      ["ExecStart", `/usr/bin/node ${LIB_DIR}/watchdog.mjs ${WATCHDOG_CONFIG} ${mode}`],
      ["StateDirectory", stateDirectory(WATCHDOG_STATE_DIR)],
      ["StateDirectoryMode", "0700"],
      ["TimeoutStartSec", String(timeoutSeconds)],
      ...watchdogHardening,
    ],
  });
}

/**
 * What the ops wrapper may act on, from the payload (no secret: the secret env names only, whose values it reads
 * from the env files to keep them out of what it prints). `restart` restarts the long-running services, runtime
 * first (the bridge needs it); `logs` reads only these units.
 */
export function opsConfig(args: { services: readonly string[]; timers: readonly string[]; restart: readonly string[]; configDir: string; secretFiles: readonly string[]; secretEnv: readonly string[] }): string {
  return (
    JSON.stringify({
      services: args.services,
      timers: args.timers,
      helpers: [WATCHDOG_UNIT, UPGRADE_GATE_UNIT, ROLLBACK_UNIT, HEALTH_CHECK_UNIT],
      restart: args.restart,
      watchdogUnit: WATCHDOG_UNIT,
      gateUnit: UPGRADE_GATE_UNIT,
      checkUnit: HEALTH_CHECK_UNIT,
      installRoot: INSTALL_ROOT,
      disks: ["/", DATA_DIR],
      stateDir: WATCHDOG_STATE_DIR,
      secretFiles: args.secretFiles.map((f) => `${args.configDir}/${f}`),
      secretEnv: args.secretEnv,
    }) + "\n"
  );
}

/** Switches `current` back to `previous`, as the installer's user (root never acts inside the install root). */
export function rollbackUnit(): string {
  return renderUnit({
    Unit: [["Description", "codewhale-remote: switch back to the previous CodeWhale release"]],
    Service: [
      ["Type", "oneshot"],
      ["User", INSTALL_USER],
      ["Group", INSTALL_USER],
      ["ReadWritePaths", INSTALL_ROOT],
      ["ExecStart", `${LIB_DIR}/rollback-codewhale`],
      ["IPAddressDeny", "any"],
      ...installHardening.filter(([k]) => k !== "RestrictAddressFamilies"),
      ["RestrictAddressFamilies", "AF_UNIX"],
    ],
  });
}
