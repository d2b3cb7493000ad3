/**
 * The deploy bundle installs by hand as its RUNBOOK says: no wait for a cloud's data device, a fill-secrets
 * helper that refuses leftover placeholders and keeps values out of argv, a bootstrap that refuses to run with
 * a placeholder left, one order of first steps (create the bot, deploy, pair) in the runbook, nextSteps and
 * the README.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridges } from "../bridges/registry";
import { FILLED_BOOTSTRAP, FILL_SECRETS, posixPattern, secretEnvName } from "../host/bundle";
import { placeholdersIn } from "../host/render-shell";
import { planStack, type Plan } from "../scripts/offline-plan";
import { FAKE_SECRETS, rawConfig } from "./support/stack";

const root = path.resolve(__dirname, "..");
const tmp = mkdtempSync(path.join(tmpdir(), "codewhale-bundle-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const LIGHTHOUSE = {
  cloud: "lighthouse",
  bridge: "feishu",
  "azure-native:location": undefined,
  "tencentcloud:region": "ap-singapore",
  lighthouse: { blueprintId: "lhbp-test0001", bundleId: "bundle_test_01", zone: "ap-singapore-1" },
};

const plans: Record<string, Plan> = {};
beforeAll(async () => {
  plans.azure = await planStack({ stack: "bundle-az", raw: rawConfig({}, "bundle-az") });
  plans.lighthouse = await planStack({ stack: "bundle-lh", raw: rawConfig(LIGHTHOUSE, "bundle-lh") });
}, 60_000);

let n = 0;
/** Writes a plan's bundle files into a fresh directory (modes as the bundle writer sets them). */
function unpack(plan: Plan): string {
  const dir = path.join(tmp, `b${n++}`);
  for (const [rel, content] of Object.entries(plan.artifacts)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content, { mode: rel.endsWith(".sh") ? 0o700 : 0o644 });
  }
  return dir;
}

/** Runs fill-secrets.sh with only the given environment (plus PATH) and stdin. */
function fill(dir: string, env: Record<string, string>, input = "", extraPath?: string) {
  return spawnSync("sh", [path.join(dir, FILL_SECRETS)], {
    cwd: dir,
    input,
    encoding: "utf8",
    env: { PATH: extraPath ? `${extraPath}:${process.env.PATH}` : process.env.PATH!, ...env },
  });
}

const values = (plan: Plan, extra: Record<string, string> = {}) => {
  const secrets: Record<string, string> = {
    [secretEnvName("provider-api-key")]: FAKE_SECRETS.providerApiKey,
    [secretEnvName("telegram-bot-token")]: FAKE_SECRETS.telegramBotToken,
    [secretEnvName("feishu-app-secret")]: FAKE_SECRETS.feishuAppSecret,
    ...extra,
  };
  const wanted = new Set([...plan.artifacts["bootstrap.sh"]!.matchAll(/@@CODEWHALE_SECRET:([a-z0-9-]+)@@/g)].map((m) => secretEnvName(m[1]!)));
  return Object.fromEntries(Object.entries(secrets).filter(([k]) => wanted.has(k)));
};

