/**
 * The boot test's specification of a working host, for one flavour x bridge: what must hold inside the
 * booted container after the payload ran, after it ran a second time, and after a reboot.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { AGENT_HOME, CODEWHALE_HOME, CONFIG_FILES, DATA_DIR, INSTALL_ROOT, LIB_DIR, SERVICE_USER, WORKSPACE_DIR } from "../../cloud-init/model";
import { renderConfigFile } from "../../cloud-init/render-shell";
import { bridgeStateDir, bridgeUnitName, RUNTIME_UNIT } from "../../cloud-init/units";
import { bootHost, HEALTH_URL, rerunCloudConfig, runBootstrap, waitHealthy, type BootedHost } from "./boot-host";
import { exposureCeiling, exposureOf } from "./exposure";
import { fmtMs } from "./nspawn";
import { renderBootPayload, type Flavour } from "./payloads";
import { commandLines, environmentOf, fileMeta, filesContaining, isLoopback, journalExport, listeners, snapshot, snapshotDiff } from "./probes";
import { appendReport } from "./report";

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
      const p = await renderBootPayload(flavour, bridge);
      h = await bootHost(p, inject("bootRoot"), inject("bootSources"));
      process.stdout.write(`[boot] ${name}: container start -> ${HEALTH_URL} answered in ${fmtMs(h.bootToHealthyMs)}\n`);
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
        const state = { unit, result: props.Result, restarts: props.NRestarts };
        const why = JSON.stringify(state) === JSON.stringify({ unit, result: "success", restarts: "0" }) ? "" : await h.c.journal(unit, 30);
        expect(state, `${unit} journal:\n${why}`).toEqual({ unit, result: "success", restarts: "0" });
      }
      expect((await h.c.exec(["systemctl", "--failed", "--no-legend", "--plain"])).stdout.trim(), "failed units").toBe("");
      // The bridge fixture prints "ready" only after checking its env and the token against the runtime.
      await h.c.waitFor(async () => (await h.c.journal(bridgeUnit(), 50)).includes(" ready: "), 30_000, { what: `${bridgeUnit()} ready line` });
    }

    async function expectOnlySshdOutsideLoopback(): Promise<void> {
      const exposed = (await listeners(h.c)).filter((l) => !isLoopback(l.address));
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

    it(`creates the locked system user ${SERVICE_USER}, home on the data dir`, async () => {
      const [, , uid, , , home, shell] = (await h.c.exec(["getent", "passwd", SERVICE_USER], { check: true })).stdout.trim().split(":");
      expect(Number(uid)).toBeLessThan(1000);
      expect({ home, shell }).toEqual({ home: AGENT_HOME, shell: "/usr/sbin/nologin" });
      const password = (await h.c.exec(["getent", "shadow", SERVICE_USER], { check: true })).stdout.split(":")[1] ?? "";
      expect(password, "no usable password").toMatch(/^[!*]/);
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

    it("lets sshd accept keys only, whatever the image's own drop-ins say", async () => {
      await h.c.exec(["install", "-d", "-m", "0755", "/run/sshd"], { check: true });
      const effective = (await h.c.exec(["sshd", "-T"], { check: true })).stdout;
      for (const line of ["passwordauthentication no", "kbdinteractiveauthentication no", "permitrootlogin without-password"]) {
        expect(effective.split("\n"), line).toContain(line);
      }
    });

    it("writes the env files root:codewhale 0640 with exactly the rendered entries, no comments", async () => {
      const dir = h.p.payload.configDir;
      expect(await fileMeta(h.c, dir)).toEqual({ mode: "750", owner: "root", group: SERVICE_USER, type: "directory" });
      for (const f of h.p.configFiles) {
        const file = `${dir}/${f.name}`;
        expect(await fileMeta(h.c, file), file).toEqual({ mode: "640", owner: "root", group: SERVICE_USER, type: "regular file" });
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
          const want = e.secret !== undefined ? h.p.secretValues.get(e.secret) : e.value;
          expect(env.get(e.name) === want, `${unit}: ${e.name} as in ${fileName}`).toBe(true);
        }
      }
    });

    it("passes the bridge's own scripts/validate-config.mjs, run on the env files as upstream's README says", async () => {
      const file = (name: string) => `${h.p.payload.configDir}/${name}`;
      const args = ["--env", file(CONFIG_FILES.bridge), "--runtime-env", file(CONFIG_FILES.runtime), "--workspace-root", WORKSPACE_DIR, "--check-filesystem", "--json"];
      const r = await h.c.exec(["node", "scripts/validate-config.mjs", ...args], { cwd: `${INSTALL_ROOT}/current/src/integrations/${h.p.spec.bridge.integrationDir}` });
      expect({ code: r.code, errors: (JSON.parse(r.stdout || "{}") as { errors?: unknown }).errors }, r.stdout + r.stderr).toEqual({ code: 0, errors: [] });
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

    it(`keeps workspace, agent home and bridge state under ${DATA_DIR}, owned by ${SERVICE_USER}`, async () => {
      expect(await fileMeta(h.c, DATA_DIR)).toMatchObject({ mode: "750", owner: "root", group: SERVICE_USER });
      for (const dir of [WORKSPACE_DIR, AGENT_HOME, CODEWHALE_HOME, bridgeStateDir(h.p.spec.bridge)]) {
        expect(await fileMeta(h.c, dir), dir).toMatchObject({ mode: "750", owner: SERVICE_USER, type: "directory" });
      }
      const runtimePid = await pidOf(RUNTIME_UNIT);
      expect((await h.c.exec(["readlink", `/proc/${runtimePid}/cwd`])).stdout.trim()).toBe(WORKSPACE_DIR);
      const env = await environmentOf(h.c, runtimePid);
      expect({ HOME: env.get("HOME"), CODEWHALE_HOME: env.get("CODEWHALE_HOME") }).toEqual({ HOME: AGENT_HOME, CODEWHALE_HOME });
      // The runtime fixture writes this at start: its home is writable where the design puts it.
      expect(await fileMeta(h.c, `${CODEWHALE_HOME}/codewhale-fixture.started`)).toMatchObject({ owner: SERVICE_USER, type: "regular file" });
    });

    it("sandboxes every unit within its exposure ceiling, the bridge far below the runtime", async () => {
      const exposure: Record<string, [number, number]> = {};
      for (const unit of h.p.payload.units) exposure[unit] = [await exposureOf(h.c, unit), exposureCeiling(unit, bridgeUnit())];
      report({ exposure });
      process.stdout.write(`[boot] ${name}: exposure ${Object.entries(exposure).map(([u, [s]]) => `${u} ${s}`).join(", ")}\n`);
      for (const [unit, [score, ceiling]] of Object.entries(exposure)) expect(score, `${unit} exposure`).toBeLessThanOrEqual(ceiling);
      expect(exposure[bridgeUnit()]![0]).toBeLessThan(exposure[RUNTIME_UNIT]![0] / 2);
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
  });
}
