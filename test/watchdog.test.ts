/**
 * The host's watchdog (host/assets/watchdog.mjs): its decision (what looks stuck, when it is restarted,
 * the back-off, which alerts go out and which are held back), how it reads the bridge's sockets, and how it
 * writes to the owner through each platform's API (against the fake platform of test/fixtures), never logging
 * a secret. The boot test runs the same script on a booted host.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildHostPayload } from "../host/host-payload";
import { renderShellBootstrap } from "../host/render-shell";
import { envFileDelivery } from "../host/delivery";
import { keyVaultDelivery } from "../components/azure/key-vault-delivery";
import { ROLLBACK_UNIT, UPGRADE_GATE_SECONDS, UPGRADE_GATE_UNIT, WATCHDOG_CONFIG, WATCHDOG_TIMER, WATCHDOG_UNIT } from "../host/units";
import { loadSpec } from "../contract";
import { startFakeChatPlatform, type FakeChatPlatform } from "./fixtures/fake-chat-platform";
import { packedFiles } from "./support/packed-files";
import { bridges } from "../bridges/registry";
import { platformAdapter } from "../bridges/bridge";
import { FAKE_SECRETS, rawConfig } from "./support/stack";

interface WatchdogModule {
  DEFAULTS: Record<string, number>;
  settingsFrom(env: Record<string, string | undefined>): Record<string, number>;
  backoffSeconds(count: number, s: Record<string, number>): number;
  decide(prev: object, obs: object, now: number, s: Record<string, number>, cfg: object): { state: Record<string, unknown>; restarts: { unit: string; why: string }[]; alerts: { key: string; text: string }[]; logs: string[] };
  establishedSockets(uid: number, exceptPort: number | null, tables: string[]): number;
  sendAlert(cfg: object, env: Record<string, string>, text: string, timeoutMs: number, log: (m: string) => void): Promise<boolean>;
  redactor(secrets: string[]): (t: string) => string;
}
// The script is plain ESM for the host's node, imported as it is (by a path tsc does not resolve: it has no types).
const SCRIPT: string = path.resolve(__dirname, "../host/assets/watchdog.mjs");
let wd: WatchdogModule;
let S: Record<string, number>;
beforeAll(async () => {
  wd = (await import(SCRIPT)) as WatchdogModule;
  S = wd.settingsFrom({});
});

const R = "codewhale-runtime.service";
const B = "codewhale-telegram-bridge.service";
const cfg = { hostname: "cw-test", producerUnit: "codewhale-config.service", look: (u: string) => `journalctl -u ${u}`, lookDisk: (p: string) => `df -h ${p}` };
const units = (over: Record<string, object> = {}) => ({ [R]: { active: "active", result: "success", nRestarts: "0" }, [B]: { active: "active", result: "success", nRestarts: "0" }, ...over });
const obs = (bridgeOk: boolean | null, extra: object = {}) => ({ units: units(), checks: [{ unit: R, ok: true, why: "" }, { unit: B, ok: bridgeOk, why: bridgeOk ? "" : "3 update(s) waiting" }], disks: [{ path: "/", usedPercent: 40 }], ...extra });

describe("the watchdog's decision", () => {
  it("does nothing and tells no one on a healthy host", () => {
    const out = wd.decide({}, obs(true), 1_000_000, S, cfg);
    expect({ restarts: out.restarts, alerts: out.alerts, logs: out.logs }).toEqual({ restarts: [], alerts: [], logs: [] });
  });

  it("restarts a bridge only once it has looked stuck for stuckSeconds, and says so", () => {
    const t0 = 1_000_000;
    const a = wd.decide({}, obs(false), t0, S, cfg);
    expect(a.restarts).toEqual([]);
    expect(a.logs.join("\n")).toMatch(/looks stuck/);
    const b = wd.decide(a.state, obs(false), t0 + (S.stuckSeconds! - 1) * 1000, S, cfg);
    expect(b.restarts).toEqual([]);
    const c = wd.decide(b.state, obs(false), t0 + S.stuckSeconds! * 1000, S, cfg);
    expect(c.restarts.map((r) => r.unit)).toEqual([B]);
    expect(c.alerts.map((x) => x.key)).toEqual([`restart:${B}`]);
    expect(c.alerts[0]!.text).toContain(`journalctl -u ${B}`);
  });

  it("forgets a suspicion when the service answers again", () => {
    const a = wd.decide({}, obs(false), 0, S, cfg);
    const b = wd.decide(a.state, obs(true), 10_000, S, cfg);
    const c = wd.decide(b.state, obs(false), S.stuckSeconds! * 1000 + 20_000, S, cfg);
    expect(c.restarts).toEqual([]);
  });

  it("takes no action when it cannot ask the platform (an outage is not the bridge's fault)", () => {
    const a = wd.decide({}, obs(null), 0, S, cfg);
    const b = wd.decide(a.state, obs(null), 10 * S.stuckSeconds! * 1000, S, cfg);
    expect(b.restarts).toEqual([]);
    expect(b.logs.join("\n")).toMatch(/could not check/);
  });

  it("leaves units that are not running to systemd", () => {
    const o = { ...obs(false), units: units({ [B]: { active: "activating", result: "success", nRestarts: "1" } }) };
    const a = wd.decide({}, o, 0, S, cfg);
    const b = wd.decide(a.state, o, 10 * S.stuckSeconds! * 1000, S, cfg);
    expect(b.restarts).toEqual([]);
  });

  it("backs off: the next restart of the same unit waits base, then doubles, up to the cap", () => {
    expect([0, 1, 2, 3, 10].map((n) => wd.backoffSeconds(n, S))).toEqual([0, S.backoffBaseSeconds, 2 * S.backoffBaseSeconds!, 4 * S.backoffBaseSeconds!, S.backoffCapSeconds]);
    let state: object = {};
    let t = 0;
    const restartsAt: number[] = [];
    // Stuck for ever, checked every minute for two hours.
    for (; t <= 2 * 3600_000; t += 60_000) {
      const out = wd.decide(state, obs(false), t, S, cfg);
      if (out.restarts.length) restartsAt.push(t / 1000);
      state = out.state;
    }
    const gaps = restartsAt.slice(1).map((x, i) => x - restartsAt[i]!);
    expect(restartsAt[0]).toBe(S.stuckSeconds! + 30); // the first check at or past stuckSeconds (90 s -> 120 s)
    // Each gap: the back-off after the i-th restart, and never less than a new stuckSeconds of looking stuck.
    for (const [i, gap] of gaps.entries()) expect(gap, `gap ${i}`).toBeGreaterThanOrEqual(Math.max(wd.backoffSeconds(i + 1, S), S.stuckSeconds!));
    expect(gaps.slice(0, 4)).toEqual([300, 600, 1200, 2400]);
    expect(gaps.length).toBeGreaterThan(1);
  });

  it("tells the owner about a failed unit once, and names a failed config fetch as such", () => {
    const o = { ...obs(true), units: units({ "codewhale-config.service": { active: "failed", result: "exit-code", nRestarts: "0" } }) };
    const a = wd.decide({}, o, 0, S, cfg);
    expect(a.alerts.map((x) => x.text)).toEqual([expect.stringContaining("the config fetch failed")]);
    const b = wd.decide(a.state, o, 60_000, S, cfg);
    expect(b.alerts).toEqual([]);
    expect(b.logs.join("\n")).toMatch(/already sent/);
    // Cleared, then back: told again.
    const c = wd.decide(b.state, obs(true), 120_000, S, cfg);
    const d = wd.decide(c.state, o, 180_000, S, cfg);
    expect(d.alerts.length).toBe(1);
  });

  it("sees a crash loop (restarts by systemd since the last check) and a nearly full disk", () => {
    const a = wd.decide({}, obs(true), 0, S, cfg);
    const loop = { ...obs(true), units: units({ [R]: { active: "active", result: "success", nRestarts: String(S.crashRestarts) } }), disks: [{ path: "/var/lib/codewhale", usedPercent: 93.4 }] };
    const b = wd.decide(a.state, loop, 60_000, S, cfg);
    expect(b.alerts.map((x) => x.key).sort()).toEqual([`crashloop:${R}`, "disk:/var/lib/codewhale"]);
    expect(b.alerts.find((x) => x.key.startsWith("disk"))!.text).toContain("93% full");
  });

  it("sends at most alertsPerHour messages an hour", () => {
    const many = { ...obs(true), units: units(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`u${i}.service`, { active: "failed", result: "exit-code", nRestarts: "0" }]))) };
    const a = wd.decide({}, many, 0, S, cfg);
    expect(a.alerts.length).toBe(S.alertsPerHour);
    expect(a.logs.filter((l) => l.includes("in the last hour")).length).toBe(10 - S.alertsPerHour!);
  });

  it("reads its knobs from CODEWHALE_WATCHDOG_* and refuses nonsense", () => {
    expect(wd.settingsFrom({ CODEWHALE_WATCHDOG_STUCK_SECONDS: "2" }).stuckSeconds).toBe(2);
    expect(() => wd.settingsFrom({ CODEWHALE_WATCHDOG_ALERTS_PER_HOUR: "many" })).toThrow(/CODEWHALE_WATCHDOG_ALERTS_PER_HOUR must be a number/);
  });
});

describe("the watchdog's view of a WebSocket bridge: its established TCP connections", () => {
  // /proc/net/tcp: sl local rem st tx:rx tr:when retrnsmt uid ...; 01 = ESTABLISHED; ports in hex (7878 = 1EC6).
  const table = (rows: string[]) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "wd-tcp-")), "tcp");
    writeFileSync(file, ["  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode", ...rows].join("\n"));
    return file;
  };
  it("counts the bridge user's established connections, not those to the runtime, not other users', not closing ones", () => {
    const file = table([
      "   0: 0100007F:9C40 0100007F:1EC6 01 00000000:00000000 00:00000000 00000000   997        0 1 1",
      "   1: 0A00000F:9C41 5DB8D822:01BB 01 00000000:00000000 00:00000000 00000000   997        0 2 1",
      "   2: 0A00000F:9C42 5DB8D822:01BB 01 00000000:00000000 00:00000000 00000000   996        0 3 1",
      "   3: 0A00000F:9C43 5DB8D822:01BB 06 00000000:00000000 00:00000000 00000000   997        0 4 1",
    ]);
    expect(wd.establishedSockets(997, 7878, [file])).toBe(1);
    expect(wd.establishedSockets(995, 7878, [file])).toBe(0);
  });

  it("any-connection (a long-poll bridge that serves one turn at a time): the runtime's event stream counts too", () => {
    // Serving a turn: no poll open, only the stream from the runtime (and a closing poll socket).
    const inTurn = table([
      "   0: 0100007F:9C40 0100007F:1EC6 01 00000000:00000000 00:00000000 00000000   997        0 1 1",
      "   1: 0A00000F:9C43 5DB8D822:01BB 06 00000000:00000000 00:00000000 00000000   997        0 4 1",
    ]);
    expect(wd.establishedSockets(997, null, [inTurn]), "serving a turn").toBe(1);
    expect(wd.establishedSockets(997, 7878, [inTurn]), "the connection kind would call it stuck").toBe(0);
    const idle = table(["   1: 0A00000F:9C43 5DB8D822:01BB 06 00000000:00000000 00:00000000 00000000   997        0 4 1"]);
    expect(wd.establishedSockets(997, null, [idle]), "neither polling nor in a turn").toBe(0);
  });
});

describe("alerts through the platform's API (fake platform)", () => {
  let fake: FakeChatPlatform;
  const token = "123456789:AAHfakeTokenForTheWatchdogTest0123456";
  const appSecret = "feishuAppSecretValue0123456789";
  beforeAll(async () => {
    fake = await startFakeChatPlatform({ telegramToken: token, feishuAppId: "cli_a1b2c3d4e5f6a7b8", feishuAppSecret: appSecret });
  });
  afterAll(async () => fake.close());
  const logs: string[] = [];
  const log = (m: string) => logs.push(wd.redactor([token, appSecret])(m));

  it("Telegram: sendMessage to every allowlisted chat", async () => {
    const env = { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_BASE: fake.url, TELEGRAM_CHAT_ALLOWLIST: "111, 222" };
    expect(await wd.sendAlert({ platform: "telegram", platformModule: platformAdapter("telegram"), allowlistEnv: "TELEGRAM_CHAT_ALLOWLIST" }, env, "host: restarted x", 5000, log)).toBe(true);
    expect(fake.sent.slice(-2)).toEqual([
      { platform: "telegram", chat: "111", text: "host: restarted x" },
      { platform: "telegram", chat: "222", text: "host: restarted x" },
    ]);
  });

  it("Feishu: a tenant_access_token, then im/v1/messages with the receive_id_type of each id", async () => {
    const env = { FEISHU_APP_ID: "cli_a1b2c3d4e5f6a7b8", FEISHU_APP_SECRET: appSecret, FEISHU_DOMAIN: fake.url, CODEWHALE_CHAT_ALLOWLIST: "oc_abc,ou_def" };
    expect(await wd.sendAlert({ platform: "feishu", platformModule: platformAdapter("feishu"), allowlistEnv: "CODEWHALE_CHAT_ALLOWLIST" }, env, "host: disk full", 5000, log)).toBe(true);
    expect(fake.sent.slice(-2)).toEqual([
      { platform: "feishu", chat: "oc_abc", receiveIdType: "chat_id", text: "host: disk full" },
      { platform: "feishu", chat: "ou_def", receiveIdType: "open_id", text: "host: disk full" },
    ]);
  });

  it("is off when the allowlist is empty (logged, nothing sent)", async () => {
    const n = fake.sent.length;
    expect(await wd.sendAlert({ platform: "telegram", platformModule: platformAdapter("telegram"), allowlistEnv: "TELEGRAM_CHAT_ALLOWLIST" }, { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_BASE: fake.url, TELEGRAM_CHAT_ALLOWLIST: "" }, "x", 5000, log)).toBe(false);
    expect(fake.sent.length).toBe(n);
    expect(logs.at(-1)).toMatch(/no allowlisted chat/);
  });

  it("is off for a bridge whose platform cannot write to the owner: logged with the reason, nothing sent", async () => {
    const n = fake.sent.length;
    const env = { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_BASE: fake.url, TELEGRAM_CHAT_ALLOWLIST: "111" };
    expect(await wd.sendAlert({ platform: null, alertsOff: "the platform has no send API" }, env, "host: restarted x", 5000, log)).toBe(false);
    expect(fake.sent.length).toBe(n);
    expect(logs.at(-1)).toBe("alert not sent (alerts are off for this bridge: the platform has no send API): host: restarted x");
  });

  it("fails loudly on refused credentials, and neither the error nor the log carries the secret", async () => {
    const wrong = "999999999:AAHwrongTokenForTheWatchdogTest01234567";
    const err = await wd.sendAlert({ platform: "telegram", platformModule: platformAdapter("telegram"), allowlistEnv: "A" }, { TELEGRAM_BOT_TOKEN: wrong, TELEGRAM_API_BASE: fake.url, A: "1" }, "x", 5000, log).catch((e: Error) => e);
    expect(String(err)).toMatch(/sendMessage to 1 answered 401/);
    expect(String(err)).not.toContain(wrong);
    const down = await wd.sendAlert({ platform: "telegram", platformModule: platformAdapter("telegram"), allowlistEnv: "A" }, { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_BASE: "http://127.0.0.1:9", A: "1" }, "x", 2000, log).catch((e: Error) => e);
    expect(String(down)).toMatch(/ECONNREFUSED/);
    expect(String(down)).not.toContain(token);
    expect(logs.join("\n")).not.toContain(token);
    expect(logs.join("\n")).not.toContain(appSecret);
  });
});

describe("the watchdog on the host payload", () => {
  const spec = (over: Record<string, unknown>) => loadSpec(rawConfig(over)).spec;
  const cases = {
    "telegram, env files": buildHostPayload(spec({ bridge: "telegram" }), { delivery: envFileDelivery(), dataDevices: [], sshLoginUser: "ubuntu", unattendedUpgrades: true }),
    "feishu, key vault": buildHostPayload(spec({ bridge: "feishu", feishuAppId: "cli_a1b2c3d4e5f6a7b8" }), { delivery: keyVaultDelivery("https://v.vault.azure.net"), dataDevices: [], sshLoginUser: "azureuser", unattendedUpgrades: false }),
  };
  it.each(Object.entries(cases))("%s: a timer started with the units, a root unit with no capability that reads the bridge file through systemd", (_name, p) => {
    expect(p.units.at(-1)).toBe(WATCHDOG_TIMER);
    const unit = p.files.find((f) => f.path === `/etc/systemd/system/${WATCHDOG_UNIT}`)!.content;
    const lines = unit.split("\n");
    expect(lines).toEqual(expect.arrayContaining([`EnvironmentFile=-${p.configDir}/bridge.env`, "CapabilityBoundingSet=", "ProtectSystem=strict", "NoNewPrivileges=yes", "StateDirectoryMode=0700"]));
    expect(lines.filter((l) => l.startsWith("User="))).toEqual([]);
    expect(lines.find((l) => l.startsWith("ExecStart="))).toBe(`ExecStart=/usr/bin/node /usr/local/lib/codewhale-remote/watchdog.mjs ${WATCHDOG_CONFIG}`);
    const config = JSON.parse(p.files.find((f) => f.path === WATCHDOG_CONFIG)!.content) as { units: string[]; bridgeUnit: string };
    expect(config.units).toEqual(p.units.filter((u) => u.endsWith(".service")));
    expect(config.units).toContain(config.bridgeUnit);
  });

  it.each(bridges.map((b) => [b.id, b] as const))("%s: the watch the row declares, alerts off with the row's reason, secret env names only", (id, bridge) => {
    const p = buildHostPayload(spec({ bridge: id }), { delivery: envFileDelivery(), dataDevices: [], sshLoginUser: "ubuntu", unattendedUpgrades: true });
    const text = p.files.find((f) => f.path === WATCHDOG_CONFIG)!.content;
    const config = JSON.parse(text) as Record<string, unknown>;
    const alerts = bridge.watch.platform === null ? { alertsOff: bridge.watch.alertsOff } : { allowlistEnv: bridge.watch.allowlistEnv };
    expect(config).toMatchObject({ liveness: bridge.watch.liveness, platform: bridge.watch.platform, ...alerts, secretEnv: bridge.secrets.flatMap((s) => s.env) });
    expect(Object.keys(config)).not.toContain(bridge.watch.platform === null ? "allowlistEnv" : "alertsOff");
    for (const v of Object.values(FAKE_SECRETS)) expect(text).not.toContain(v);
  });
});

describe("the upgrade gate on the host payload", () => {
  const p = buildHostPayload(loadSpec(rawConfig({ bridge: "telegram" })).spec, { delivery: envFileDelivery(), dataDevices: [], sshLoginUser: "ubuntu", unattendedUpgrades: true });
  const text = (name: string) => p.files.find((f) => f.path.endsWith(`/${name}`))!.content;
  it("gives a new release the bound the script defaults to", () => {
    expect(wd.DEFAULTS.upgradeGateSeconds).toBe(UPGRADE_GATE_SECONDS);
    expect(text(UPGRADE_GATE_UNIT)).toContain(`TimeoutStartSec=${UPGRADE_GATE_SECONDS + 240}`);
  });
  it("runs the gate from apply only when the rollout switched releases, and fails the rollout when it rolled back", () => {
    const apply = text("apply");
    expect(apply).toContain('if [ -n "$before" ] && [ "$before" != "$after" ]; then');
    expect(apply).toContain(`if ! systemctl start ${UPGRADE_GATE_UNIT}; then`);
    expect(apply.indexOf("before=$(readlink")).toBeLessThan(apply.indexOf("systemctl restart"));
  });
  it("switches back as the installer's user, with no network, never as root", () => {
    const lines = text(ROLLBACK_UNIT).split("\n");
    expect(lines).toEqual(expect.arrayContaining(["User=codewhale-install", "ReadWritePaths=/opt/codewhale", "IPAddressDeny=any", "RestrictAddressFamilies=AF_UNIX", "CapabilityBoundingSet="]));
  });
});

describe("the watchdog in the shell bootstrap", () => {
  it("travels gzip-compressed (TAT's 64 KiB) and decodes to exactly the script, with no placeholder inside", () => {
    const p = buildHostPayload(loadSpec(rawConfig({ bridge: "telegram" })).spec, { delivery: envFileDelivery(), dataDevices: [], sshLoginUser: "ubuntu", unattendedUpgrades: true });
    const boot = renderShellBootstrap(p);
    const script = readFileSync(SCRIPT, "utf8");
    expect(boot).not.toContain("export function decide");
    expect(packedFiles(boot).get("/usr/local/lib/codewhale-remote/watchdog.mjs")).toBe(script.endsWith("\n") ? script : `${script}\n`);
  });
});

describe("the watchdog during a rollout's upgrade gate", () => {
  // A stand-in for systemctl on PATH: `show` reports the gate as the test says; every call is recorded.
  const dir = mkdtempSync(path.join(tmpdir(), "watchdog-gate-"));
  const calls = path.join(dir, "calls");
  const bin = path.join(dir, "bin");
  beforeAll(() => {
    mkdirSync(bin);
    writeFileSync(
      path.join(bin, "systemctl"),
      `#!/bin/sh\necho "$*" >> ${calls}\nif [ "$1" = show ]; then for u in "$@"; do case "$u" in *.service) printf 'Id=%s\\nActiveState=%s\\nResult=success\\nNRestarts=0\\n\\n' "$u" "$( [ "$u" = ${UPGRADE_GATE_UNIT} ] && echo "$GATE_STATE" || echo active)";; esac; done; fi\n`,
      { mode: 0o755 },
    );
  });
  const run = (gateState: string) => {
    writeFileSync(calls, "");
    const config = path.join(dir, "watchdog.json");
    const payloadConfig = JSON.parse(buildHostPayload(loadSpec(rawConfig()).spec, { delivery: envFileDelivery(), dataDevices: [], sshLoginUser: "azureuser", unattendedUpgrades: false }).files.find((f) => f.path === WATCHDOG_CONFIG)!.content);
    // Nothing answers on the runtime's port here: a check that ran would see the runtime down.
    writeFileSync(config, JSON.stringify({ ...payloadConfig, platformModule: platformAdapter("telegram"), runtimeUrl: "http://127.0.0.1:9", disks: [dir] }));
    const r = spawnSync(process.execPath, [SCRIPT, config], {
      encoding: "utf8",
      env: { PATH: `${bin}:${process.env.PATH}`, STATE_DIRECTORY: dir, GATE_STATE: gateState, TELEGRAM_API_BASE: "http://127.0.0.1:9", TELEGRAM_BOT_TOKEN: "1:x" },
    });
    return { ...r, calls: readFileSync(calls, "utf8") };
  };

  it("leaves the services to a running gate: no check, no restart, no state written", () => {
    const r = run("activating");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${UPGRADE_GATE_UNIT} is running: this check is left to it`);
    expect(r.calls).not.toMatch(/restart/);
    expect(existsSync(path.join(dir, "state.json"))).toBe(false);
  });

  it("checks as usual once the gate is done (the same run then sees the runtime down)", () => {
    const r = run("inactive");
    expect(r.stdout).not.toContain("left to it");
    expect(r.stdout).toMatch(/health/);
    expect(existsSync(path.join(dir, "state.json"))).toBe(true);
  });
});