describe.each(["azure", "lighthouse"])("the %s bundle", (cloud) => {
  const plan = () => plans[cloud]!;

  it("lists exactly the files the README promises for this target", () => {
    const files = Object.keys(plan().artifacts).map((f) => f.replace(/^(units|config)\/.*/, "$1/")).filter((f, i, a) => a.indexOf(f) === i).sort();
    const expected = ["RUNBOOK.md", "bootstrap.sh", "config/", FILL_SECRETS, "units/", ...(cloud === "azure" ? ["cloud-config.yaml", "host-config.json"] : [])].sort();
    expect(files).toEqual(expected);
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    // The README's bullet for this target, continuation lines included.
    const lines = readme.split("\n");
    const start = lines.findIndex((l) => l.startsWith(`  - ${cloud === "azure" ? "Azure" : "Lighthouse"}:`));
    expect(start, "README bundle bullet for this target").toBeGreaterThanOrEqual(0);
    let end = start + 1;
    while (lines[end]?.startsWith("    ")) end++;
    const line = lines.slice(start, end).join(" ");
    for (const f of expected) expect(line).toContain(`\`${f}\``);
    if (cloud === "lighthouse") expect(line).toContain("no `cloud-config.yaml`");
  });

  it("renders the manual bootstrap without the cloud's data devices, and the runbook says how to name a disk", () => {
    const bootstrap = plan().artifacts["bootstrap.sh"]!;
    expect(bootstrap).toMatch(/^ExecStart=\/usr\/local\/lib\/codewhale-remote\/prepare-data \/var\/lib\/codewhale$/m);
    expect(bootstrap).not.toMatch(/\/dev\/disk\/(azure|by-id)|\/dev\/vd/);
    const runbook = plan().artifacts["RUNBOOK.md"]!;
    expect(runbook).toContain("### Data disk");
    expect(runbook).toContain("on the OS disk: they are lost with the machine");
    expect(runbook).toContain("ExecStart=%s\\n' '/usr/local/lib/codewhale-remote/prepare-data /var/lib/codewhale /dev/disk/by-id/<your-disk>'");
  });

  it("the runbook's data-disk drop-in, run as written, is a unit systemd-analyze verify accepts, naming the disk", () => {
    const runbook = plan().artifacts["RUNBOOK.md"]!;
    const block = /### Data disk[\s\S]*?```sh\n([\s\S]*?)```/.exec(runbook)![1]!;
    const root = path.join(tmp, `root${n++}`);
    // The commands as written, with sudo dropped and /etc pointed into a scratch root.
    const script = block.replace(/sudo /g, "").replace(/\/etc\/systemd/g, `${root}/etc/systemd`).replace("<your-disk>", "virtio-mydisk");
    const r = spawnSync("sh", ["-eu", "-c", script], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const dropIn = readFileSync(path.join(root, "etc/systemd/system/codewhale-data.service.d/device.conf"), "utf8");
    expect(dropIn).toBe("[Service]\nExecStart=\nExecStart=/usr/local/lib/codewhale-remote/prepare-data /var/lib/codewhale /dev/disk/by-id/virtio-mydisk\n");
    // The manual bootstrap's own data unit, with the drop-in, through systemd-analyze verify.
    const unit = /write_file '\/etc\/systemd\/system\/codewhale-data\.service' [^\n]*\n([\s\S]*?)CODEWHALE_REMOTE_EOF/.exec(plan().artifacts["bootstrap.sh"]!)![1]!;
    writeFileSync(path.join(root, "etc/systemd/system/codewhale-data.service"), unit);
    mkdirSync(path.join(root, "usr/local/lib/codewhale-remote"), { recursive: true });
    writeFileSync(path.join(root, "usr/local/lib/codewhale-remote/prepare-data"), "#!/bin/sh\n", { mode: 0o755 });
    mkdirSync(path.join(root, "usr/lib"), { recursive: true });
    spawnSync("cp", ["-a", "/usr/lib/systemd", path.join(root, "usr/lib/systemd")]);
    const v = spawnSync("systemd-analyze", ["verify", `--root=${root}`, "/etc/systemd/system/codewhale-data.service"], { encoding: "utf8" });
    expect(v.stderr).toBe("");
    expect(v.status).toBe(0);
  });

  it("passes shellcheck: bootstrap.sh and fill-secrets.sh", () => {
    const dir = unpack(plan());
    const r = spawnSync("shellcheck", ["-s", "sh", "-S", "style", path.join(dir, "bootstrap.sh"), path.join(dir, FILL_SECRETS)], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("fills every placeholder from the environment and stdin into a 0700 copy; the bootstrap then passes its own guard", () => {
    const dir = unpack(plan());
    const env = values(plan());
    const [first, ...rest] = Object.keys(env).sort();
    // One from stdin, the rest from the environment; the runtime token generated.
    const r = fill(dir, Object.fromEntries(rest.map((k) => [k, env[k]!])), `${env[first!]}\n`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("generated the runtime token");
    const filled = path.join(dir, FILLED_BOOTSTRAP);
    expect(statSync(filled).mode & 0o777).toBe(0o700);
    const text = readFileSync(filled, "utf8");
    expect(text).not.toMatch(/@@CODEWHALE_SECRET:/);
    for (const v of Object.values(env)) expect(text).toContain(v);
    expect(text).toMatch(/^CODEWHALE_RUNTIME_TOKEN=[0-9a-f]{48}$/m);
    // The guard passes: everything up to the root check runs (as a non-root shell would stop there).
    const guardOnly = text.split("\n").slice(0, text.split("\n").findIndex((l) => l.includes('"$(id -u)"'))).join("\n") + "\necho guard-passed\n";
    writeFileSync(path.join(dir, "guard.sh"), guardOnly);
    const g = spawnSync("sh", ["guard.sh"], { cwd: dir, encoding: "utf8" });
    expect(g.stdout.trim(), g.stderr).toBe("guard-passed");
  });

  it("keeps secret values out of every process's argv", () => {
    const dir = unpack(plan());
    // Every external command fill-secrets.sh runs goes through a wrapper that records its argv.
    const bin = path.join(dir, "wrap");
    mkdirSync(bin);
    const log = path.join(dir, "argv.log");
    for (const cmd of ["awk", "grep", "od", "tr", "chmod", "mv", "rm", "dirname", "stty", "cat"]) {
      const real = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).stdout.trim();
      if (!real) continue;
      writeFileSync(path.join(bin, cmd), `#!/bin/sh\nprintf '%s\\n' "${cmd} $*" >>'${log}'\nexec ${real} "$@"\n`);
      chmodSync(path.join(bin, cmd), 0o755);
    }
    const env = values(plan(), { [secretEnvName("runtime-token")]: "RuntimeTokenLeakCheck0123456789" });
    const r = fill(dir, env, "", bin);
    expect(r.status, r.stderr).toBe(0);
    const argv = readFileSync(log, "utf8");
    expect(argv).toContain("awk -v pairs=");
    for (const v of Object.values(env)) expect(argv).not.toContain(v);
    expect(r.stderr + r.stdout).not.toContain(FAKE_SECRETS.providerApiKey);
  });
});

describe("fill-secrets.sh refuses", () => {
  const dir = () => unpack(plans.lighthouse!);
  const good = () => values(plans.lighthouse!);

  it.each([
    ["a value with a space", "has a space here"],
    ["a value with a quote", "abc'defghij"],
    ["a value with a $", "abc$defghij"],
    ["a value that is too short", "short"],
  ])("%s, writing nothing", (_what, bad) => {
    const d = dir();
    const r = fill(d, { ...good(), [secretEnvName("provider-api-key")]: bad });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^fill-secrets: CODEWHALE_SECRET_PROVIDER_API_KEY (holds a space, quote|must be 8 to 512)/m);
    expect(readdirSync(d)).not.toContain(FILLED_BOOTSTRAP);
  });

  it("a bridge secret of the wrong format, as the stack config would", () => {
    const d = unpack(plans.azure!);
    const r = fill(d, { ...values(plans.azure!), [secretEnvName("telegram-bot-token")]: "not-a-bot-token-at-all" });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n").pop()).toBe("fill-secrets: CODEWHALE_SECRET_TELEGRAM_BOT_TOKEN does not look right: expected a BotFather token like 123456789:AAH... (digits, a colon, 30+ letters, digits, _ or -)");
    expect(readdirSync(d)).not.toContain(FILLED_BOOTSTRAP);
  });

  it("a placeholder it does not know, naming the line, writing nothing", () => {
    const d = dir();
    writeFileSync(path.join(d, "bootstrap.sh"), readFileSync(path.join(d, "bootstrap.sh"), "utf8") + "X=@@CODEWHALE_SECRET:new-secret@@\n");
    const r = fill(d, good());
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/:X=@@CODEWHALE_SECRET:new-secret@@\nfill-secrets: placeholders left above .*nothing written/);
    expect(readdirSync(d).filter((f) => f.startsWith(FILLED_BOOTSTRAP))).toEqual([]);
  });

  it("a missing value on a closed stdin", () => {
    const d = dir();
    const { [secretEnvName("feishu-app-secret")]: _, ...partial } = good();
    const r = fill(d, partial, "");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("no value for CODEWHALE_SECRET_FEISHU_APP_SECRET on standard input");
  });

  it("to overwrite an earlier filled copy", () => {
    const d = dir();
    expect(fill(d, good()).status).toBe(0);
    const r = fill(d, good());
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bootstrap\.filled\.sh exists: remove it first/);
  });
});

describe("bootstrap.sh refuses to run with a placeholder left", () => {
  it("as a file and piped into sh (where $0 is the shell, /bin/sh included), before it touches anything (before even the root check)", () => {
    const d = unpack(plans.azure!);
    const refused = "codewhale-remote: this bootstrap still holds secret placeholders; fill them first: ./fill-secrets.sh (see RUNBOOK.md)";
    const asFile = spawnSync("sh", ["bootstrap.sh"], { cwd: d, encoding: "utf8" });
    expect({ status: asFile.status, stderr: asFile.stderr.trim() }).toEqual({ status: 1, stderr: refused });
    for (const argv of [["sh", []], ["/bin/sh", ["-s"]]] as const) {
      const piped = spawnSync(argv[0], [...argv[1]], { cwd: d, input: readFileSync(path.join(d, "bootstrap.sh")), encoding: "utf8" });
      expect({ status: piped.status, stderr: piped.stderr.trim() }, argv[0]).toEqual({ status: 1, stderr: refused });
    }
  });

  it("lists every placeholder of the script in its guard, so a fill that leaves none passes it", () => {
    const bootstrap = plans.lighthouse!.artifacts["bootstrap.sh"]!;
    const guard = bootstrap.split("\n").find((l) => l.startsWith("for value in "))!;
    expect(placeholdersIn(guard)).toEqual(placeholdersIn(bootstrap));
  });
});

describe("one order of first steps: create the bot, deploy, pair", () => {
  const order = (text: string, marks: RegExp[]) => marks.map((m) => text.search(m));
  const increasing = (xs: number[]) => xs.every((x, i) => x >= 0 && (i === 0 || x > xs[i - 1]!));

  it.each(["azure", "lighthouse"])("in the %s runbook, with pairing by hand that needs no Pulumi", (cloud) => {
    const runbook = plans[cloud]!.artifacts["RUNBOOK.md"]!;
    expect(increasing(order(runbook, [/1\. Create the .* bot\/app/, /2\. Deploy\./, /3\. Pair your chat/]))).toBe(true);
    const byHand = runbook.slice(runbook.indexOf("### Pairing by hand"));
    expect(byHand).not.toContain("pulumi ");
    expect(byHand).toMatch(cloud === "azure" ? /`\/etc\/codewhale\/bridge\.env: TELEGRAM_CHAT_ALLOWLIST`/ : /`\/etc\/codewhale\/bridge\.env: CODEWHALE_CHAT_ALLOWLIST`/);
    expect(byHand).toMatch(/sudo systemctl restart codewhale-(telegram|feishu)-bridge/);
    const manual = runbook.slice(runbook.indexOf("## Manual install"), runbook.indexOf("### Data disk"));
    expect(manual).not.toMatch(/pulumi /);
    expect(manual).toContain("shred -u bootstrap.filled.sh");
  });

  it.each(["azure", "lighthouse"])("in the %s nextSteps: no bot to create after the deploy, pairing after the host is up", (cloud) => {
    const steps = String(plans[cloud]!.outputs.nextSteps);
    expect(steps).not.toMatch(/BotFather|developer console|create/i);
    expect(increasing(order(steps, [/Wait for the host to converge/, /\/status/, /chatAllowlist\[0\]/]))).toBe(true);
  });

  it("in the README: the bot is created and its credentials stored before pulumi up, pairing after", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    for (const [section, create, store] of [
      ["### Azure", /@BotFather/, /telegramBotToken/],
      ["### Tencent Cloud Lighthouse", /create a custom app|Feishu \/ Lark app/, /feishuAppSecret/],
    ] as const) {
      const start = readme.indexOf(section);
      const text = readme.slice(start, readme.indexOf("\n### ", start + 1));
      expect(increasing(order(text, [create, store, /pulumi up/, /chatAllowlist\[0\]/])), section).toBe(true);
    }
  });
});

describe("posixPattern", () => {
  it.each(bridges.flatMap((b) => b.secrets.map((x) => [b.id, x] as const)))("%s: grep -E agrees with the config's check", (_id, secret) => {
    const ere = posixPattern(secret.pattern);
    const samples = [...Object.values(FAKE_SECRETS), "123456:short", "1234567890:" + "a".repeat(64), "x".repeat(16), "has space 0123456789", "ABCDEFGHabcdefgh0123"];
    for (const sample of samples) {
      const r = spawnSync("grep", ["-Eq", ere], { input: `${sample}\n`, encoding: "utf8" });
      expect(r.status === 0, `${sample} against ${ere}`).toBe(secret.pattern.test(sample));
    }
  });

  it("refuses a pattern outside the subset rather than leave a secret unchecked", () => {
    expect(() => posixPattern(/^(a|b)+$/)).toThrow(/not in the subset/);
    expect(() => posixPattern(/abc/i)).toThrow(/not in the subset/);
  });
});
