/**
 * The boot test's specification of the watchdog (host/assets/watchdog.mjs): quiet on a healthy host; a
 * bridge that stops receiving is restarted and the owner is told, once, in the chat app (the fake platform API
 * of test/fixtures/fake-chat-platform.ts), or, where the bridge's platform cannot write to the owner, the journal
 * says the alert is off and why; nothing secret reaches the journal. The test runs the checks itself
 * (`systemctl start codewhale-watchdog.service`), the timer being made not due by a test-only drop-in.
 */
import { expect, it } from "vitest";
import { bridgeUnitName, WATCHDOG_TIMER, WATCHDOG_UNIT } from "../../host/units";
import { TEST_STUCK_SECONDS, type BootedHost } from "./boot-host";

interface PlatformState {
  readonly pending: number;
  readonly sent: readonly { platform: string; chat: string; receiveIdType?: string; text: string }[];
  readonly wsOpen: number;
}

export function describeWatchdog(host: () => BootedHost): void {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const platform = async (): Promise<PlatformState> => JSON.parse((await host().c.exec(["curl", "-fsS", "-m", "5", `${host().platformUrl}/fixture/state`], { check: true })).stdout) as PlatformState;
  const control = async (route: string, body: unknown): Promise<void> => {
    await host().c.exec(["curl", "-fsS", "-m", "5", "-X", "POST", "-H", "content-type: application/json", "--data-binary", JSON.stringify(body), `${host().platformUrl}${route}`], { check: true });
  };
  /** One check; returns what it wrote to the journal. */
  const check = async (): Promise<string> => {
    const { c } = host();
    const since = (await c.exec(["date", "+%s.%N"], { check: true })).stdout.trim();
    let r = await c.exec(["systemctl", "start", WATCHDOG_UNIT], { timeoutMs: 200_000 });
    // In the container, starting a oneshot again right after its last run can fail before it runs, at
    // cgroup setup (219/CGROUP, after "Failed to kill control group ...: Input/output error" on the last
    // run's cgroup); it never ran, so running it again changes nothing. A timer on a VM starts it a minute apart.
    if (r.code !== 0 && (await c.unitProperties(WATCHDOG_UNIT)).ExecMainStatus === "219") {
      await sleep(1000);
      r = await c.exec(["systemctl", "start", WATCHDOG_UNIT], { timeoutMs: 200_000 });
    }
    // What the watchdog printed (not systemd's lines about the unit, whose description says "restart").
    const out = (await c.exec(["journalctl", "--no-pager", "-o", "cat", `_SYSTEMD_UNIT=${WATCHDOG_UNIT}`, "--since", `@${since}`])).stdout;
    expect(r.code, `${WATCHDOG_UNIT} run: ${r.stderr}\n${out}`).toBe(0);
    return out;
  };
  const mainPid = async (unit: string) => (await host().c.unitProperties(unit)).MainPID ?? "0";
  const secrets = () => [...host().p.secretValues.values()];

  it("watchdog: its timer is enabled and waiting; a check of a healthy host does nothing and tells no one", async () => {
    const { c } = host();
    expect((await c.exec(["systemctl", "is-enabled", WATCHDOG_TIMER])).stdout.trim()).toBe("enabled");
    expect((await c.exec(["systemctl", "is-active", WATCHDOG_TIMER])).stdout.trim()).toBe("active");
    const bridge = bridgeUnitName(host().p.spec.bridge);
    const pids = [await mainPid("codewhale-runtime.service"), await mainPid(bridge)];
    if (host().p.spec.bridge.watch.liveness !== "pending-updates") await c.waitFor(async () => (await platform()).wsOpen > 0, 30_000, { what: "the bridge's connection to the fake platform" });
    const first = await check();
    await sleep((TEST_STUCK_SECONDS + 1) * 1000);
    const second = await check();
    for (const out of [first, second]) expect(out).toContain("all services answer; nothing to do");
    expect(first + second).not.toMatch(/restart|stuck|alert/i);
    expect([await mainPid("codewhale-runtime.service"), await mainPid(bridge)], "nothing restarted").toEqual(pids);
    expect((await platform()).sent, "no message to the owner").toEqual([]);
  });

  it("watchdog: a bridge that stops receiving is restarted and the owner told once, with the command to look closer", async () => {
    const { c, p } = host();
    const bridge = bridgeUnitName(p.spec.bridge);
    const before = await mainPid(bridge);
    if (p.spec.bridge.watch.liveness === "pending-updates") {
      // Frozen (alive to systemd) while the owner writes: the update stays at the Bot API.
      await c.exec(["kill", "-STOP", before], { check: true });
      await control("/fixture/update", { chat_id: 123456789, text: "are you there?" });
      await c.waitFor(async () => (await platform()).pending > 0, 10_000, { what: "an update pending at the fake Bot API" });
    } else {
      // The WebSocket (or the long poll) drops and the platform refuses a new one: the process runs on, receiving nothing.
      await control("/fixture/ws", { up: false });
      await c.waitFor(async () => (await platform()).wsOpen === 0, 10_000, { what: "the connection to drop" });
    }
    const first = await check();
    expect(first).toMatch(new RegExp(`${bridge.replace(/\./g, "\\.")}: looks stuck`));
    expect(await mainPid(bridge), "not restarted on one look").toBe(before);
    await sleep((TEST_STUCK_SECONDS + 1) * 1000);
    const second = await check();
    if (p.spec.bridge.watch.liveness !== "pending-updates") await control("/fixture/ws", { up: true });
    expect(second).toContain(`restarted ${bridge}`);
    const alerts = p.spec.bridge.watch.platform !== null;
    // Where the platform cannot write to the owner, the alert is a journal line that says why, and nothing is sent.
    expect(second).toMatch(alerts ? /alert sent to 1 chat\(s\)/ : /alert not sent \(alerts are off for this bridge: .+\): .*restarted /);
    await c.waitForUnit(bridge, 30_000);
    expect(await mainPid(bridge), "a new bridge process").not.toBe(before);
    // The new bridge receives again: it fetches the waiting update / reconnects.
    if (p.spec.bridge.watch.liveness === "pending-updates") await c.waitFor(async () => (await platform()).pending === 0, 30_000, { what: "the restarted bridge to fetch the update" });
    else await c.waitFor(async () => (await platform()).wsOpen > 0, 30_000, { what: "the restarted bridge to reconnect" });

    const sent = (await platform()).sent;
    if (alerts) {
      expect(sent.map((m) => ({ platform: m.platform, chat: m.chat })), "one message, to the allowlisted chat").toEqual([{ platform: p.spec.bridge.watch.platform, chat: "123456789" }]);
      expect(sent[0]!.text).toContain(`restarted ${bridge}`);
      expect(sent[0]!.text).toContain(`journalctl -u ${bridge}`);
      expect(sent[0]!.text.length, "short").toBeLessThan(400);
    } else {
      expect(sent, "nothing sent through a bridge whose alerts are off").toEqual([]);
    }

    // Healthy again: the next check is quiet, and nobody is told twice.
    const third = await check();
    expect(third).toContain("all services answer; nothing to do");
    expect((await platform()).sent.length).toBe(alerts ? 1 : 0);
    const journal = (await c.exec(["journalctl", "--no-pager", "-o", "cat", "-u", WATCHDOG_UNIT], { check: true })).stdout;
    expect(secrets().filter((s) => journal.includes(s)).length, "secrets in the watchdog's journal").toBe(0);
    const state = (await c.exec(["cat", "/var/lib/codewhale-watchdog/state.json"], { check: true })).stdout;
    expect(secrets().filter((s) => state.includes(s)).length, "secrets in the watchdog's state").toBe(0);
  });
}
