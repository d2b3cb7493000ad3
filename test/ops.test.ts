/**
 * The operator verbs: what both sides refuse before anything runs (the CLI, scripts/ops-args.ts, before it
 * connects; the host's wrapper, host/assets/ops.mjs, before it acts), how the CLI reaches the host (the
 * system ssh, strict host keys, the wrapper's fixed path), where backup-now goes on each target, and what the
 * payload puts on the host for it. The boot test runs every verb against a booted host over real SSH.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { keyVaultDelivery } from "../components/azure/key-vault-delivery";
import { envFileDelivery } from "../host/delivery";
import { buildHostPayload } from "../host/host-payload";
import { LIB_DIR } from "../host/model";
import { HEALTH_CHECK_UNIT, OPS_COMMAND, OPS_CONFIG, RUNTIME_UNIT, UPGRADE_GATE_UNIT, WATCHDOG_TIMER } from "../host/units";
import { loadSpec } from "../contract";
import { MAX_LOG_LINES, OpsUsageError, backupArgv, parseOpsArgs, printable, sshArgv, sshTarget, type OpsRequest } from "../scripts/ops-args";
import { bridgeIds } from "../bridges/registry";
import { modelProviders } from "../config/model-providers";
import { FAKE_SECRETS, providerOverrides, rawConfig } from "./support/stack";

interface OpsModule {
  MAX_LINES: number;
  wordsOf(command: string, self?: string): string[];
  parseRequest(words: string[], units: string[]): { verb: string; unit?: string; lines: number; json: boolean };
  wordsFor(r: object): string[];
  secretsIn(texts: string[], names: string[]): string[];
  cleaner(secrets: string[]): (t: string) => string;
}
const SCRIPT = path.resolve(__dirname, "../host/assets/ops.mjs");
let ops: OpsModule;
beforeAll(async () => {
  ops = (await import(SCRIPT)) as OpsModule;
});

const ROOT = path.resolve(__dirname, "..");
const UNITS = ["codewhale-data.service", "codewhale-runtime.service", "codewhale-telegram-bridge.service", "codewhale-watchdog.timer"];
const refusal = (words: string[]): string => {
  try {
    ops.parseRequest(words, UNITS);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`accepted: ${words.join(" ")}`);
};

describe("the host's wrapper: only its verbs, only checked words", () => {
  it("accepts each verb with its own options, and the unit names it knows (with or without .service)", () => {
    expect(ops.parseRequest(["status"], UNITS)).toEqual({ verb: "status", json: false, lines: 100 });
    expect(ops.parseRequest(["status", "--json"], UNITS)).toEqual({ verb: "status", json: true, lines: 100 });
    expect(ops.parseRequest(["logs", "codewhale-runtime", "--lines", "5"], UNITS)).toEqual({ verb: "logs", unit: RUNTIME_UNIT, json: false, lines: 5 });
    expect(ops.parseRequest(["logs", "--lines=1000"], UNITS)).toMatchObject({ verb: "logs", lines: 1000 });
    expect(ops.parseRequest(["restart"], UNITS)).toMatchObject({ verb: "restart" });
    expect(ops.parseRequest(["upgrade-check", "--json"], UNITS)).toMatchObject({ verb: "upgrade-check", json: true });
    expect(ops.MAX_LINES).toBe(MAX_LOG_LINES);
  });

  it("refuses anything else, naming what is wrong", () => {
    expect(refusal([])).toMatch(/^no verb: one of status, logs, restart, upgrade-check$/);
    expect(refusal(["shell"])).toMatch(/^unknown verb 'shell'/);
    expect(refusal(["status;", "id"])).toMatch(/^refused: 'status;' is not a verb/);
    expect(refusal(["logs", "$(id)"])).toMatch(/^refused: '\$\(id\)'/);
    expect(refusal(["logs", "../../etc/shadow"])).toMatch(/^refused/);
    expect(refusal(["logs", "ssh.service"])).toMatch(/^logs: 'ssh.service' is not one of this host's units: codewhale-data.service, /);
    expect(refusal(["logs", "--lines", "0"])).toMatch(/^logs --lines: a whole number from 1 to 1000, not '0'$/);
    expect(refusal(["logs", "--lines", "1001"])).toMatch(/not '1001'/);
    expect(refusal(["logs", "--lines", "-5"])).toMatch(/^refused: '-5'/);
    expect(refusal(["logs", "a.service", "b.service"])).toMatch(/^logs: unexpected 'b.service'/);
    expect(refusal(["logs", "--json"])).toBe("logs takes no --json");
    expect(refusal(["status", "--lines", "5"])).toBe("status takes no --lines");
    expect(refusal(["restart", "now"])).toBe("restart: unexpected 'now'");
    expect(refusal(["status", "--since", "1"])).toMatch(/^status: Unknown option '--since'/);
  });

  it("takes a forced command's words as words (never evaluated), dropping its own path in front", () => {
    expect(ops.wordsOf(`${OPS_COMMAND} logs  codewhale-runtime.service --lines 5`, OPS_COMMAND)).toEqual(["logs", "codewhale-runtime.service", "--lines", "5"]);
    expect(ops.wordsOf("status --json", OPS_COMMAND)).toEqual(["status", "--json"]);
    expect(() => ops.parseRequest(ops.wordsOf("status && sh -i", OPS_COMMAND), UNITS)).toThrow(/unexpected|refused/);
    // What the root run gets from sudo: the request again, in the same checked words.
    const r = ops.parseRequest(["logs", "codewhale-runtime", "-n"].slice(0, 2), UNITS);
    expect(ops.parseRequest(ops.wordsFor(r), UNITS)).toEqual(r);
  });

  it("prints no secret of the env files and no control character (the agent writes its own journal lines)", () => {
    const env = `CODEWHALE_MODEL=deepseek-chat\nTELEGRAM_BOT_TOKEN=${FAKE_SECRETS.telegramBotToken}\nSHORT=abc\n`;
    const secrets = ops.secretsIn([env], ["TELEGRAM_BOT_TOKEN", "SHORT"]);
    expect(secrets).toEqual([FAKE_SECRETS.telegramBotToken]);
    const clean = ops.cleaner(secrets);
    expect(clean(`GET /bot${FAKE_SECRETS.telegramBotToken}/getUpdates failed\r\n`)).toBe("GET /bot[secret]/getUpdates failed\n");
    expect(clean("ok \x1b]0;owned\x07 \x1b[2J\tend \u009b")).toBe("ok ?]0;owned? ?[2J\tend ?");
  });

  it("as the login user, checks the words first and only then runs itself as root through sudo -n with exactly those", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cw-ops-"));
    chmodSync(dir, 0o755);
    copyFileSync(SCRIPT, path.join(dir, "ops.mjs"));
    writeFileSync(path.join(dir, "ops.json"), JSON.stringify({ services: UNITS.slice(0, 3), timers: [UNITS[3]], helpers: [], secretFiles: [], secretEnv: [] }));
    const bin = path.join(dir, "bin");
    spawnSync("mkdir", [bin]);
    const calls = path.join(dir, "sudo-calls");
    writeFileSync(calls, "");
    chmodSync(calls, 0o666);
    writeFileSync(path.join(bin, "sudo"), `#!/bin/sh\nprintf '%s\\n' "$*" >>'${calls}'\necho "sudo: a password is required" >&2\nexit 1\n`, { mode: 0o755 });
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const run = (env: Record<string, string>, args: string[] = []) =>
      spawnSync(process.execPath, [path.join(dir, "ops.mjs"), ...args], { encoding: "utf8", env: { PATH: `${bin}:/usr/bin:/bin`, ...env }, ...asUser });
    const bad = run({ SSH_ORIGINAL_COMMAND: "status; cat /etc/shadow" });
    expect({ code: bad.status, err: bad.stderr }).toEqual({ code: 2, err: "codewhale-ops: refused: 'status;' is not a verb, unit or option (letters, digits, . _ @ - only)\n" });
    expect(readFileSync(calls, "utf8"), "sudo never ran for refused words").toBe("");
    const good = run({ SSH_ORIGINAL_COMMAND: `${path.join(dir, "ops.mjs")} logs codewhale-runtime --lines 7` });
    expect(readFileSync(calls, "utf8")).toBe(`-n -- ${path.join(dir, "ops.mjs")} logs codewhale-runtime.service --lines 7\n`);
    expect({ code: good.status, err: good.stderr }).toEqual({ code: 2, err: `codewhale-ops: logs: needs root: the login user must be allowed 'sudo -n ${path.join(dir, "ops.mjs")}'\n` });
  });

  it("is valid JavaScript for the host's node", () => {
    const r = spawnSync(process.execPath, ["--check", SCRIPT], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
  });
});

describe("the ops wrapper in the host payload", () => {
  const spec = loadSpec(rawConfig({ bridge: "telegram" })).spec;
  const shell = buildHostPayload(spec, { delivery: envFileDelivery(), dataDevices: [], sshLoginUser: "ubuntu", unattendedUpgrades: true });
  const azure = buildHostPayload(spec, { delivery: keyVaultDelivery("cwvault"), dataDevices: [], sshLoginUser: "azureuser", unattendedUpgrades: false });

  it("is root's, in the helpers' directory the agent's unit cannot see, beside its config", () => {
    for (const p of [shell, azure]) {
      const wrapper = p.files.find((f) => f.path === OPS_COMMAND);
      expect(wrapper).toMatchObject({ owner: "root", group: "root", mode: "0755" });
      expect(wrapper!.content).toBe(readFileSync(SCRIPT, "utf8"));
      expect(path.dirname(OPS_COMMAND)).toBe(LIB_DIR);
      expect(p.files.find((f) => f.path === OPS_CONFIG)).toMatchObject({ owner: "root", group: "root", mode: "0644" });
      const runtime = p.files.find((f) => f.path.endsWith(`/${RUNTIME_UNIT}`))!.content;
      expect(/^InaccessiblePaths=(.*)$/m.exec(runtime)?.[1]?.split(" ")).toContain(`-${LIB_DIR}`);
    }
  });

  it("knows the payload's units, restarts runtime then bridge, and names the secret entries, never their values", () => {
    for (const p of [shell, azure]) {
      const cfg = JSON.parse(p.files.find((f) => f.path === OPS_CONFIG)!.content) as Record<string, string[]>;
      expect([...cfg.services!, ...cfg.timers!]).toEqual(p.units);
      expect(cfg.timers).toEqual([WATCHDOG_TIMER]);
      expect(cfg.helpers).toEqual(expect.arrayContaining([UPGRADE_GATE_UNIT, HEALTH_CHECK_UNIT]));
      expect(cfg.restart).toEqual([RUNTIME_UNIT, "codewhale-telegram-bridge.service"]);
      expect(cfg.secretEnv).toEqual(expect.arrayContaining(["CODEWHALE_RUNTIME_TOKEN", "TELEGRAM_BOT_TOKEN", "DEEPSEEK_API_KEY"]));
      expect(cfg.secretFiles).toEqual([`${p.configDir}/runtime.env`, `${p.configDir}/bridge.env`]);
      const text = JSON.stringify(cfg);
      for (const v of Object.values(FAKE_SECRETS)) expect(text).not.toContain(v);
    }
  });

  it("filters every secret entry of every provider and bridge, and stays the same file whatever the day-2 config", () => {
    const texts = new Set<string>();
    for (const provider of modelProviders.map((m) => m.id)) {
      for (const bridge of bridgeIds) {
        let s;
        try {
          s = loadSpec(rawConfig({ ...providerOverrides(provider), bridge })).spec;
        } catch {
          continue; // a provider the config refuses (e.g. one upstream cannot serve) reaches no host
        }
        const p = buildHostPayload(s, { delivery: envFileDelivery(), dataDevices: [], sshLoginUser: "ubuntu", unattendedUpgrades: true });
        const cfg = JSON.parse(p.files.find((f) => f.path === OPS_CONFIG)!.content) as { secretEnv: string[]; secretFiles: string[] };
        for (const f of p.configFiles) {
          if (f.format !== "env") continue;
          const secret = f.entries.filter((e) => e.secret !== undefined);
          if (secret.length > 0) expect(cfg.secretFiles, `${provider} x ${bridge}: ${f.name}`).toContain(`${p.configDir}/${f.name}`);
          for (const e of secret) expect(cfg.secretEnv, `${provider} x ${bridge}: ${f.name} ${e.name}`).toContain(e.name);
        }
        if (bridge === "telegram") texts.add(p.files.find((f) => f.path === OPS_CONFIG)!.content);
      }
    }
    expect(texts.size, "ops.json differs between providers").toBe(1);
  });

  it("runs upgrade-check as the gate's checks in their own unit: the watchdog's sandbox, --check, changes nothing", () => {
    const unit = shell.files.find((f) => f.path.endsWith(`/${HEALTH_CHECK_UNIT}`))!.content;
    const gate = shell.files.find((f) => f.path.endsWith(`/${UPGRADE_GATE_UNIT}`))!.content;
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node \/usr\/local\/lib\/codewhale-remote\/watchdog\.mjs \S+ --check$/m);
    const sandbox = (t: string) => t.split("\n").filter((l) => !/^(Description|ExecStart|TimeoutStartSec)=/.test(l));
    expect(sandbox(unit)).toEqual(sandbox(gate));
    expect(readFileSync(path.resolve(__dirname, "../host/assets/watchdog.mjs"), "utf8")).toMatch(/if \(process\.argv\[3\] === '--check'\) \{\n\s+process\.exitCode = await checkNow/);
  });
});

describe("the CLI: checked before it connects", () => {
  const parse = (...argv: string[]) => parseOpsArgs(argv) as OpsRequest;
  const mistake = (...argv: string[]): string => {
    try {
      parseOpsArgs(argv);
    } catch (e) {
      if (e instanceof OpsUsageError) return e.message;
      throw e;
    }
    throw new Error(`accepted: ${argv.join(" ")}`);
  };

  it("takes each verb with its options", () => {
    expect(parse("status", "--stack", "dev", "--json")).toEqual({ verb: "status", stack: "dev", json: true });
    expect(parse("logs", "codewhale-runtime.service", "-n", "20", "--host", "203.0.113.9", "--user", "azureuser")).toMatchObject({ verb: "logs", unit: "codewhale-runtime.service", lines: 20, host: "203.0.113.9", user: "azureuser" });
    expect(parse("restart", "--stack", "org/codewhale-remote/prod")).toMatchObject({ verb: "restart", stack: "org/codewhale-remote/prod" });
    expect(parse("backup-now", "--stack", "prod")).toMatchObject({ verb: "backup-now" });
    expect(parseOpsArgs(["--help"])).toBe("help");
  });

  it("refuses what can never be right, with the fix", () => {
    expect(mistake()).toMatch(/^no verb: one of status, logs, restart, upgrade-check, backup-now/);
    expect(mistake("reboot", "--stack", "dev")).toMatch(/^unknown verb 'reboot'/);
    expect(mistake("status")).toBe("status: pass --stack <name>, or --host and --user for a host without a stack");
    expect(mistake("status", "--host", "203.0.113.9")).toMatch(/pass --stack/);
    expect(mistake("logs", "x;rm", "--stack", "dev")).toMatch(/^logs: 'x;rm' is not a unit name/);
    expect(mistake("logs", "-n", "0", "--stack", "dev")).toBe(`--lines: a whole number from 1 to ${MAX_LOG_LINES}, not '0'`);
    expect(mistake("logs", "-n", "5000", "--stack", "dev")).toMatch(/not '5000'/);
    expect(mistake("status", "-n", "5", "--stack", "dev")).toBe("--lines is for logs, not status");
    expect(mistake("restart", "--json", "--stack", "dev")).toBe("--json is for status and upgrade-check, not restart");
    expect(mistake("restart", "all", "--stack", "dev")).toMatch(/^restart: unexpected 'all' \(restart takes no argument\)/);
    // A value that reads as an option is refused by the parser already, and by the checks when glued on.
    expect(mistake("status", "--host", "-oProxyCommand=sh", "--user", "a")).toMatch(/^Option '--host' argument is ambiguous/);
    expect(mistake("status", "--host=-oProxyCommand=sh", "--user", "a")).toMatch(/^--host: '-oProxyCommand=sh' is not an IP address or host name/);
    expect(mistake("status", "--host", "h", "--user=-lroot")).toMatch(/^--user: '-lroot' is not a login name/);
    expect(mistake("status", "--stack", "dev", "--port", "70000")).toMatch(/^--port: 1 to 65535/);
    expect(mistake("status", "--stack", "$(id)")).toMatch(/^--stack: '\$\(id\)' is not a stack name/);
    expect(mistake("backup-now", "--host", "h", "--user", "u")).toMatch(/^backup-now needs --stack/);
    expect(mistake("status", "--stack", "dev", "--bogus")).toMatch(/^Unknown option '--bogus'/);
  });

  it("finds host and user in the stack's outputs, the flags winning; refuses an output that is no address", () => {
    const req = parse("status", "--stack", "dev");
    expect(sshTarget(req, { publicIp: "203.0.113.9", sshCommand: "ssh azureuser@203.0.113.9" })).toEqual({ host: "203.0.113.9", user: "azureuser" });
    expect(sshTarget(parse("status", "--stack", "dev", "--user", "ops"), { publicIp: "203.0.113.9", sshCommand: "ssh ubuntu@203.0.113.9" })).toEqual({ host: "203.0.113.9", user: "ops" });
    expect(() => sshTarget(req, { publicIp: "", publicIpCommand: "tccli lighthouse ...", sshCommand: "ssh ubuntu@$(tccli lighthouse ...)" })).toThrow(/no publicIp output to connect to \(look it up: tccli lighthouse \.\.\.\); pass --host/);
    expect(() => sshTarget(req, { publicIp: "-oProxyCommand=x", sshCommand: "ssh ubuntu@h" })).toThrow(/stack dev publicIp: '-oProxyCommand=x' is not an IP address/);
  });

  it("runs the system ssh with strict host keys, no prompt, and the wrapper's fixed path after --", () => {
    const req = parse("logs", "codewhale-runtime.service", "-n", "5", "--stack", "dev", "-i", "/k", "--known-hosts", "/kh", "--port", "2222");
    const argv = sshArgv(req, { host: "203.0.113.9", user: "azureuser" }, OPS_COMMAND);
    expect(argv).toEqual(expect.arrayContaining(["BatchMode=yes", "StrictHostKeyChecking=yes", "IdentitiesOnly=yes", "UserKnownHostsFile=/kh"]));
    expect(argv.slice(argv.indexOf("--"))).toEqual(["--", "azureuser@203.0.113.9", OPS_COMMAND, "logs", "codewhale-runtime.service", "--lines", "5"]);
    expect(argv.join(" ")).not.toMatch(/StrictHostKeyChecking=(no|accept-new)/);
  });

  it("refuses bad arguments without running ssh or pulumi (exit 2, one line)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cw-ops-cli-"));
    const log = path.join(dir, "calls");
    for (const tool of ["ssh", "pulumi", "az"]) writeFileSync(path.join(dir, tool), `#!/bin/sh\necho ${tool} "$@" >>'${log}'\nexit 0\n`, { mode: 0o755 });
    const r = spawnSync(process.execPath, ["--require", "./scripts/register-ts.cjs", "scripts/ops.ts", "logs", "--lines", "0", "--stack", "dev"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
    expect({ code: r.status, err: r.stderr }).toEqual({ code: 2, err: "codewhale-remote: --lines: a whole number from 1 to 1000, not '0'\n" });
    expect(() => readFileSync(log, "utf8"), "nothing ran").toThrow(/ENOENT/);
  });

  it("strips control characters from what the host prints", () => {
    expect(printable("a\x1b[31mred\r\nb\tc\u009b")).toBe("a?[31mred\nb\tc?");
  });
});

describe("backup-now: where the backup is taken, per target", () => {
  const backup = { keyVaultName: "cwkv", backupResourceGroupName: "rg-cw-backup", backupVaultName: "bv-cw", backupInstanceName: "cw-data-bi" };
  it("Azure with Azure Backup: az dataprotection backup-instance adhoc-backup with the stack's vault and instance, from this machine", () => {
    expect(backupArgv("prod", backup)).toEqual([
      "dataprotection", "backup-instance", "adhoc-backup", "--resource-group", "rg-cw-backup", "--vault-name", "bv-cw", "--name", "cw-data-bi", "--rule-name", "BackupOnSchedule", "--retention-tag-override", "Default",
    ]);
  });
  it("refuses a backup output that is not an Azure name", () => {
    expect(() => backupArgv("prod", { ...backup, backupVaultName: "--debug" })).toThrow(/output backupVaultName is "--debug", not an Azure name/);
    expect(() => backupArgv("prod", { ...backup, backupInstanceName: undefined })).toThrow(/output backupInstanceName is undefined/);
  });
  it("Azure without backup, Lighthouse, anything else: says what exists instead, as an error", () => {
    expect(() => backupArgv("dev", { keyVaultName: "cwkv" })).toThrow(/stack dev has no Azure Backup for its workspace disk \(no backupVaultName output\): turn it on/);
    expect(() => backupArgv("lh", { instanceId: "lhins-1" })).toThrow(/stack lh is on Lighthouse, where this CLI takes no backup: Lighthouse keeps backup points of data disks \(its API's CreateDiskBackup/);
    expect(() => backupArgv("x", {})).toThrow(/no backup this CLI can take/);
  });
});
