/**
 * The escape suite's harness: runs `test/fixtures/boot/escape-attacks.sh` as the agent, inside exactly the
 * runtime unit's sandbox (the rendered codewhale-runtime.service with only ExecStart changed), and reads back
 * the verdicts. The attacks are in the script; what they must find is asserted by the suite.
 */
import * as path from "node:path";
import { AGENT_HOME, INSTALL_ROOT, LIB_DIR, WORKSPACE_DIR } from "../../host/model";
import { bridgeStateDir, bridgeUnitName, RUNTIME_UNIT } from "../../host/units";
import type { BootedHost } from "./boot-host";
import { FIXTURES_DIR } from "./nspawn";

export const ESCAPE_UNIT = "codewhale-escape.service";
const SCRIPT = "/srv/codewhale-escape/attacks.sh";

/** The runtime unit as rendered, with ExecStart (and nothing else) replaced by the attack script. */
export function escapeUnitText(runtimeUnitText: string, args: readonly string[]): string {
  const lines = runtimeUnitText.split("\n");
  const i = lines.findIndex((l) => l.startsWith("ExecStart="));
  if (i < 0 || lines.filter((l) => l.startsWith("ExecStart=")).length !== 1) throw new Error("the runtime unit has not exactly one ExecStart=");
  lines[i] = `ExecStart=/bin/sh ${SCRIPT} ${args.join(" ")}`;
  return lines.join("\n");
}

export type Verdicts = ReadonlyMap<string, string>;

/** Runs the attacks once; returns attack -> verdict. */
export async function runEscapeAttacks(h: BootedHost): Promise<Verdicts> {
  const { c, p } = h;
  const runtime = p.payload.files.find((f) => f.path === `/etc/systemd/system/${RUNTIME_UNIT}`);
  if (!runtime) throw new Error(`no ${RUNTIME_UNIT} in the payload`);
  const bridgeUnit = bridgeUnitName(p.spec.bridge);
  const bridgePid = (await c.unitProperties(bridgeUnit)).MainPID ?? "0";
  if (bridgePid === "0") throw new Error(`${bridgeUnit} has no main process to attack`);
  const bridgeCode = `${INSTALL_ROOT}/current/src/integrations/${p.spec.bridge.integrationDir}`;
  c.copyIn(path.join(FIXTURES_DIR, "escape-attacks.sh"), SCRIPT, { mode: 0o755 });
  c.writeFile(`/etc/systemd/system/${ESCAPE_UNIT}`, escapeUnitText(runtime.content, [bridgePid, p.payload.configDir, bridgeStateDir(p.spec.bridge), bridgeCode, LIB_DIR, p.payload.sshLoginUser]), { mode: 0o644 });
  await c.exec(["systemctl", "daemon-reload"], { check: true });
  await c.exec(["systemctl", "start", ESCAPE_UNIT], { check: true });
  await c.waitFor(async () => ["inactive", "failed"].includes((await c.unitProperties(ESCAPE_UNIT)).ActiveState ?? ""), 180_000, { what: `${ESCAPE_UNIT} to finish` });
  const text = await c.readInside(`${WORKSPACE_DIR}/escape-results.txt`);
  const verdicts = new Map<string, string>();
  for (const line of text.split("\n")) {
    const [name, verdict] = line.split(" ");
    if (name && verdict) verdicts.set(name, verdict);
  }
  if (verdicts.get("done") !== "ok") throw new Error(`the attack script did not finish:\n${text}\n${await c.journal(ESCAPE_UNIT, 40)}`);
  return verdicts;
}

/** Puts back what the attack script did to the agent's own home, so the runtime can start again. */
export async function undoAgentSabotage(h: BootedHost): Promise<void> {
  const home = `${AGENT_HOME}/.codewhale`;
  await h.c.sh(`[ -L '${home}' ] && rm -f '${home}' && mv '${home}.escape-saved' '${home}'; rm -f '${WORKSPACE_DIR}/escape-link-units' '${AGENT_HOME}/escape-link-lib'`, { check: true });
}
