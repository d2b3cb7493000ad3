/**
 * `npm run plan`: what a user without credentials (and CI) runs. Spawned as a user would, from a cold node.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
const tmp = mkdtempSync(path.join(tmpdir(), "codewhale-plan-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const plan = (...args: string[]) => planWith({}, ...args);
const planWith = (env: NodeJS.ProcessEnv, ...args: string[]) =>
  spawnSync(process.execPath, ["--require", path.join(root, "scripts/register-ts.cjs"), path.join(root, "scripts/plan.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });

/** SDK packages a plan of `stack` loaded: the program loads only the selected target's deploy module. */
function sdksLoaded(stack: string): Record<string, number> {
  const script = `const { planStack } = require(${JSON.stringify(path.join(root, "scripts/offline-plan.ts"))});
planStack({ stack: ${JSON.stringify(stack)} }).then(() => {
  const loaded = Object.keys(require.cache);
  const count = (re) => loaded.filter((f) => re.test(f)).length;
  process.stdout.write(JSON.stringify({ azure: count(/@pulumi[\\/]azure-native[\\/]/), tencent: count(/sdks[\\/]tencentcloud[\\/]/), command: count(/@pulumi[\\/]command[\\/]/) }));
});`;
  const r = spawnSync(process.execPath, ["--require", path.join(root, "scripts/register-ts.cjs"), "-e", script], { cwd: root, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, number>;
}

describe("a stack loads its own cloud's SDK only", () => {
  it("Azure: azure-native, not the Tencent provider", () => {
    expect(sdksLoaded("dev")).toMatchObject({ azure: expect.any(Number), tencent: 0, command: 0 });
    expect(sdksLoaded("dev").azure).toBeGreaterThan(0);
  });

  it("Lighthouse: the Tencent provider, not azure-native", () => {
    const loaded = sdksLoaded("lighthouse-feishu");
    expect(loaded.azure).toBe(0);
    expect(loaded.tencent).toBeGreaterThan(0);
  });
});

describe("npm run plan", () => {
  it("prints the dev stack's JSON plan with parents, dependencies and redacted secrets", () => {
    const r = plan("--stack", "dev", "--json");
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json).sort()).toEqual(["artifacts", "missingSecrets", "mockValues", "outputs", "project", "resources", "stack"]);
    expect(json.project).toBe("codewhale-remote");
    const vm = json.resources.find((x: { type: string }) => x.type === "azure-native:compute:VirtualMachine");
    expect(vm.parent).toMatch(/codewhale-remote:azure:AgentVm/);
    expect(vm.dependencies.length).toBeGreaterThan(0);
    for (const r0 of json.resources) expect(Object.keys(r0).sort()).toEqual(["custom", "customTimeouts", "deleteBeforeReplace", "deletedWith", "dependencies", "dependsOn", "ignoreChanges", "inputs", "name", "parent", "protect", "replaceOnChanges", "retainOnDelete", "secretInputs", "type", "urn"].sort());
    expect(json.outputs.runtimeToken).toBe("[secret]");
    expect(json.missingSecrets).toEqual(["codewhale-remote:providerApiKey", "codewhale-remote:telegramBotToken"]);
  });

  it("plans the Lighthouse example stack offline, bundle included", () => {
    const out = path.join(tmp, "lighthouse-bundle");
    const r = plan("--stack", "lighthouse-feishu", "--json", "--out", out);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    const types = json.resources.map((x: { type: string }) => x.type);
    expect(types).toEqual(expect.arrayContaining(["tencentcloud:Lighthouse/instance:Instance", "tencentcloud:Lighthouse/firewallRule:FirewallRule", "tencentcloud:Tat/invocationCommandAttachment:InvocationCommandAttachment"]));
    expect(types.some((t: string) => t.startsWith("azure-native:"))).toBe(false);
    expect(json.missingSecrets).toEqual(["codewhale-remote:providerApiKey", "codewhale-remote:feishuAppSecret"]);
    expect(readFileSync(path.join(out, "config/bridge.env"), "utf8")).toContain("FEISHU_APP_SECRET=@@CODEWHALE_SECRET:feishu-app-secret@@");
    expect(existsSync(path.join(out, "cloud-config.yaml"))).toBe(false);
  });

  it("writes the bundle with --out", () => {
    const out = path.join(tmp, "bundle");
    const r = plan("--stack", "dev", "--out", out);
    expect(r.status, r.stderr).toBe(0);
    for (const f of ["cloud-config.yaml", "bootstrap.sh", "RUNBOOK.md", "host-config.json", "config/runtime.env", "units/codewhale-runtime.service"]) {
      expect(existsSync(path.join(out, f)), f).toBe(true);
    }
    expect(readFileSync(path.join(out, "config/bridge.env"), "utf8")).toContain("TELEGRAM_BOT_TOKEN=@@CODEWHALE_SECRET:telegram-bot-token@@");
  });

  it("fails with --strict when secrets are missing, as a real deploy would", () => {
    const r = plan("--stack", "dev", "--strict");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("pulumi config set --secret providerApiKey");
  });

  it("plans a --config file, treating plain values of secret keys as secrets", () => {
    const file = path.join(tmp, "Pulumi.x.yaml");
    writeFileSync(file, readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8") + "  codewhale-remote:providerApiKey: sk-PLAINTEXT-in-file-123456\n  codewhale-remote:telegramBotToken:\n    secure: v1:AAAABBBBCCCC\n");
    const r = plan("--stack", "x", "--config", file, "--json", "--strict");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toContain("sk-PLAINTEXT-in-file");
    expect(JSON.parse(r.stdout).missingSecrets).toEqual([]);
  });

  it("refuses invalid config with every problem and writes nothing", () => {
    const file = path.join(tmp, "Pulumi.bad.yaml");
    writeFileSync(file, "config:\n  codewhale-remote:cloud: azur\n  codewhale-remote:sshAllowedCidrs: ['0.0.0.0/0']\n");
    const out = path.join(tmp, "never");
    const r = plan("--stack", "bad", "--config", file, "--out", out);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("codewhale-remote:cloud");
    expect(r.stderr).toContain("codewhale-remote:sshAllowedCidrs[0]");
    expect(r.stderr).toContain("codewhale-remote:sshPublicKey");
    expect(existsSync(out)).toBe(false);
  });

  it("--policy passes the dev stack and reports advisories of an opted-in world-open stack without failing", () => {
    const ok = plan("--stack", "dev", "--policy");
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("Policies: 0 mandatory and 0 advisory violations");
    const file = path.join(tmp, "Pulumi.open.yaml");
    writeFileSync(file, readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8").replace("- 203.0.113.7/32", "- 0.0.0.0/0") + "  codewhale-remote:allowSshFromAnywhere: true\n");
    const open = plan("--stack", "open", "--config", file, "--policy", "--json");
    expect(open.status, open.stderr).toBe(0);
    expect(JSON.parse(open.stdout).policy.violations).toEqual([expect.objectContaining({ policy: "ssh-world-open-opt-in", enforcementLevel: "advisory", name: "ssh-nsg" })]);
  });

  it("--policy exits 1 on a mandatory violation, naming the rule and the resource, and writes no bundle", () => {
    const out = path.join(tmp, "refused");
    const r = planWith({ NODE_OPTIONS: `--require ${path.join(root, "test/fixtures/program-bug-opens-runtime-port.cjs")}` }, "--stack", "dev", "--policy", "--out", out);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("violates mandatory policies");
    for (const policy of ["inbound-ssh-only", "ssh-not-world-open", "runtime-port-closed"]) {
      expect(r.stderr).toMatch(new RegExp(`\\[mandatory\\] ${policy}: azure-native:network:NetworkSecurityGroup 'ssh-nsg': rule 'debug-runtime-api'`));
    }
    expect(r.stderr).toContain("urn:pulumi:dev::codewhale-remote::codewhale-remote:azure:SshOnlyFirewall$azure-native:network:NetworkSecurityGroup::ssh-nsg");
    expect(existsSync(out)).toBe(false);
    // Without --policy the same plan goes through: the policy run is what refuses it.
    expect(planWith({ NODE_OPTIONS: `--require ${path.join(root, "test/fixtures/program-bug-opens-runtime-port.cjs")}` }, "--stack", "dev").status).toBe(0);
  });
});

/** Every input mistake: exit 2, one line on stderr saying what is wrong and the fix, no stack trace, nothing on stdout. */
describe("npm run plan: one line for each mistake", () => {
  const file = (name: string, text: string) => {
    const f = path.join(tmp, name);
    writeFileSync(f, text);
    return f;
  };
  const mistakes: [string, () => string[], RegExp][] = [
    ["an unknown option, with the nearest one", () => ["--stak", "dev"], /^codewhale-remote: unknown option --stak; did you mean --stack\? \(npm run plan -- --help lists the options\)$/],
    ["an unknown option nothing is near", () => ["--frobnicate"], /^codewhale-remote: unknown option --frobnicate \(npm run plan -- --help/],
    ["an option without its value", () => ["--out"], /^codewhale-remote: --out needs a value: --out <value>$/],
    ["a value given to a switch", () => ["--json=yes"], /^codewhale-remote: --json takes no value; write --json alone$/],
    ["a stack name without --stack", () => ["lighthouse-feishu"], /unexpected argument 'lighthouse-feishu': every input is an option; to plan that stack: --stack lighthouse-feishu/],
    ["an unknown stack, with the stack files there are", () => ["--stack", "prod"], /^codewhale-remote: no stack 'prod': there is no Pulumi\.prod\.yaml; stack files here: Pulumi\.dev\.yaml, Pulumi\.lighthouse-feishu\.yaml\. Pick one with --stack <name>, or plan another file with --config <file>$/],
    ["a stack name that is a path", () => ["--stack", "../etc/x"], /--stack '\.\.\/etc\/x' is not a stack name .*use --config <file> --stack <name>$/],
    ["a missing config file", () => ["--config", path.join(tmp, "nope.yaml")], /cannot read .*nope\.yaml: no such file; give a Pulumi\.<stack>\.yaml file$/],
    ["a directory as config file", () => ["--config", tmp], /cannot read .*: it is a directory; give a Pulumi\.<stack>\.yaml file$/],
    ["invalid YAML, with line and column", () => ["--config", file("bad-yaml.yaml", "config:\n  codewhale-remote:cloud: azure\n  codewhale-remote:sshAllowedCidrs: [1.2.3.4/32\n  codewhale-remote:bridge: x: y\n")], /bad-yaml\.yaml:4:\d+: invalid YAML: .+; fix the file/],
    ["a file that is a list", () => ["--config", file("list.yaml", "- cloud: azure\n")], /list\.yaml:1:1: the file is not a mapping; a stack file looks like 'config:'/],
    ["config keys at the top level", () => ["--config", file("top.yaml", "codewhale-remote:cloud: azure\n")], /top\.yaml:1:1: unknown top-level key 'codewhale-remote:cloud' \(config keys go under config:/],
    ["config that is not a mapping", () => ["--config", file("cfg.yaml", "config:\n  - codewhale-remote:cloud\n")], /cfg\.yaml:2:3: 'config' is not a mapping of keys to values/],
    ["a secure value that is not a string", () => ["--config", file("secure.yaml", "config:\n  codewhale-remote:providerApiKey:\n    secure: [1]\n")], /secure\.yaml:3:5: 'codewhale-remote:providerApiKey: secure:' is not a string/],
    ["a key without a value", () => ["--config", file("null.yaml", "config:\n  codewhale-remote:cloud:\n")], /null\.yaml:2:\d+: 'codewhale-remote:cloud' has no value; give one, or remove the line/],
    ["--json-out over a file the user wrote", () => ["--json-out", file("notes.json", '{"mine": true}\n')], /--json-out .*notes\.json exists and is not a plan this command wrote; nothing was written/],
  ];
  it.each(mistakes)("%s", (_what, args, message) => {
    const r = plan(...args());
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trimEnd().split("\n"), r.stderr).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe("");
  });

  it("keeps a user's --json-out file as it was, and writes no bundle either", () => {
    const f = path.join(tmp, "notes.json");
    const out = path.join(tmp, "bundle-beside-refused-json");
    const r = plan("--stack", "dev", "--json-out", f, "--out", out);
    expect(r.status).toBe(2);
    expect(readFileSync(f, "utf8")).toBe('{"mine": true}\n');
    expect(existsSync(out)).toBe(false);
  });

  it("says so when npm kept the options for itself (no -- before them)", () => {
    const r = planWith({ npm_lifecycle_event: "plan", npm_config_stack: "lighthouse-feishu", npm_config_out: "b" });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("codewhale-remote: npm kept --stack --out for itself: put the plan's options after --, e.g. npm run -s plan -- --stack lighthouse-feishu --out b");
  });

  it("--help lists every option, the exit codes and an example, and exits 0", () => {
    const r = plan("--help");
    expect(r.status).toBe(0);
    for (const o of ["--stack <name>", "--config <file>", "--json ", "--json-out <file>", "--out <dir>", "--strict", "--policy", "-h, --help"]) expect(r.stdout).toContain(o);
    expect(r.stdout).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*[\s\S]*\n\s+2 .*[\s\S]*\n\s+3 /);
    expect(r.stdout).toContain("npm run -s plan -- --stack dev --json > plan.json");
    expect(plan("-h").stdout).toBe(r.stdout);
  });
});

describe("npm run plan: JSON however it is invoked", () => {
  const npm = (...args: string[]) => spawnSync("npm", args, { cwd: root, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } });

  it("npm run -s plan -- --json prints only JSON; plain npm run prints its banner first, which is why --json-out exists", () => {
    const silent = npm("run", "-s", "plan", "--", "--stack", "lighthouse-feishu", "--json");
    expect(silent.status, silent.stderr).toBe(0);
    expect(JSON.parse(silent.stdout).stack).toBe("lighthouse-feishu");
    const out = path.join(tmp, "plan.json");
    const loud = npm("run", "plan", "--", "--stack", "lighthouse-feishu", "--json-out", out);
    expect(loud.status, loud.stderr).toBe(0);
    expect(loud.stdout).toContain("> node --require ./scripts/register-ts.cjs scripts/plan.ts");
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(JSON.parse(silent.stdout));
    // An earlier plan is replaced.
    const again = plan("--stack", "dev", "--json-out", out);
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).stack).toBe("dev");
  });

  it("with --json and --out, stdout is the JSON alone and the bundle notice goes to stderr", () => {
    const out = path.join(tmp, "json-and-bundle");
    const r = plan("--stack", "dev", "--json", "--out", out);
    expect(r.status, r.stderr).toBe(0);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stderr).toContain(`Bundle created at ${out}`);
  });
});

