/**
 * The deploy bundle: what `npm run plan -- --out <dir>` writes. Rendered files with secret placeholders
 * (never values), so a reader sees exactly what reaches the host, and an operator without Pulumi can install
 * by hand: fill the placeholders in bootstrap.sh and run it as root.
 */
import type { StackSpec } from "../config/spec";
import { envFileDelivery } from "./delivery";
import { buildHostPayload } from "./host-payload";
import { AGENT_USER, BRIDGE_USER, RUNTIME_PORT, type HostPayload } from "./model";
import { placeholdersIn, renderConfigFile, renderShellBootstrap } from "./render-shell";

export interface RunbookFacts {
  readonly sshUser: string;
  readonly host: string;
  /** How secrets reach this host, one paragraph. */
  readonly secretsParagraph: string;
  /** Cloud-specific day-2 notes. */
  readonly extraSteps?: readonly string[];
}

/** Files common to every cloud: the manual-install bootstrap, units, config files, runbook. */
export function commonArtifacts(spec: StackSpec, payload: HostPayload, dataDevices: readonly string[], facts: RunbookFacts): Record<string, string> {
  // The manual route always writes env files itself, whatever the cloud's own delivery is (on a cloud whose
  // delivery is the env file, that is the payload itself).
  const manual = payload.inlineConfigFiles ? payload : buildHostPayload(spec, { delivery: envFileDelivery(), dataDevices, sshLoginUser: payload.sshLoginUser, unattendedUpgrades: true });
  const bootstrap = renderShellBootstrap(manual);
  const out: Record<string, string> = { "bootstrap.sh": bootstrap };
  const unitDir = "/etc/systemd/system/";
  // units/<unit> and units/<unit>.d/<drop-in>, as they lie under /etc/systemd/system.
  for (const f of payload.files) if (f.path.startsWith(unitDir)) out[`units/${f.path.slice(unitDir.length)}`] = f.content;
  for (const f of manual.configFiles) out[`config/${f.name}`] = renderConfigFile(f);
  out["RUNBOOK.md"] = runbook(spec, payload, placeholdersIn(bootstrap), facts);
  return out;
}

function runbook(spec: StackSpec, payload: HostPayload, secretIds: readonly string[], facts: RunbookFacts): string {
  const ssh = `ssh ${facts.sshUser}@${facts.host}`;
  const bridgeUnit = payload.units[payload.units.length - 1];
  return [
    `# Runbook: ${spec.project} / ${spec.stack}`,
    "",
    `Cloud ${spec.cloud}, bridge ${spec.bridge.displayName}, provider ${spec.provider.displayName} (${spec.provider.id}), model ${spec.model}, CodeWhale ${spec.codewhale.version}.`,
    "",
    "## What is on the host",
    `- Services (systemd): ${payload.units.map((u) => `\`${u}\``).join(", ")}. The agent runs as \`${AGENT_USER}\`, the bridge as \`${BRIDGE_USER}\`; neither can log in, read the other's config or reach the cloud's metadata endpoint.`,
    `- The runtime listens on 127.0.0.1:${RUNTIME_PORT} only. Inbound traffic: TCP 22 from ${spec.ssh.allowedCidrs.join(", ")}, nothing else.`,
    `- Workspace and agent home: \`/var/lib/codewhale\` (a data disk that outlives the machine when one is configured).`,
    `- Config files: \`${payload.configDir}\` (env files 0600 root:root, read by systemd only; config.toml 0640 root:${AGENT_USER}).`,
    "",
    "## Secrets",
    facts.secretsParagraph,
    "",
    `Secret placeholders in this bundle: ${secretIds.map((s) => `\`@@CODEWHALE_SECRET:${s}@@\``).join(", ")}.`,
    "",
    "## First pairing",
    ...spec.bridge.pairingSteps.map((s, i) => `${i + 1}. ${s}`),
    "",
    "## Reaching the runtime API",
    `The port never leaves loopback; tunnel it: \`ssh -N -L ${RUNTIME_PORT}:127.0.0.1:${RUNTIME_PORT} ${facts.sshUser}@${facts.host}\`,`,
    `then \`curl http://127.0.0.1:${RUNTIME_PORT}/health\`; authenticated calls need \`Authorization: Bearer $(pulumi stack output runtimeToken --show-secrets)\`.`,
    "",
    "## Day 2",
    "- Change model, allowlist, secrets or `codewhaleVersion` with `pulumi config set ...` and run `pulumi up`: the change rolls out without replacing the host.",
    ...(facts.extraSteps ?? []),
    `- Health: \`${ssh} systemctl status ${payload.units.join(" ")}\`; logs: \`${ssh} journalctl -u ${bridgeUnit} -e\`.`,
    "",
    "## Manual install (no Pulumi)",
    "On an Ubuntu 24.04 host: replace every placeholder in `bootstrap.sh` with its value and run it as root (`sudo sh bootstrap.sh`). It is idempotent.",
    "The runtime token is yours to make for a manual install: `openssl rand -hex 24` (letters and digits only; the runtime and the bridge share it).",
    "",
  ].join("\n");
}
