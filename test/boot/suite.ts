/**
 * The boot test's specification of a working host, for one flavour x bridge: what must hold inside the
 * booted container after the payload ran, after it ran a second time, and after a reboot.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SSHD_DROP_IN_PATH } from "../../host/host-payload";
import {
  AGENT_HOME,
  AGENT_USER,
  BRIDGE_STATE_ROOT,
  BRIDGE_USER,
  CODEWHALE_HOME,
  CONFIG_DIR_MODE,
  CONFIG_FILES,
  configFileAccess,
  DATA_DIR,
  FIREWALL_TABLE,
  INSTALL_ROOT,
  INSTALL_USER,
  LIB_DIR,
  WORKSPACE_DIR,
} from "../../host/model";
import { FILL_SECRETS, FILLED_BOOTSTRAP, secretEnvName } from "../../host/bundle";
import { renderConfigFile } from "../../host/render-shell";
import { bridgeStateDir, bridgeUnitName, DATA_UNIT, HEALTH_CHECK_UNIT, ROLLBACK_UNIT, RUNTIME_UNIT, UPGRADE_GATE_UNIT, WATCHDOG_UNIT } from "../../host/units";
import { ADMIN_KEY, bootHost, HEALTH_URL, HOST_ENDPOINT_ADDRESSES, rerunCloudConfig, runBootstrap, waitHealthy, type BootedHost } from "./boot-host";
import { runEscapeAttacks, undoAgentSabotage, type Verdicts } from "./escape";
import { findBridge } from "../../bridges/registry";
import { upstreamValidatorKind } from "../support/bridge-fixtures";
import { QR_LOGIN_BRIDGES, scanFirstStartQr } from "./qr-login";
import { describeWatchdog } from "./watchdog";
import { describeOps } from "./ops";
import { describeUpgradeGate } from "./upgrade";
import { exposureCeiling, exposureOf } from "./exposure";
import { fmtMs } from "./nspawn";
import { renderBootPayload, type Flavour } from "./payloads";
import { commandLines, environmentOf, fileMeta, filesContaining, isLoopback, journalExport, listeners, snapshot, snapshotDiff } from "./probes";
import { appendReport } from "./report";

const mode = (octal: string) => octal.replace(/^0/, "");

/** Everything the payload creates or the services write, outside tmpfs. */
const HOST_STATE = ["/etc/systemd/system", LIB_DIR, INSTALL_ROOT, DATA_DIR, "/etc/codewhale", "/etc/passwd", "/etc/group", "/etc/shadow", "/etc/fstab"];

