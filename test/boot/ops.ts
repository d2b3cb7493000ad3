/**
 * The boot test's specification of the operator verbs: `npm run ops` (scripts/ops.ts) on the test machine, over
 * the real ssh client with the admin key, strict host key checking against the container's own host key, to the
 * host's wrapper (host/assets/ops.mjs) through the admin user's `sudo -n`. Each verb works; bad verbs and
 * arguments are refused by the CLI before it connects, and by the wrapper itself when they reach it (raw ssh, or a
 * forced-command key); the agent's side is the escape suite's (escape-attacks.sh: the wrapper is not in its reach).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { DATA_DIR } from "../../host/model";
import { bridgeUnitName, OPS_COMMAND, RUNTIME_UNIT } from "../../host/units";
import { ADMIN_KEY, waitHealthy, type BootedHost } from "./boot-host";
import { FIXTURE_VERSION } from "./payloads";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const FAKE_PULUMI_BIN = path.join(REPO_ROOT, "test", "fixtures", "ops-bin");
const STACK = "boot-ops";

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function describeOps(host: () => BootedHost): void {
  let work: string;
  let knownHosts: string;
  const secrets = () => [...host().p.secretValues.values()];
  const admin = () => host().p.payload.sshLoginUser;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "codewhale-boot-ops-"));
    // The container's own host key, pinned: the CLI connects with StrictHostKeyChecking=yes.
    const key = (await host().c.readInside("/etc/ssh/ssh_host_ed25519_key.pub")).trim().split(" ").slice(0, 2).join(" ");
    knownHosts = path.join(work, "known_hosts");
    fs.writeFileSync(knownHosts, `127.0.0.1 ${key}\n`);
    fs.writeFileSync(path.join(work, "outputs.json"), JSON.stringify({ publicIp: "127.0.0.1", sshCommand: `ssh ${admin()}@127.0.0.1`, runtimeToken: "[secret]" }));
  });
  afterAll(() => {
    if (work !== undefined) fs.rmSync(work, { recursive: true, force: true });
  });

  /** `npm run ops -- <args>` as an operator runs it, from the test machine, inside the container's network namespace. */
  const ops = (args: readonly string[], timeoutMs = 120_000): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn("ip", ["netns", "exec", host().netns, process.execPath, "--require", "./scripts/register-ts.cjs", "scripts/ops.ts", ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, PATH: `${FAKE_PULUMI_BIN}:${process.env.PATH}`, FAKE_PULUMI_STACK: STACK, FAKE_PULUMI_OUTPUTS: path.join(work, "outputs.json") },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
      child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  const viaStack = (...args: string[]) => ops([...args, "--stack", STACK, "-i", inject("bootAdminKey"), "--known-hosts", knownHosts]);
  const viaHost = (...args: string[]) => ops([...args, "--host", "127.0.0.1", "--user", admin(), "-i", inject("bootAdminKey"), "--known-hosts", knownHosts]);
  /** Raw ssh inside the container, past the CLI's checks: what the wrapper itself refuses. */
  const rawSsh = (key: string, ...command: string[]) =>
    host().c.exec(["ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=5", "-i", key, `${admin()}@127.0.0.1`, ...command], { timeoutMs: 60_000 });
  const noSecret = (r: Run) => expect(secrets().filter((s) => r.stdout.includes(s) || r.stderr.includes(s)).length, "secrets in the output").toBe(0);
  const mainPid = async (unit: string) => (await host().c.unitProperties(unit)).MainPID ?? "0";

  it("ops status: every unit, the release, disks, the watchdog's and the gate's last words; --json; host and user from the stack's outputs", async () => {
    const r = await viaStack("status", "--json");
    expect(r.code, r.stderr).toBe(0);
    noSecret(r);
    const s = JSON.parse(r.stdout) as { healthy: boolean; units: Record<string, { active: string }>; release: { current: string }; disks: { path: string; usedPercent: number }[]; watchdog: { message: string }[] };
    expect(s.healthy).toBe(true);
    expect(Object.keys(s.units).sort()).toEqual([...host().p.payload.units].sort());
    expect(Object.values(s.units).map((u) => u.active)).toEqual(Object.keys(s.units).map(() => "active"));
    expect(s.release.current).toBe(FIXTURE_VERSION);
    expect(s.disks.map((d) => d.path)).toEqual(["/", DATA_DIR]);
    expect(s.disks.every((d) => d.usedPercent >= 0 && d.usedPercent <= 100)).toBe(true);
    // The watchdog's own checks ran before these tests.
    expect(s.watchdog.map((m) => m.message).join("\n")).toContain("all services answer; nothing to do");
    const text = await viaHost("status");
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/: healthy\n/);
    expect(text.stdout).toContain(`release ${FIXTURE_VERSION}`);
  });

  it("ops logs: bounded lines of one of the host's units, no secret; every unit by default", async () => {
    const r = await viaHost("logs", bridgeUnitName(host().p.spec.bridge), "--lines", "5");
    expect(r.code, r.stderr).toBe(0);
    noSecret(r);
    const lines = r.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(5);
    const all = await viaHost("logs", "-n", "200");
    expect(all.code, all.stderr).toBe(0);
    noSecret(all);
    expect(all.stdout.trim().split("\n").length).toBeLessThanOrEqual(200);
  });

  it("ops upgrade-check: the gate's checks, now; fails (exit 1) and names the unit while the bridge is down", async () => {
    const ok = await viaStack("upgrade-check", "--json");
    expect(ok.code, ok.stderr + ok.stdout).toBe(0);
    const result = JSON.parse(ok.stdout) as { ok: boolean; checks: { unit: string; ok: boolean | null }[] };
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => [c.unit, c.ok])).toEqual([[RUNTIME_UNIT, true], [bridgeUnitName(host().p.spec.bridge), true]]);

    const bridge = bridgeUnitName(host().p.spec.bridge);
    await host().c.exec(["systemctl", "stop", bridge], { check: true });
    try {
      const down = await viaHost("upgrade-check");
      expect(down.code, down.stdout + down.stderr).toBe(1);
      expect(down.stdout).toMatch(new RegExp(`FAILS\\n[\\s\\S]*${bridge.replace(/\./g, "\\.")} inactive`));
      const status = await viaHost("status");
      expect(status.code).toBe(1);
      expect(status.stdout).toContain(`UNHEALTHY (${bridge} inactive)`);
    } finally {
      await host().c.exec(["systemctl", "start", bridge], { check: true });
    }
    await host().c.waitForUnit(bridge, 30_000);
  });

  it("ops restart: the runtime, then the bridge; both new processes, the host healthy again", async () => {
    const bridge = bridgeUnitName(host().p.spec.bridge);
    const before = [await mainPid(RUNTIME_UNIT), await mainPid(bridge)];
    const r = await viaHost("restart");
    // The runtime's own journal when it fails, for whoever reads the report.
    expect(r.code, r.code === 0 ? "" : `${r.stderr}\n${await host().c.journal(RUNTIME_UNIT, 40)}`).toBe(0);
    expect(r.stdout).toContain(`${RUNTIME_UNIT} active (running)`);
    const after = [await mainPid(RUNTIME_UNIT), await mainPid(bridge)];
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    await waitHealthy(host().c, host().p.payload.units);
    await host().c.waitFor(async () => (await host().c.journal(bridge, 20)).includes(" ready: "), 30_000, { what: `${bridge} ready after the restart` });
    // Who ran what, in the journal.
    expect((await host().c.exec(["journalctl", "--no-pager", "-o", "cat", "-t", "codewhale-ops"])).stdout).toContain(`${admin()} ran: restart`);
  });

  it("ops: bad verbs and arguments are refused, by the CLI before it connects and by the wrapper when they reach it", async () => {
    const cli = await viaHost("logs", "--lines", "5000");
    expect({ code: cli.code, err: cli.stderr.trim() }).toEqual({ code: 2, err: "codewhale-remote: --lines: a whole number from 1 to 1000, not '5000'" });
    const unknown = await viaHost("logs", "ssh.service");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/codewhale-ops: logs: 'ssh\.service' is not one of this host's units/);
    for (const words of [["shell"], ["logs", "--lines", "5000"], ["status", "--since", "1"]]) {
      const r = await rawSsh(ADMIN_KEY, OPS_COMMAND, ...words);
      expect(r.code, `${words.join(" ")}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^codewhale-ops: /m);
    }
  });

  it("ops: a forced-command key reaches the verbs and nothing else (command=\"<wrapper>\",restrict)", async () => {
    const { c } = host();
    const home = (await c.exec(["getent", "passwd", admin()], { check: true })).stdout.split(":")[5]!;
    const keys = `${home}/.ssh/authorized_keys`;
    const original = await c.readInside(keys);
    await c.exec(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "/root/.ssh/codewhale-ops"], { check: true });
    const pub = (await c.readInside("/root/.ssh/codewhale-ops.pub")).trim();
    c.writeFile(keys, `${original}command="${OPS_COMMAND}",restrict ${pub}\n`, { mode: 0o600 });
    await c.exec(["chown", `${admin()}:${admin()}`, keys], { check: true });
    try {
      const status = await rawSsh("/root/.ssh/codewhale-ops", "status", "--json");
      expect(status.code, status.stderr).toBe(0);
      expect((JSON.parse(status.stdout) as { healthy: boolean }).healthy).toBe(true);
      const shell = await rawSsh("/root/.ssh/codewhale-ops", "id;", "cat", "/etc/shadow");
      expect(shell.code).toBe(2);
      expect(shell.stdout).toBe("");
      expect(shell.stderr).toContain("codewhale-ops: refused: 'id;' is not a verb, unit or option");
      const sneaky = await rawSsh("/root/.ssh/codewhale-ops", "status", "$(id)");
      expect(sneaky.code).toBe(2);
    } finally {
      c.writeFile(keys, original, { mode: 0o600 });
      await c.exec(["chown", `${admin()}:${admin()}`, keys], { check: true });
    }
  });
}
