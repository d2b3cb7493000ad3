/**
 * The boot test's specification of upgrades that cannot leave the host dead: a rollout to a release that
 * installs and runs but fails its health check (fixtures.ts builds it) is switched back to the previous release
 * within the gate's bound, the host answers again, the owner is told (or, where the bridge's alerts are off, the
 * gate's journal says so), and the broken release is not switched to
 * again by the next rollout. Run on the env-file delivery, where a rollout rewrites install.env and runs apply.
 */
import { expect, inject, it } from "vitest";
import { CONFIG_FILES, INSTALL_ROOT } from "../../host/model";
import { bridgeUnitName, UPGRADE_GATE_UNIT } from "../../host/units";
import { HEALTH_URL, waitHealthy, type BootedHost } from "./boot-host";
import { FIXTURE_VERSION } from "./payloads";

export function describeUpgradeGate(host: () => BootedHost): void {
  it("upgrade gate: a release that fails its health check is rolled back, the host healthy again, the owner told", async () => {
    const { c, p } = host();
    const broken = inject("bootSources").broken;
    const file = `${p.payload.configDir}/${CONFIG_FILES.install}`;
    const original = await c.readInside(file);
    const upgraded = original.replace(`CODEWHALE_VERSION=${FIXTURE_VERSION}\n`, `CODEWHALE_VERSION=${broken.version}\n`).replace(/^CODEWHALE_COMMIT=.*$/m, `CODEWHALE_COMMIT=${broken.commit}`);
    expect(upgraded).not.toBe(original);
    const state = async () => JSON.parse((await c.exec(["curl", "-fsS", "-m", "5", `${host().platformUrl}/fixture/state`], { check: true })).stdout) as { sent: { text: string }[] };
    const sentBefore = (await state()).sent.length;
    const current = async () => (await c.exec(["readlink", `${INSTALL_ROOT}/current`])).stdout.trim();
    expect(await current()).toBe(`releases/${FIXTURE_VERSION}`);

    // The rollout: new install.env, then apply.
    c.writeFile(file, upgraded, { mode: 0o600 });
    const started = Date.now();
    const r = await c.exec([p.payload.applyCommand], { timeoutMs: 400_000 });
    const gateLog = (await c.exec(["journalctl", "--no-pager", "-o", "cat", `_SYSTEMD_UNIT=${UPGRADE_GATE_UNIT}`])).stdout;
    expect(r.code, `apply must fail loudly\n${r.stdout}${r.stderr}\n${gateLog}`).not.toBe(0);
    expect(r.stderr).toContain(`${broken.version} failed its health gate; the host is back on ${FIXTURE_VERSION}`);
    expect(gateLog).toMatch(new RegExp(`upgrade to ${broken.version.replace(/\./g, "\\.")} failed its health gate within \\d+s: codewhale-runtime.service: /health answered 503`));
    expect(Date.now() - started, "bounded").toBeLessThan(120_000);
    expect(await current()).toBe(`releases/${FIXTURE_VERSION}`);
    expect((await c.exec(["test", "-f", `${INSTALL_ROOT}/releases/${broken.version}/.failed-health-gate`])).code, "the broken release is marked").toBe(0);
    const healthy = await c.waitFor(async () => (await c.exec(["curl", "-fsS", "--max-time", "2", HEALTH_URL])).code === 0, 60_000, { what: "/health after the rollback" }).then(() => true, () => false);
    expect(healthy, `the runtime after the rollback:\n${await c.journal("codewhale-runtime.service", 40)}`).toBe(true);
    expect((await c.unitProperties("codewhale-runtime.service")).NRestarts, `restarts of the old runtime after the rollback:\n${await c.journal("codewhale-runtime.service", 40)}`).toBe("0");
    await c.waitForUnit(bridgeUnitName(p.spec.bridge), 30_000);

    const sent = (await state()).sent.slice(sentBefore);
    const alerts = p.spec.bridge.watch.platform !== null;
    if (alerts) {
      expect(sent.length, "one message to the allowlisted chat").toBe(1);
      expect(sent[0]!.text).toContain(`the upgrade to ${broken.version} failed its health gate`);
      expect(sent[0]!.text).toContain(`switched back to ${FIXTURE_VERSION}`);
    } else {
      // A bridge whose platform cannot write to the owner: the gate's journal says so, and nothing is sent.
      expect(sent, "nothing sent").toEqual([]);
      expect(gateLog).toMatch(new RegExp(`alert not sent \\(alerts are off for this bridge: .+\\): .*the upgrade to ${broken.version.replace(/\./g, "\\.")} failed its health gate`));
    }
    const secrets = [...p.secretValues.values()];
    expect(secrets.filter((s) => gateLog.includes(s)).length, "secrets in the gate's journal").toBe(0);

    // The next rollout with the same config stays on the release that works, quietly.
    const again = await c.exec([p.payload.applyCommand], { timeoutMs: 400_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(await current()).toBe(`releases/${FIXTURE_VERSION}`);
    expect((await c.journal("codewhale-install.service", 30))).toContain(`${broken.version} failed its health gate on this host and was rolled back; staying on ${FIXTURE_VERSION}`);
    expect((await state()).sent.length - sentBefore).toBe(alerts ? 1 : 0);

    c.writeFile(file, original, { mode: 0o600 });
    const back = await c.exec([p.payload.applyCommand], { timeoutMs: 400_000 });
    expect(back.code, back.stderr).toBe(0);
    await waitHealthy(c, p.payload.units);
  });
}