export function describeBootCase(flavour: Flavour, bridge: string): void {
  const name = `${flavour} x ${bridge}`;
  describe(`boot: ${name}`, () => {
    let h: BootedHost;
    const bridgeUnit = (): string => bridgeUnitName(h.p.spec.bridge);
    const secrets = (): string[] => [...h.p.secretValues.values()];
    const report = (entry: Omit<Parameters<typeof appendReport>[1], "name">): void => appendReport(inject("bootReportFile"), { name, ...entry });

    beforeAll(async () => {
      const adminKey = inject("bootAdminKey");
      const p = await renderBootPayload(flavour, bridge, inject("bootSources").commit, readFileSync(`${adminKey}.pub`, "utf8").trim());
      h = await bootHost(p, inject("bootRoot"), inject("bootSources"), adminKey);
      process.stdout.write(`[boot] ${name}: container start -> ${HEALTH_URL} answered in ${fmtMs(h.bootToHealthyMs)}\n`);
      // The owner's first step for such a bridge: nothing below can pass before it (the bridge is not logged in).
      if (QR_LOGIN_BRIDGES.has(bridge)) await scanFirstStartQr(h);
      report({ bootToHealthyMs: h.bootToHealthyMs });
    });
    afterAll(async () => {
      await h?.destroy();
    });

    async function pidOf(unit: string): Promise<string> {
      const pid = (await h.c.unitProperties(unit)).MainPID ?? "0";
      expect(pid, `${unit} has a main process`).not.toBe("0");
      return pid;
    }

    async function expectUnitsUp(): Promise<void> {
      for (const unit of h.p.payload.units) {
        const props = await h.c.waitForUnit(unit, 60_000);
        // A timer has no restart counter.
        const state = { unit, result: props.Result, restarts: unit.endsWith(".timer") ? "0" : props.NRestarts };
        const why = JSON.stringify(state) === JSON.stringify({ unit, result: "success", restarts: "0" }) ? "" : await h.c.journal(unit, 30);
        expect(state, `${unit} journal:\n${why}`).toEqual({ unit, result: "success", restarts: "0" });
      }
      expect((await h.c.exec(["systemctl", "--failed", "--no-legend", "--plain"])).stdout.trim(), "failed units").toBe("");
      // The bridge fixture prints "ready" only after checking its env and the token against the runtime.
      await h.c.waitFor(async () => (await h.c.journal(bridgeUnit(), 50)).includes(" ready: "), 30_000, { what: `${bridgeUnit()} ready line` });
    }

    async function expectOnlySshdOutsideLoopback(): Promise<void> {
      // The host-endpoint fixture stands in for the cloud (it runs outside the container, in its network namespace).
      const cloud: readonly string[] = HOST_ENDPOINT_ADDRESSES;
      const exposed = (await listeners(h.c)).filter((l) => !isLoopback(l.address) && !cloud.includes(l.address));
      expect(exposed.length, "sshd listens (the check sees sockets at all)").toBeGreaterThan(0);
      expect(exposed.filter((l) => !(l.processes.length > 0 && l.processes.every((p) => p === "sshd")))).toEqual([]);
    }

    async function expectNoSecretInCommandLines(): Promise<void> {
      const leaks = [...(await commandLines(h.c))].filter(([, cmd]) => secrets().some((s) => cmd.includes(s)));
      const redact = (cmd: string): string => secrets().reduce((text, s) => text.replaceAll(s, "[secret]"), cmd);
      expect(leaks.map(([pid, cmd]) => `${pid}: ${redact(cmd)}`)).toEqual([]);
    }

    it("finishes cloud-init with status done and no errors", async () => {
      const ci = await h.c.waitForCloudInit();
      expect({ status: ci.status, code: ci.code, errors: ci.errors }).toEqual({ status: "done", code: 0, errors: [] });
    });

    it("creates the service users locked: no password, no shell, no lingering, no user manager", async () => {
      expect(h.p.payload.users.map((u) => u.name)).toEqual([AGENT_USER, BRIDGE_USER, INSTALL_USER]);
      for (const user of h.p.payload.users) {
        const [, , uid, , , home, shell] = (await h.c.exec(["getent", "passwd", user.name], { check: true })).stdout.trim().split(":");
        expect(Number(uid), user.name).toBeLessThan(1000);
        expect({ home, shell }, user.name).toEqual({ home: user.home, shell: "/usr/sbin/nologin" });
        const password = (await h.c.exec(["getent", "shadow", user.name], { check: true })).stdout.split(":")[1] ?? "";
        expect(password, `${user.name}: no usable password`).toMatch(/^[!*]/);
        expect((await h.c.exec(["systemctl", "is-enabled", `user@${uid}.service`])).stdout.trim(), `${user.name}: user manager`).toBe("masked");
        expect((await h.c.exec(["test", "-e", `/var/lib/systemd/linger/${user.name}`])).code, `${user.name}: lingering`).not.toBe(0);
      }
      expect(AGENT_HOME).toBe(h.p.payload.users[0]!.home);
    });

    it("brings every unit up (active, never restarted) and the bridge reaches the runtime", expectUnitsUp);

    it("serves /health on 127.0.0.1:7878 and the API only with the runtime token", async () => {
      const health = await h.c.exec(["curl", "-fsS", HEALTH_URL], { check: true });
      expect(JSON.parse(health.stdout)).toMatchObject({ status: "ok" });
      const info = "http://127.0.0.1:7878/v1/runtime/info";
      const code = async (...args: string[]) => (await h.c.exec(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", ...args, info])).stdout;
      expect(await code()).toBe("401");
      expect(await code("-H", `Authorization: Bearer ${h.p.runtimeToken}`)).toBe("200");
    });

    it("listens on nothing but loopback, except sshd", async () => {
      const runtime = (await listeners(h.c)).filter((l) => l.port === "7878");
      expect(runtime.map((l) => l.address)).toEqual(["127.0.0.1"]);
      await expectOnlySshdOutsideLoopback();
    });

    it("runs sshd with keys only, for the admin user only (the daemon's behaviour, not sshd -T)", async () => {
      const admin = h.p.payload.sshLoginUser;
      const opts = ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=5"];
      const ssh = (user: string, ...extra: string[]) => h.c.exec(["ssh", ...opts, ...extra, `${user}@127.0.0.1`, "echo", "logged-in"], { timeoutMs: 20_000 });
      // The methods the running daemon offers, as any client sees them before authenticating.
      const offered = await ssh(admin, "-o", "PreferredAuthentications=none");
      expect(offered.stderr, "methods the running sshd offers").toMatch(/Permission denied \(publickey\)/);
      const asAdmin = await ssh(admin, "-i", ADMIN_KEY);
      expect({ code: asAdmin.code, out: asAdmin.stdout.trim() }, `${admin} with its key: ${asAdmin.stderr}`).toEqual({ code: 0, out: "logged-in" });
      // Root holds the very same key in its authorized_keys: refused all the same.
      expect((await ssh("root", "-i", ADMIN_KEY)).code, "root login").not.toBe(0);
      // The service users, with a key they planted themselves, are refused by the escape suite below; here the
      // settings that refuse them, as sshd resolves them for such a connection.
      const effective = (await h.c.exec(["sshd", "-T", "-C", `user=${AGENT_USER},host=localhost,addr=127.0.0.1`], { check: true })).stdout.split("\n");
      for (const line of ["passwordauthentication no", "kbdinteractiveauthentication no", "permitrootlogin no", `allowusers ${admin}`, "maxauthtries 4"]) {
        expect(effective, line).toContain(line);
      }
      // sshd -T prints one line per denied user.
      expect(effective.filter((l) => l.startsWith("denyusers ")).map((l) => l.slice("denyusers ".length)), "denyusers").toEqual(h.p.payload.users.map((u) => u.name));
      expect(await h.c.readInside(SSHD_DROP_IN_PATH)).toContain(`AllowUsers ${admin}`);
    });

    it("writes the env files root-only (0600, read by systemd), config.toml readable by the agent, exactly the rendered entries", async () => {
      const dir = h.p.payload.configDir;
      expect(await fileMeta(h.c, dir)).toEqual({ mode: mode(CONFIG_DIR_MODE), owner: "root", group: "root", type: "directory" });
      for (const f of h.p.configFiles) {
        const file = `${dir}/${f.name}`;
        const access = configFileAccess(f);
        expect(await fileMeta(h.c, file), file).toEqual({ mode: mode(access.mode), owner: access.owner, group: access.group, type: "regular file" });
        const text = await h.c.readInside(file);
        if (f.format === "env") {
          expect(text.split("\n").filter((l) => /^\s*#|\s#/.test(l)), `${file}: comment lines or inline comments`).toEqual([]);
          const expected = f.entries.map((e) => `${e.name}=${e.secret !== undefined ? h.p.secretValues.get(e.secret) : e.value}\n`).join("");
          expect(text === expected, `${file} differs from the rendered entries`).toBe(true);
        } else {
          expect(text).toBe(renderConfigFile(f));
        }
      }
    });

    it("runs the services with exactly those values (systemd read the env files verbatim)", async () => {
      const files = new Map(h.p.configFiles.map((f) => [f.name, f]));
      for (const [unit, fileName] of [[RUNTIME_UNIT, "runtime.env"], [bridgeUnit(), "bridge.env"]] as const) {
        const file = files.get(fileName);
        if (file?.format !== "env") throw new Error(`no ${fileName} in the payload`);
        const env = await environmentOf(h.c, await pidOf(unit));
        for (const e of file.entries) {
          // Test-only: the bridge's platform API base is the fake's (boot-host.ts), on top of bridge.env.
          const override = unit === bridgeUnit() ? h.platformEnv[e.name] : undefined;
          const want = override ?? (e.secret !== undefined ? h.p.secretValues.get(e.secret) : e.value);
          expect(env.get(e.name) === want, `${unit}: ${e.name} as in ${fileName}`).toBe(true);
        }
      }
    });

    const validator = upstreamValidatorKind(findBridge(bridge)!.integrationDir);
    it.runIf(validator === "script")("passes the bridge's own scripts/validate-config.mjs, run on the env files as upstream's README says", async () => {
      const file = (name: string) => `${h.p.payload.configDir}/${name}`;
      const args = ["--env", file(CONFIG_FILES.bridge), "--runtime-env", file(CONFIG_FILES.runtime), "--workspace-root", WORKSPACE_DIR, "--check-filesystem", "--json"];
      const r = await h.c.exec(["node", "scripts/validate-config.mjs", ...args], { cwd: `${INSTALL_ROOT}/current/src/integrations/${h.p.spec.bridge.integrationDir}` });
      expect({ code: r.code, errors: (JSON.parse(r.stdout || "{}") as { errors?: unknown }).errors }, r.stdout + r.stderr).toEqual({ code: 0, errors: [] });
    });

    // A bridge with no script (WeCom) ships its check as a library function of the bridge file alone.
    it.runIf(validator === "library")("passes the bridge's own validateBridgeConfig (src/lib.mjs), run on the host's bridge file", async () => {
      const script = `import { readFileSync } from "node:fs"; import { parseEnvText } from "../bridge-core/src/lib.mjs"; import { validateBridgeConfig } from "./src/lib.mjs"; const r = validateBridgeConfig(parseEnvText(readFileSync(process.argv[1], "utf8"))); process.stdout.write(JSON.stringify(r)); process.exit(r.ok ? 0 : 1);`;
      const r = await h.c.exec(["node", "--input-type=module", "-e", script, `${h.p.payload.configDir}/${CONFIG_FILES.bridge}`], { cwd: `${INSTALL_ROOT}/current/src/integrations/${h.p.spec.bridge.integrationDir}` });
      expect({ code: r.code, errors: (JSON.parse(r.stdout || "{}") as { errors?: unknown }).errors }, r.stdout + r.stderr).toEqual({ code: 0, errors: [] });
    });

    it.runIf(QR_LOGIN_BRIDGES.has(bridge))("keeps the QR login in the bridge's state dir, its user's only, and resumes it after a restart without a new code", async () => {
      const file = `${bridgeStateDir(h.p.spec.bridge)}/account.json`;
      expect(await fileMeta(h.c, file)).toEqual({ mode: "600", owner: BRIDGE_USER, group: BRIDGE_USER, type: "regular file" });
      const state = async () => JSON.parse((await h.c.exec(["curl", "-fsS", "-m", "5", `${h.platformUrl}/fixture/state`], { check: true })).stdout) as { weixinCodes: string[]; weixinToken: string };
      const { weixinCodes, weixinToken } = await state();
      expect(weixinCodes, "one QR code, scanned once").toHaveLength(1);
      // The bot token (a secret the config never held) is in the login file only: not in the journal, nowhere else.
      expect(filesContaining(h.c, [weixinToken])).toEqual([file]);
      expect((await journalExport(h.c)).includes(weixinToken), "bot token in the journal").toBe(false);
      const before = await pidOf(bridgeUnit());
      await h.c.exec(["systemctl", "restart", bridgeUnit()], { check: true });
      const after = await pidOf(bridgeUnit());
      expect(after, "a new bridge process").not.toBe(before);
      const since = async () => (await h.c.exec(["journalctl", "--no-pager", "-o", "cat", `_PID=${after}`])).stdout;
      await h.c.waitFor(async () => (await since()).includes(" ready: "), 30_000, { what: "the restarted bridge's ready line" });
      expect(await since()).toContain("Loaded existing bot account");
      expect(await since()).not.toContain("/fixture-weixin/qr/");
      expect((await state()).weixinCodes, "no new QR code").toHaveLength(1);
    });

    it("keeps every secret out of command lines, the journal and the disk (except the env files)", async () => {
      await expectNoSecretInCommandLines();
      const journal = await journalExport(h.c);
      expect(journal.length, "journal export is not empty").toBeGreaterThan(1000);
      expect(secrets().filter((s) => journal.includes(s)).length, "secrets in the journal").toBe(0);
      // Azure: values live only in /run (tmpfs). Shell: in the env files the bootstrap writes, nowhere else.
      const allowed = h.p.payload.inlineConfigFiles
        ? h.p.configFiles.filter((f) => f.format === "env" && f.entries.some((e) => e.secret !== undefined)).map((f) => `${h.p.payload.configDir}/${f.name}`)
        : [];
      expect(filesContaining(h.c, secrets()).sort()).toEqual(allowed.sort());
    });

    it(`keeps workspace and agent home (the agent's) and bridge state (the bridge's only) under ${DATA_DIR}, whose root is root's`, async () => {
      expect(await fileMeta(h.c, DATA_DIR)).toEqual({ mode: "755", owner: "root", group: "root", type: "directory" });
      expect(await fileMeta(h.c, BRIDGE_STATE_ROOT)).toEqual({ mode: "755", owner: "root", group: "root", type: "directory" });
      for (const dir of [WORKSPACE_DIR, AGENT_HOME, CODEWHALE_HOME]) {
        expect(await fileMeta(h.c, dir), dir).toMatchObject({ mode: "750", owner: AGENT_USER, type: "directory" });
      }
      expect(await fileMeta(h.c, bridgeStateDir(h.p.spec.bridge))).toEqual({ mode: "700", owner: BRIDGE_USER, group: BRIDGE_USER, type: "directory" });
      expect(await fileMeta(h.c, INSTALL_ROOT)).toMatchObject({ owner: INSTALL_USER, type: "directory" });
      for (const [unit, user] of [[RUNTIME_UNIT, AGENT_USER], [bridgeUnit(), BRIDGE_USER]] as const) {
        const status = await h.c.readInside(`/proc/${await pidOf(unit)}/status`);
        const uid = (await h.c.exec(["id", "-u", user], { check: true })).stdout.trim();
        expect(/^Uid:\s+(\d+)/m.exec(status)?.[1], `${unit} runs as ${user}`).toBe(uid);
        const limits = await h.c.readInside(`/proc/${await pidOf(unit)}/limits`);
        expect(/^Max core file size\s+(\S+)\s+(\S+)/m.exec(limits)?.slice(1), `${unit}: no core dumps`).toEqual(["0", "0"]);
      }
      const runtimePid = await pidOf(RUNTIME_UNIT);
      expect((await h.c.exec(["readlink", `/proc/${runtimePid}/cwd`])).stdout.trim()).toBe(WORKSPACE_DIR);
      const env = await environmentOf(h.c, runtimePid);
      expect({ HOME: env.get("HOME"), CODEWHALE_HOME: env.get("CODEWHALE_HOME") }).toEqual({ HOME: AGENT_HOME, CODEWHALE_HOME });
      // The runtime fixture writes this at start: its home is writable where the design puts it.
      expect(await fileMeta(h.c, `${CODEWHALE_HOME}/codewhale-fixture.started`)).toMatchObject({ owner: AGENT_USER, type: "regular file" });
    });

    it("sandboxes every unit within its exposure ceiling, the bridge no looser than the runtime", async () => {
      const exposure: Record<string, [number, number]> = {};
      const services = [...h.p.payload.units.filter((u) => u.endsWith(".service")), WATCHDOG_UNIT, UPGRADE_GATE_UNIT, ROLLBACK_UNIT, HEALTH_CHECK_UNIT];
      for (const unit of services) exposure[unit] = [await exposureOf(h.c, unit), exposureCeiling(unit, bridgeUnit())];
      report({ exposure });
      process.stdout.write(`[boot] ${name}: exposure ${Object.entries(exposure).map(([u, [s]]) => `${u} ${s}`).join(", ")}\n`);
      for (const [unit, [score, ceiling]] of Object.entries(exposure)) expect(score, `${unit} exposure`).toBeLessThanOrEqual(ceiling);
      expect(exposure[bridgeUnit()]![0]).toBeLessThanOrEqual(exposure[RUNTIME_UNIT]![0]);
    });

    it("caps the agent's memory and tasks (runtime.env's limits, set on the unit)", async () => {
      const props = await h.c.exec(["systemctl", "show", "-p", "MemoryMax,TasksMax", RUNTIME_UNIT], { check: true });
      const got = Object.fromEntries(props.stdout.trim().split("\n").map((l) => l.split("=") as [string, string]));
      const total = Number(/^MemTotal:\s+(\d+) kB/m.exec(await h.c.readInside("/proc/meminfo"))![1]) * 1024;
      const pct = Number(h.p.spec.runtimeLimits.memoryMax.replace("%", "")) / 100;
      expect(Number(got.MemoryMax), "MemoryMax in bytes").toBeGreaterThan(total * pct * 0.95);
      expect(Number(got.MemoryMax)).toBeLessThanOrEqual(total * pct);
      expect(got.TasksMax).toBe(String(h.p.spec.runtimeLimits.tasksMax));
    });

    it("keeps the service users off the host endpoints by the host firewall alone, enforces IPAddressDeny here, and root still reaches them", async () => {
      for (const address of HOST_ENDPOINT_ADDRESSES) {
        const url = `http://${address}/`;
        expect((await h.c.exec(["curl", "-fsS", "-m", "5", url])).stdout, `root reaches ${url}`).toContain("host-endpoint-fixture");
        // A dropped packet never answers; the endpoint answers in milliseconds, so one second tells them apart.
        const denied = await h.c.exec(["systemd-run", "--wait", "--pipe", "--quiet", "--collect", "-p", `IPAddressDeny=${address}`, "curl", "-fsS", "-m", "1", url], { timeoutMs: 20_000 });
        expect(denied.code, `a root unit with IPAddressDeny=${address}`).not.toBe(0);
        // The host firewall alone (no IPAddressDeny=, outside every codewhale unit): a service user's packets are dropped.
        for (const user of h.p.payload.users) {
          const asUser = await h.c.exec(["systemd-run", "--wait", "--pipe", "--quiet", "--collect", `--uid=${user.name}`, "curl", "-fsS", "-m", "1", url], { timeoutMs: 20_000 });
          expect(asUser.code, `${user.name} -> ${url} outside its unit`).not.toBe(0);
        }
      }
      const table = (await h.c.exec(["nft", "list", "table", "inet", FIREWALL_TABLE], { check: true })).stdout;
      expect(table).toMatch(/policy drop/);
      for (const cidr of h.p.spec.ssh.allowedCidrs) expect(table, cidr).toContain(cidr.split("/")[0]!);
    });

    describeWatchdog(() => h);
    describeOps(() => h);

    describe("escape suite: the agent, in its own sandbox, attacks the host", () => {
      let verdicts: Verdicts;
      beforeAll(async () => {
        verdicts = await runEscapeAttacks(h);
        report({ escape: Object.fromEntries(verdicts) });
      });

      it("keeps its positive controls working (the sandbox is the real one)", () => {
        const controls = [...verdicts].filter(([n]) => n.startsWith("control_"));
        expect(controls.length).toBeGreaterThanOrEqual(5);
        expect(controls.filter(([, v]) => v !== "ok")).toEqual([]);
      });

      it("blocks every attack", () => {
        const attacks = [...verdicts].filter(([n, v]) => !n.startsWith("control_") && v !== "planted" && n !== "done");
        expect(attacks.length).toBeGreaterThanOrEqual(46);
        expect(attacks.filter(([, v]) => v !== "blocked")).toEqual([]);
        expect([...verdicts].filter(([, v]) => v === "planted").map(([n]) => n)).toEqual(["plant_codewhale_home_link", "plant_links"]);
      });

      it("gives the agent nothing when root acts after it planted links (data, apply, bootstrap, reboot)", async () => {
        // Every root action of the payload, while the agent's links are in place.
        await h.c.exec(["systemctl", "restart", DATA_UNIT]);
        await h.c.exec([h.p.payload.applyCommand], { timeoutMs: 180_000 });
        if (h.p.bootstrap !== undefined) await runBootstrap(h.c, h.p.bootstrap);
        else await rerunCloudConfig(h.c).catch(() => "");
        const owned = await h.c.sh(`find / -xdev \\( -path '${DATA_DIR}' -o -path /proc -o -path /tmp -o -path /var/tmp -o -path /dev/shm -o -path /run/user \\) -prune -o \\( -user ${AGENT_USER} -o -user ${BRIDGE_USER} \\) -print`);
        expect(owned.stdout.trim().split("\n").filter(Boolean), "files outside the data dir owned by a service user").toEqual([]);
        for (const dir of [LIB_DIR, "/etc/systemd/system", "/usr/local/lib"]) {
          expect(await fileMeta(h.c, dir), dir).toMatchObject({ owner: "root", group: "root" });
        }
        expect((await h.c.exec(["test", "-e", "/tmp/escape-user-unit-ran"])).code, "the planted user unit never ran").not.toBe(0);
      });

      it("leaves the runtime and the bridge healthy once the agent's own home is put back", async () => {
        await undoAgentSabotage(h);
        await h.c.exec(["systemctl", "reset-failed"]);
        await h.c.exec([h.p.payload.applyCommand], { check: true, timeoutMs: 180_000 });
        await waitHealthy(h.c, h.p.payload.units);
        await expectUnitsUp();
      });
    });

    it("changes nothing when the bootstrap runs a second time", async () => {
      const services = [RUNTIME_UNIT, bridgeUnit()];
      const props = async () => Promise.all(services.map(async (u) => (await h.c.exec(["systemctl", "show", "-p", "MainPID,InvocationID", u])).stdout));
      const pidsBefore = await props();
      if (flavour === "shell") {
        const before = await snapshot(h.c, HOST_STATE, { mtimes: true });
        const r = await runBootstrap(h.c, h.p.bootstrap!);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain("changed=0");
        expect(snapshotDiff(before, await snapshot(h.c, HOST_STATE, { mtimes: true }))).toEqual([]);
      } else {
        // cloud-init rewrites its write_files (same content, new mtime); everything else must not move.
        const [rewritten, rest] = [HOST_STATE.slice(0, 2), HOST_STATE.slice(2)];
        const before = [await snapshot(h.c, rewritten, { mtimes: false }), await snapshot(h.c, rest, { mtimes: true })];
        await rerunCloudConfig(h.c);
        expect(snapshotDiff(before[0]!, await snapshot(h.c, rewritten, { mtimes: false }))).toEqual([]);
        expect(snapshotDiff(before[1]!, await snapshot(h.c, rest, { mtimes: true }))).toEqual([]);
      }
      expect(await props(), "runtime and bridge were not restarted").toEqual(pidsBefore);
      await expectUnitsUp();
    });

    it.runIf(flavour === "shell")("installs the same host by hand from the bundle (fill-secrets.sh, then the filled bootstrap): nothing changes", async () => {
      const dir = "/root/codewhale-bundle";
      for (const name of ["bootstrap.sh", FILL_SECRETS]) h.c.writeFile(`${dir}/${name}`, h.p.bundle![name]!, { mode: 0o700 });
      // The operator's values, from the environment as the runbook says (a root-only file here, never argv).
      const env = [...h.p.secretValues].map(([id, v]) => `${secretEnvName(id)}=${v}\n`).join("");
      h.c.writeFile(`${dir}/secrets.env`, env, { mode: 0o600 });
      const pids = async () => (await h.c.exec(["systemctl", "show", "-p", "MainPID", RUNTIME_UNIT, bridgeUnit()])).stdout;
      const before = await pids();
      try {
        const fill = await h.c.sh(`cd ${dir} && set -a && . ./secrets.env && set +a && ./${FILL_SECRETS} </dev/null`);
        expect(fill.code, fill.stderr).toBe(0);
        const run = await h.c.exec(["/bin/sh", `${dir}/${FILLED_BOOTSTRAP}`], { via: "unit", timeoutMs: 300_000 });
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout, "the manual install converges to the cloud's host").toContain("changed=0");
        expect(await pids(), "nothing restarted").toBe(before);
        // Unfilled, the bundle's bootstrap refuses to run, also piped into /bin/sh as a cloud agent runs it.
        const unfilled = await runBootstrap(h.c, h.p.bundle!["bootstrap.sh"]!);
        expect({ code: unfilled.code, stderr: unfilled.stderr.trim() }).toEqual({ code: 1, stderr: expect.stringContaining("still holds secret placeholders") });
      } finally {
        await h.c.exec(["rm", "-rf", dir]);
      }
    });

    it("comes back after a reboot: same install, same config, everything up, nothing leaked", async () => {
      const installBefore = await snapshot(h.c, [INSTALL_ROOT], { mtimes: true });
      const configBefore = await Promise.all(h.p.configFiles.map((f) => h.c.readInside(`${h.p.payload.configDir}/${f.name}`)));
      await h.c.reboot();
      const ci = await h.c.waitForCloudInit();
      expect({ status: ci.status, code: ci.code, errors: ci.errors }).toEqual({ status: "done", code: 0, errors: [] });
      await waitHealthy(h.c, h.p.payload.units);
      const ms = h.c.msSinceBoot();
      process.stdout.write(`[boot] ${name}: reboot: container start -> ${HEALTH_URL} answered in ${fmtMs(ms)}\n`);
      report({ rebootToHealthyMs: ms });
      await expectUnitsUp();
      expect(snapshotDiff(installBefore, await snapshot(h.c, [INSTALL_ROOT], { mtimes: true })), "no reinstall").toEqual([]);
      const configAfter = await Promise.all(h.p.configFiles.map((f) => h.c.readInside(`${h.p.payload.configDir}/${f.name}`)));
      // Compared as booleans: a diff of env files would print the secrets.
      expect(h.p.configFiles.filter((_, i) => configAfter[i] !== configBefore[i]).map((f) => f.name), "config files differ after reboot").toEqual([]);
      await expectOnlySshdOutsideLoopback();
      await expectNoSecretInCommandLines();
    });

    it("fetched only the bridge's sources: under 1 MiB, nothing outside integrations/ but top-level files", async () => {
      const src = `${INSTALL_ROOT}/releases/${h.p.spec.codewhale.version}/src`;
      const outside = await h.c.exec(["find", src, "-mindepth", "2", "-type", "f", "-not", "-path", `${src}/integrations/*`], { check: true });
      expect(outside.stdout.trim(), "files outside integrations/ (the fixture's large file among them)").toBe("");
      // The installer's own account (install-codewhale.sh: "fetched N KiB of v<version> sources for <bridge>").
      const log = (await h.c.exec(["journalctl", "-o", "cat", "--no-pager", "-u", "codewhale-install.service"])).stdout;
      const fetched = /fetched (\d+) KiB of v\S+ sources/.exec(log);
      expect(fetched, "the installer logged what it fetched").not.toBeNull();
      process.stdout.write(`[boot] ${name}: fetched ${fetched![1]} KiB of bridge sources\n`);
      expect(Number(fetched![1])).toBeLessThan(1024);
    });

    // Last: it rewrites install.env (the env-file delivery's rollout), which the tests above compare.
    if (flavour === "shell") describeUpgradeGate(() => h);
  });
}
