// Self-test of the boot-test harness (test/boot/nspawn.ts) and its fixtures.
//   npx tsx test/boot/harness-selftest.ts [--compare-copy]
// Root only. Builds or reuses the cached Debian 12 root, boots it with a
// trivial #cloud-config, and checks: cloud-init done, write_files/runcmd ran,
// the codewhale fixture serves /health as `nobody` under systemd, the bridge
// fixture repo clones + `npm ci`s offline and a fixture bridge comes up, and a
// reboot does not rerun per-instance modules. Prints timings.
// --compare-copy: also time a `cp -a` ephemeral root against the overlay.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { Container, ensureRootfs, FIXTURES_DIR, fmtMs, type ExecResult } from "./nspawn.js";

const TOKEN = "selftest-token-not-secret";

function assert(cond: unknown, msg: string, detail?: string): asserts cond {
  if (!cond) throw new Error(`ASSERTION FAILED: ${msg}${detail ? `\n${detail}` : ""}`);
  process.stdout.write(`  ok  ${msg}\n`);
}
function show(r: ExecResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

const USER_DATA = `#cloud-config
bootcmd:
  - [sh, -c, 'mkdir -p /var/lib/codewhale-selftest && echo boot >> /var/lib/codewhale-selftest/bootcmd.count']
write_files:
  - path: /etc/codewhale-selftest/hello.txt
    permissions: '0640'
    content: |
      hello from write_files
runcmd:
  - [sh, -c, 'echo ran >> /var/lib/codewhale-selftest/runcmd.count']
`;

async function main(): Promise<void> {
  const compareCopy = process.argv.includes("--compare-copy");
  const t: Record<string, string> = {};

  process.stdout.write("== root file system\n");
  const rootfs = await ensureRootfs();
  t["rootfs (build or reuse)"] = fmtMs(rootfs.ms);

  if (compareCopy) {
    const cp = await Container.create({ baseRoot: rootfs.root, mode: "copy" });
    t["ephemeral root: cp -a"] = fmtMs(cp.timings.prepareMs);
    const t0 = Date.now();
    await cp.destroy();
    t["ephemeral root: rm of the cp -a copy"] = fmtMs(Date.now() - t0);
  }

  const c = await Container.create({
    baseRoot: rootfs.root,
    userData: USER_DATA,
    meta: { localHostname: "cw-selftest" },
    files: [{ path: "/usr/local/bin/codewhale", from: path.join(FIXTURES_DIR, "codewhale-fixture.mjs"), mode: 0o755 }],
  });
  t[`ephemeral root: ${c.mode}`] = fmtMs(c.timings.prepareMs);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cw-selftest-"));
  try {
    process.stdout.write(`== boot ${c.name} (${c.mode} root, console: ${c.consoleLogPath})\n`);
    const b = await c.boot();
    t["boot: nspawn start -> systemd up"] = fmtMs(b.ms);
    assert(["running", "degraded"].includes(b.state), `systemd state after boot is running/degraded (${b.state})`);
    const ci = await c.waitForCloudInit();
    t["boot: nspawn start -> cloud-init done"] = fmtMs(ci.sinceBootMs);
    assert(ci.status === "done" && ci.code === 0, `cloud-init status: done (got '${ci.status}', exit ${ci.code})`, ci.long);
    assert(ci.errors.length === 0, "no cloud-init errors in result.json", ci.errors.join("\n"));
    const failed = await c.exec(["systemctl", "--failed", "--no-legend", "--plain"]);
    assert(failed.stdout.trim() === "", "no failed units after first boot", failed.stdout);

    process.stdout.write("== cloud-config effects\n");
    assert(c.readText("/etc/codewhale-selftest/hello.txt") === "hello from write_files\n", "write_files wrote the file (read from the host side)");
    const perm = await c.exec(["stat", "-c", "%a %U", "/etc/codewhale-selftest/hello.txt"]);
    assert(perm.stdout.trim() === "640 root", `write_files permissions 640 root (${perm.stdout.trim()})`);
    assert(c.readText("/var/lib/codewhale-selftest/runcmd.count") === "ran\n", "runcmd ran once");
    assert(c.readText("/var/lib/codewhale-selftest/bootcmd.count") === "boot\n", "bootcmd ran once");
    const hn = await c.exec(["hostname"]);
    assert(hn.stdout.trim() === "cw-selftest", `hostname from meta-data (${hn.stdout.trim()})`);
    const net = await c.exec(["ip", "-o", "link"]);
    assert(net.stdout.trim().split("\n").length === 1 && net.stdout.includes("lo:"), "private network: only lo");

    process.stdout.write("== exec plumbing\n");
    const e1 = await c.exec(["sh", "-c", "echo out; echo err >&2; exit 7"]);
    assert(e1.code === 7 && e1.stdout === "out\n" && e1.stderr === "err\n", "nsenter exec: exit code, stdout, stderr", show(e1));
    const e2 = await c.exec(["cat"], { input: "piped" });
    assert(e2.stdout === "piped", "nsenter exec: stdin");
    const e3 = await c.exec(["id", "-un"], { user: "nobody" });
    assert(e3.stdout.trim() === "nobody", "nsenter exec as user", show(e3));
    const e4 = await c.exec(["sh", "-c", "id -un; cat /proc/self/cgroup | tail -n1; exit 3"], { via: "unit", user: "nobody" });
    assert(e4.code === 3 && e4.stdout.startsWith("nobody\n") && e4.stdout.includes(".service"), "systemd-run exec: user, own unit, exit code", show(e4));
    const e5 = await c.exec(["sleep", "30"], { timeoutMs: 1000 });
    assert(e5.timedOut && e5.code === 124, "exec timeout kills the command");
    const e6 = await c.exec(["pwd"], { cwd: "/etc" });
    assert(e6.stdout.trim() === "/etc", "exec cwd");

    process.stdout.write("== codewhale runtime fixture\n");
    const v = await c.exec(["codewhale", "--version"]);
    assert(v.stdout.trim() === "codewhale 0.9.10", `codewhale --version (${v.stdout.trim()})`, show(v));
    const bad = await c.exec(["codewhale", "serve", "--http", "--host", "127.0.0.1", "--port", "7878", "--auth-token", "x"], { user: "nobody" });
    assert(bad.code === 2 && bad.stderr.includes("--auth-token"), "fixture refuses --auth-token in argv", show(bad));
    const start = await c.exec([
      "systemd-run", "--unit=codewhale-selftest", "--uid=nobody", "-E", `CODEWHALE_RUNTIME_TOKEN=${TOKEN}`,
      "/usr/local/bin/codewhale", "serve", "--http", "--host", "127.0.0.1", "--port", "7878", "--workers", "1",
    ]);
    assert(start.code === 0, "systemd-run started the runtime fixture as nobody", show(start));
    let health: ExecResult | undefined;
    await c.waitFor(async () => {
      health = await c.exec(["curl", "-fsS", "--max-time", "2", "http://127.0.0.1:7878/health"]);
      return health.code === 0;
    }, 20_000, { what: "runtime /health" });
    assert(JSON.parse(health?.stdout ?? "{}").status === "ok", `GET /health inside the container: ${health?.stdout}`);
    const noauth = await c.exec(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:7878/v1/runtime/info"]);
    assert(noauth.stdout === "401", "GET /v1/runtime/info without token: 401");
    const info = await c.exec(["curl", "-fsS", "-H", `Authorization: Bearer ${TOKEN}`, "http://127.0.0.1:7878/v1/runtime/info"]);
    assert(info.code === 0 && JSON.parse(info.stdout).auth_required === true, `GET /v1/runtime/info with token: ${info.stdout}`);
    const props = await c.unitProperties("codewhale-selftest.service");
    assert(props.ActiveState === "active" && props.User === "nobody", `unit active as nobody (${props.ActiveState}, User=${props.User})`);

    process.stdout.write("== bridge checkout fixture\n");
    const tBridge = Date.now();
    const repo = path.join(tmp, "codewhale.git");
    const mk = spawnSync("bash", [path.join(FIXTURES_DIR, "make-bridge-repo.sh"), repo, "v0.9.10"], { encoding: "utf8" });
    assert(mk.status === 0, "make-bridge-repo.sh built the fixture repository", mk.stderr);
    c.copyIn(repo, "/srv/fixtures/codewhale.git");
    const clone = await c.exec(["git", "clone", "-q", "--depth", "1", "--branch", "v0.9.10", "file:///srv/fixtures/codewhale.git", "/opt/codewhale-src"]);
    assert(clone.code === 0, "git clone --depth 1 --branch v0.9.10 file://... inside the container", show(clone));
    const ci2 = await c.exec(["npm", "ci", "--omit=dev", "--no-audit", "--no-fund"], { cwd: "/opt/codewhale-src/integrations/feishu-bridge", timeoutMs: 120_000 });
    assert(ci2.code === 0, "npm ci --omit=dev of the feishu fixture (a local file: dependency) works offline", show(ci2));
    const br = await c.exec([
      "systemd-run", "--unit=telegram-bridge-selftest", "--uid=nobody",
      "-E", "CODEWHALE_RUNTIME_URL=http://127.0.0.1:7878", "-E", `CODEWHALE_RUNTIME_TOKEN=${TOKEN}`,
      "-E", "TELEGRAM_BOT_TOKEN=fixture", "-E", "TELEGRAM_CHAT_ALLOWLIST=",
      "--working-directory=/opt/codewhale-src/integrations/telegram-bridge", "/usr/bin/node", "src/index.mjs",
    ]);
    assert(br.code === 0, "started the telegram bridge fixture", show(br));
    await c.waitFor(async () => (await c.journal("telegram-bridge-selftest.service")).includes("ready:"), 20_000, { what: "bridge ready line" });
    assert((await c.unitProperties("telegram-bridge-selftest.service")).ActiveState === "active", "telegram bridge fixture is up and talked to the runtime");
    const brBad = await c.exec(["node", "src/index.mjs"], { cwd: "/opt/codewhale-src/integrations/feishu-bridge", env: { CODEWHALE_RUNTIME_URL: "http://127.0.0.1:7878" } });
    assert(brBad.code === 1 && brBad.stderr.includes("FEISHU_APP_ID is required"), "feishu bridge fixture refuses to start without its app id, as upstream does", show(brBad));

    t["bridge fixture: repo, clone, npm ci, start"] = fmtMs(Date.now() - tBridge);

    process.stdout.write("== reboot\n");
    const rb = await c.reboot();
    t["reboot: systemctl reboot -> systemd up"] = fmtMs(rb.ms);
    const ci3 = await c.waitForCloudInit();
    t["reboot: nspawn start -> cloud-init done"] = fmtMs(ci3.sinceBootMs);
    assert(ci3.status === "done", `cloud-init done after reboot (${ci3.status})`, ci3.long);
    assert(c.readText("/var/lib/codewhale-selftest/runcmd.count") === "ran\n", "runcmd (per-instance) did not rerun");
    assert(c.readText("/var/lib/codewhale-selftest/bootcmd.count") === "boot\nboot\n", "bootcmd (per-boot) ran again: cloud-init really ran on the second boot");
    const cilog = c.readText("/var/log/cloud-init.log");
    assert(/config-runcmd already ran \(freq=once-per-instance\)/.test(cilog), "cloud-init.log: config-runcmd already ran (freq=once-per-instance)");
    // module name is config-write-files on cloud-init 22.x, config-write_files on some later versions
    assert(/config-write[-_]files already ran/.test(cilog), "cloud-init.log: config-write-files already ran");
    const iid = await c.exec(["cloud-init", "query", "instance_id"]);
    assert(iid.stdout.trim() === c.instanceId, `same instance-id after reboot (${iid.stdout.trim()})`, show(iid));
    const gone = await c.exec(["systemctl", "is-active", "codewhale-selftest.service"]);
    assert(gone.stdout.trim() !== "active", "transient runtime unit is gone after reboot (as expected)");

    await c.stop();
    t["stop (clean poweroff)"] = fmtMs(c.timings.stopMs);
  } finally {
    const t0 = Date.now();
    await c.destroy();
    t["destroy (umount + rm)"] = fmtMs(Date.now() - t0);
    fs.rmSync(tmp, { recursive: true, force: true });
    process.stdout.write("\n== timings\n");
    for (const [k, v] of Object.entries(t)) process.stdout.write(`  ${k.padEnd(44)} ${v}\n`);
  }
  process.stdout.write("harness self-test PASSED\n");
}

main().catch((e: unknown) => {
  process.stderr.write(`harness self-test FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
