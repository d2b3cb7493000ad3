/**
 * The host's systemd units. Their text depends only on the bridge, the delivery (config dir, producer unit)
 * and the data disk devices, never on day-2 config: model, allowlist, version and secrets reach the
 * services through env files, so a day-2 change rewrites env files and restarts units, nothing more.
 */
import type { BridgeDefinition } from "../bridges/bridge";
import {
  AGENT_HOME,
  BRIDGE_STATE_ROOT,
  CONFIG_FILES,
  DATA_DIR,
  INSTALL_ROOT,
  LIB_DIR,
  RUNTIME_HOST,
  RUNTIME_PORT,
  SERVICE_USER,
  WORKSPACE_DIR,
  type SecretDelivery,
} from "./model";
import { baseHardening, bridgeHardening, renderUnit, type UnitSection } from "./systemd-unit";

export const DATA_UNIT = "codewhale-data.service";
export const INSTALL_UNIT = "codewhale-install.service";
export const RUNTIME_UNIT = "codewhale-runtime.service";

const after = (...units: (string | undefined)[]) => units.filter((u): u is string => u !== undefined).join(" ");

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
      ["ExecStart", [`${LIB_DIR}/prepare-data`, DATA_DIR, SERVICE_USER, ...devices].join(" ")],
      ["TimeoutStartSec", "420"],
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
      ["EnvironmentFile", `${delivery.configDir}/${CONFIG_FILES.install}`],
      ["ExecStart", `${LIB_DIR}/install-codewhale`],
      ["TimeoutStartSec", "900"],
      ["Restart", "on-failure"],
      ["RestartSec", "30"],
    ],
    Install: [["WantedBy", "multi-user.target"]],
  });
}

export function runtimeUnit(delivery: SecretDelivery): string {
  const hardening: UnitSection = baseHardening;
  return renderUnit({
    Unit: [
      ["Description", `CodeWhale runtime API on ${RUNTIME_HOST}:${RUNTIME_PORT} (loopback only)`],
      ...serviceOrdering([DATA_UNIT, INSTALL_UNIT, delivery.producerUnit], [DATA_UNIT, INSTALL_UNIT]),
    ],
    Service: [
      ["Type", "simple"],
      ["User", SERVICE_USER],
      ["Group", SERVICE_USER],
      // The token and provider key come from the env file: never argv, which /proc makes world-readable.
      ["EnvironmentFile", `${delivery.configDir}/${CONFIG_FILES.runtime}`],
      ["Environment", `HOME=${AGENT_HOME}`],
      ["WorkingDirectory", WORKSPACE_DIR],
      [
        "ExecStart",
        `${INSTALL_ROOT}/current/bin/codewhale --workspace ${WORKSPACE_DIR} serve --http --host ${RUNTIME_HOST} --port ${RUNTIME_PORT} --workers \${CODEWHALE_REMOTE_WORKERS}`,
      ],
      ["Restart", "on-failure"],
      ["RestartSec", "5"],
      ["ReadWritePaths", DATA_DIR],
      ...hardening,
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
      ...serviceOrdering([RUNTIME_UNIT, delivery.producerUnit], [RUNTIME_UNIT]),
    ],
    Service: [
      ["Type", "simple"],
      ["User", SERVICE_USER],
      ["Group", SERVICE_USER],
      ["EnvironmentFile", `${delivery.configDir}/${CONFIG_FILES.bridge}`],
      ["Environment", "NODE_ENV=production"],
      ["WorkingDirectory", dir],
      ["ExecStart", `/usr/bin/node ${dir}/src/index.mjs`],
      ["Restart", "on-failure"],
      ["RestartSec", "5"],
      ["StateDirectory", bridgeStateDir(bridge).replace("/var/lib/", "")],
      ["StateDirectoryMode", "0750"],
      ...bridgeHardening,
    ],
    Install: [["WantedBy", "multi-user.target"]],
  });
}