describe("npm run plan: mock values are marked as mock", () => {
  it("lists the stand-in address and vault name in the text output, the JSON and the bundle's runbook", () => {
    const text = plan("--stack", "dev");
    expect(text.stdout).toMatch(/Mock values \(stand-ins for what the cloud assigns[^\n]*\n\s+203\.0\.113\.10\s+\(PublicIPAddress 'agent-ip' ipAddress; in output publicIp/);
    const out = path.join(tmp, "mock-bundle");
    const r = plan("--stack", "dev", "--json", "--out", out);
    const json = JSON.parse(r.stdout);
    const vault = json.outputs.keyVaultName as string;
    expect(json.mockValues.map((m: { value: string }) => m.value)).toEqual(expect.arrayContaining(["203.0.113.10", vault]));
    const runbook = readFileSync(path.join(out, "RUNBOOK.md"), "utf8");
    expect(runbook).toContain("**Offline plan: mock values.**");
    expect(runbook).toMatch(/> - `203\.0\.113\.10` \(PublicIPAddress/);
    expect(runbook).toContain(`\`${vault}.vault.azure.net\``);
  });

  it("lists the Lighthouse stand-ins (instance id) too", () => {
    const r = plan("--stack", "lighthouse-feishu", "--json");
    const json = JSON.parse(r.stdout);
    expect(json.mockValues.map((m: { value: string }) => m.value)).toContain(json.outputs.instanceId);
  });
});
