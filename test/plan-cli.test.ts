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
  spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(root, "scripts/plan.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });

describe("npm run plan", () => {
  it("prints the dev stack's JSON plan with parents, dependencies and redacted secrets", () => {
    const r = plan("--stack", "dev", "--json");
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json).sort()).toEqual(["artifacts", "missingSecrets", "outputs", "project", "resources", "stack"]);
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
