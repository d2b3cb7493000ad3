/**
 * The Lighthouse deployment under mocks, for both bridges and every usable provider: what we ask Tencent Cloud
 * for holds the invariants of DESIGN.md, and what reaches the host (the TAT bootstrap) is secret, complete
 * and passes shellcheck.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridges, findBridge } from "../bridges/registry";
import { TAT_CONTENT_LIMIT } from "../components/lighthouse/bootstrap";
import { ConfigError } from "../config/errors";
import { loadSpec } from "../contract";
import { modelProviders } from "../config/model-providers";
import { cloudTargets } from "../components/targets";
import { offlineMocks } from "../scripts/offline-mocks";
import { planStack, type Plan, type PlannedResource } from "../scripts/offline-plan";
import { evaluatePolicies, planSubjects } from "../policy/evaluate";
import { policyContextFromConfig } from "../policy/stack-opt-in";
import { FAKE_SECRETS, providerOverrides, rawConfig, withDecodedBase64 } from "./support/stack";

const T = {
  instance: "tencentcloud:Lighthouse/instance:Instance",
  template: "tencentcloud:Lighthouse/firewallTemplate:FirewallTemplate",
  rule: "tencentcloud:Lighthouse/firewallRule:FirewallRule",
  keyPair: "tencentcloud:Lighthouse/keyPair:KeyPair",
  keyAttachment: "tencentcloud:Lighthouse/keyPairAttachment:KeyPairAttachment",
  disk: "tencentcloud:Lighthouse/disk:Disk",
  diskAttachment: "tencentcloud:Lighthouse/diskAttachment:DiskAttachment",
  tat: "tencentcloud:Tat/invocationCommandAttachment:InvocationCommandAttachment",
  ssh: "command:remote:Command",
} as const;

const CIDRS = ["203.0.113.7/32", "198.51.100.0/24"];
const LIGHTHOUSE = {
  cloud: "lighthouse",
  "azure-native:location": undefined,
  "tencentcloud:region": "ap-singapore",
  sshAllowedCidrs: CIDRS,
  lighthouse: { blueprintId: "lhbp-test0001", bundleId: "bundle_test_01", zone: "ap-singapore-1" },
};
const LH = LIGHTHOUSE.lighthouse;
const runtimeToken = String(
  (offlineMocks.newResource({ type: "random:index/randomPassword:RandomPassword", name: "runtime-token", inputs: { length: 48 } }) as unknown as { state: { result: string } }).state.result,
);
const fakes = [...Object.values(FAKE_SECRETS), runtimeToken];

/** A plan plus the inputs each resource was created with, secrets in the clear (what the cloud receives). */
interface Planned {
  readonly plan: Plan;
  readonly raw: Map<string, Record<string, unknown>>;
}

async function plan(overrides: Record<string, unknown> = {}, stack = "lh-test"): Promise<Planned> {
  const raw = new Map<string, Record<string, unknown>>();
  const p = await planStack({ stack, raw: rawConfig({ ...LIGHTHOUSE, ...overrides }, stack), observe: (r) => raw.set(`${r.type}::${r.name}`, r.inputs) });
  return { plan: p, raw };
}

const one = (p: Plan, type: string): PlannedResource => {
  const found = p.resources.filter((r) => r.type === type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};
const rawOf = (p: Planned, type: string): Record<string, unknown> => {
  const found = [...p.raw].filter(([k]) => k.startsWith(`${type}::`));
  expect(found, type).toHaveLength(1);
  return found[0]![1];
};
const script = (p: Planned) => Buffer.from(String(rawOf(p, T.tat).content), "base64").toString("utf8");

/**
 * Resource options as the engine receives them (the plan records only some): seen on the mock monitor's
 * RegisterResource requests, by resource name.
 */
interface WireOptions {
  readonly ignoreChanges: string[];
  readonly replaceOnChanges: string[];
  readonly additionalSecretOutputs: string[];
}
const wireOptions = new Map<string, WireOptions>();
const originalRegister = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (this: MockMonitor, req: any, callback: (err: any, resp: any) => void) {
  wireOptions.set(req.getName(), {
    ignoreChanges: req.getIgnorechangesList(),
    replaceOnChanges: req.getReplaceonchangesList(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
  });
  return originalRegister.call(this, req, callback);
};

const matrix = new Map<string, Planned>();
const work = mkdtempSync(path.join(tmpdir(), "codewhale-lighthouse-"));
beforeAll(async () => {
  for (const b of bridges) {
    for (const p of modelProviders.filter((m) => !m.unusable)) {
      matrix.set(`${b.id}/${p.id}`, await plan({ bridge: b.id, ...providerOverrides(p.id) }));
    }
  }
}, 300_000);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  MockMonitor.prototype.registerResource = originalRegister;
});

describe("Lighthouse: every bridge x provider", () => {
  it("is registered as a cloud target and planned for every combination", () => {
    expect(cloudTargets.lighthouse?.id).toBe("lighthouse");
    expect(matrix.size).toBe(bridges.length * modelProviders.filter((m) => !m.unusable).length);
  });

  it("accepts only TCP 22, only from the configured CIDRs, with one rule resource owning the list", () => {
    for (const [combo, { plan: p }] of matrix) {
      const rules = one(p, T.rule).inputs.firewallRules as Record<string, unknown>[];
      expect(rules, combo).toEqual(CIDRS.map((c) => expect.objectContaining({ protocol: "TCP", port: "22", action: "ACCEPT", cidrBlock: c })));
      expect(JSON.stringify(p.resources), combo).not.toMatch(/7878|3389|"(80|443)"/);
    }
  });

  it("creates the instance from an empty firewall template, never with Lighthouse's default rules", () => {
    for (const [combo, { plan: p }] of matrix) {
      const template = one(p, T.template);
      expect(template.inputs.templateRules ?? [], combo).toEqual([]);
      const instance = one(p, T.instance);
      expect(instance.inputs.firewallTemplateId, combo).toMatch(/^lhft-/);
      expect(instance.dependencies, combo).toContain(template.urn);
    }
  });

  it("delivers the bootstrap as secret TAT content that carries the secrets, fits TAT and passes shellcheck", () => {
    const files: string[] = [];
    for (const [combo, planned] of matrix) {
      const tat = one(planned.plan, T.tat);
      expect(tat.inputs.content, combo).toBe("[secret]");
      expect(tat.inputs).toMatchObject({ commandType: "SHELL", username: "root", saveCommand: false });
      expect(Number(tat.inputs.timeout)).toBeGreaterThanOrEqual(1800);
      const content = String(rawOf(planned, T.tat).content);
      expect(content.length).toBeLessThanOrEqual(TAT_CONTENT_LIMIT);
      const text = script(planned);
      expect(text.startsWith("#!/bin/sh\n"), combo).toBe(true);
      // Every secret the host needs is in the script (filled, not a placeholder), and nothing is left unfilled.
      expect(text, combo).not.toContain("@@CODEWHALE_SECRET:");
      expect(text, combo).toContain(`CODEWHALE_RUNTIME_TOKEN=${runtimeToken}\n`);
      // The bridge's own secrets, from its row (none for a bridge without credentials).
      const bridge = findBridge(combo.split("/")[0]!)!;
      for (const sec of bridge.secrets) expect(text, combo).toContain(`${sec.env[0]}=${FAKE_SECRETS[sec.configKey as keyof typeof FAKE_SECRETS]}\n`);
      const file = path.join(work, `${combo.replace("/", "-")}.sh`);
      writeFileSync(file, text);
      files.push(file);
    }
    const result = spawnSync("shellcheck", ["-s", "sh", "-S", "style", ...files], { encoding: "utf8" });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("keeps every fake secret out of the plan and out of every input but the TAT content", () => {
    for (const [combo, planned] of matrix) {
      const text = withDecodedBase64(JSON.stringify(planned.plan));
      for (const fake of fakes) expect(text.includes(fake), `${combo}: plan`).toBe(false);
      for (const [resource, inputs] of planned.raw) {
        for (const [key, value] of Object.entries(inputs)) {
          if (resource.startsWith(`${T.tat}::`) && key === "content") continue;
          const json = withDecodedBase64(JSON.stringify(value) ?? "");
          for (const fake of fakes) expect(json.includes(fake), `${combo}: ${resource}.${key}`).toBe(false);
        }
      }
    }
  });
});

describe("Lighthouse: policies", () => {
  const context = policyContextFromConfig(rawConfig(LIGHTHOUSE).values);

  it("every policy passes every planned Lighthouse stack, none left undecided", async () => {
    for (const [combo, { plan: p }] of matrix) {
      const report = await evaluatePolicies(planSubjects(p.resources), context);
      expect(report.violations, combo).toEqual([]);
      expect(report.notApplicable, combo).toEqual([]);
    }
  });

  it("catches the real plan's TAT content gone plain, or a rule opened to the world", async () => {
    const p = [...matrix.values()][0]!.plan;
    const tampered = p.resources.map((r) =>
      r.type === T.tat
        ? { ...r, secretInputs: r.secretInputs.filter((path) => path !== "content") }
        : r.type === T.rule
          ? { ...r, inputs: { ...r.inputs, firewallRules: [...(r.inputs.firewallRules as object[]), { protocol: "TCP", port: "22", cidrBlock: "0.0.0.0/0", action: "ACCEPT" }] } }
          : r,
    );
    const report = await evaluatePolicies(planSubjects(tampered), context);
    expect(report.violations.map((v) => `${v.policy} ${v.type}`).sort()).toEqual([`secret-inputs-are-secrets ${T.tat}`, `ssh-not-world-open ${T.rule}`]);
  });
});

describe("Lighthouse: the host", () => {
  let base: Planned;
  beforeAll(async () => {
    base = await plan();
  });

  it("gets the owner's key through the bootstrap, never a Lighthouse key pair, and no password", () => {
    const instance = one(base.plan, T.instance);
    expect(instance.inputs.loginConfiguration).toBeUndefined();
    expect(instance.inputs.permitDefaultKeyPairLogin).toBeUndefined();
    // AssociateInstancesKeyPairs force-stops a RUNNING instance (lighthouse/v20200324 client.go): never asked for.
    expect(base.plan.resources.filter((r) => r.type === T.keyPair || r.type === T.keyAttachment)).toEqual([]);
    const text = script(base);
    const key = rawConfig().values["codewhale-remote:sshPublicKey"]!;
    // Written as the login user, with exactly the configured key, before the (slow) package step.
    expect(text).toContain(`runuser -u 'ubuntu' -- sh -c `);
    expect(text).toContain(`"$admin_home" <<'CODEWHALE_REMOTE_EOF'\n${key}\nCODEWHALE_REMOTE_EOF\n`);
    expect(text.indexOf("runuser -u 'ubuntu'")).toBeLessThan(text.indexOf("locked_retry apt-get"));
    // The bootstrap also turns SSH passwords off on the host (Lighthouse images ship their own sshd drop-ins).
    expect(text).toMatch(/^PasswordAuthentication no$/m);
  });

  it("keeps the workspace on a protected, retained data disk in the instance's pinned zone", () => {
    const disk = one(base.plan, T.disk);
    expect(disk).toMatchObject({ protect: true, retainOnDelete: true });
    expect(disk.inputs).toMatchObject({ zone: "ap-singapore-1", diskSize: 20 });
    const instance = one(base.plan, T.instance);
    expect(instance.inputs).toMatchObject({ zone: "ap-singapore-1", isolateDataDisk: false });
    expect(instance.deleteBeforeReplace).toBe(true);
    expect(one(base.plan, T.diskAttachment).dependencies).toEqual(expect.arrayContaining([disk.urn, instance.urn]));
    // The data unit is pointed at that disk.
    expect(script(base)).toContain(`prepare-data /var/lib/codewhale /dev/disk/by-id/virtio-${String(one(base.plan, T.diskAttachment).inputs.diskId)} /dev/vdb`);
  });

  it("orders every operation on the instance: instance, then rules, then disk attachment, then bootstrap", () => {
    // Lighthouse refuses an operation while another runs on the instance (OperationDenied.InstanceOperationInProgress,
    // UnsupportedOperation.LatestOperationUnfinished) and the provider does not retry those (tccommon.RetryError,
    // common.go retryableErrorCode): each operation depends on the one before, so none runs in parallel, on create
    // and, in reverse, on delete. The instance's create returns only once it is RUNNING
    // (resourceTencentCloudLighthouseInstanceCreate), before TAT, which needs it running.
    const urn = (type: string) => one(base.plan, type).urn;
    const deps = (type: string) => one(base.plan, type).dependencies;
    expect(deps(T.instance)).toEqual([urn(T.template)]);
    expect(deps(T.rule)).toEqual([urn(T.instance)]);
    expect(deps(T.diskAttachment)).toEqual([urn(T.disk), urn(T.instance), urn(T.rule)].sort());
    expect(deps(T.tat)).toEqual(expect.arrayContaining([urn(T.instance), urn(T.rule), urn(T.diskAttachment)]));
    expect(deps(T.disk)).toEqual([]);
  });

  it("orders instance, rules and bootstrap without a data disk too", async () => {
    const p = await plan({ lighthouse: { ...LH, dataDiskSizeGb: 0 } });
    expect(one(p.plan, T.rule).dependencies).toEqual([one(p.plan, T.instance).urn]);
    expect(one(p.plan, T.tat).dependencies).toEqual(expect.arrayContaining([one(p.plan, T.instance).urn, one(p.plan, T.rule).urn]));
  });

  it("asks the engine to keep create-only inputs and to keep the TAT content secret in state", () => {
    // resource_tc_lighthouse_instance.go Update: "`zone` / `period` do not support change now";
    // resource_tc_lighthouse_disk.go Update: only disk_name and the renew flag. A change of these is a config
    // error (create-only.ts), never an update the provider half applies.
    expect(wireOptions.get("agent-instance")).toMatchObject({ ignoreChanges: ["zone", "period"], replaceOnChanges: [] });
    expect(wireOptions.get("agent-data")?.ignoreChanges).toEqual(expect.arrayContaining(["zone", "diskSize", "diskChargePrepaid.period"]));
    // The provider's Read sets content back from DescribeInvocations on refresh; it stays a secret there.
    expect(wireOptions.get("host-bootstrap")?.additionalSecretOutputs).toEqual(["content"]);
  });

  it("keeps every Lighthouse name within its limit, whatever the stack is called", async () => {
    const p = await plan({}, `a-very-long-stack-name-${"x".repeat(60)}`);
    for (const [type, key] of [[T.instance, "instanceName"], [T.template, "templateName"], [T.disk, "diskName"]] as const) {
      expect(String(one(p.plan, type).inputs[key]).length, `${type}.${key}`).toBeLessThanOrEqual(60);
    }
  });

  it("without a data disk needs no zone and keeps state on the system disk", async () => {
    const p = await plan({ lighthouse: { blueprintId: "lhbp-test0001", bundleId: "bundle_test_01", dataDiskSizeGb: 0 } });
    expect(p.plan.resources.filter((r) => r.type === T.disk || r.type === T.diskAttachment)).toEqual([]);
    expect(one(p.plan, T.instance).inputs.zone).toBeUndefined();
    expect(script(p)).toMatch(/^ExecStart=\/usr\/local\/lib\/codewhale-remote\/prepare-data \/var\/lib\/codewhale$/m);
  });

  it("exports the public address the provider reports and builds the ways in on it; the token stays secret", () => {
    // resource_tc_lighthouse_instance.go Read: public_addresses from DescribeInstances (the mock answers 203.0.113.20).
    const o = base.plan.outputs;
    expect(o.publicIp).toBe("203.0.113.20");
    expect(String(o.instanceId)).toMatch(/^lhins-/);
    expect(o.publicIpCommand).toBe(`tccli lighthouse DescribeInstances --region ap-singapore --InstanceIds '["${String(o.instanceId)}"]' --filter 'InstanceSet[0].PublicAddresses[0]' --output text`);
    expect(o.sshCommand).toBe("ssh ubuntu@203.0.113.20");
    expect(o.sshTunnelCommand).toBe("ssh -N -L 7878:127.0.0.1:7878 ubuntu@203.0.113.20");
    expect(String(o.nextSteps)).toContain("ssh ubuntu@203.0.113.20 systemctl is-active codewhale-runtime codewhale-telegram-bridge");
    expect(o.runtimeToken).toBe("[secret]");
  });
});

describe("Lighthouse: day 2", () => {
  const stable = [T.instance, T.template, T.rule, T.disk, T.diskAttachment] as const;
  const changes: Record<string, Record<string, unknown>> = {
    model: { model: "deepseek-v4-flash" },
    allowlist: { chatAllowlist: ["123456789"] },
    "provider key": { providerApiKey: "sk-LEAKCHECK-provider-rotated-0123456789" },
    "bridge secret": { telegramBotToken: "123456789:AArotatedTelegramToken0123456789abcdef" },
    version: { codewhaleVersion: "0.9.8" },
    "runtime limits": { runtimeMemoryMax: "1536M" },
    "SSH key": { sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDKh6vkTh3rPDRQxTlcfBfrOoQS8bJXO7d1YJ3rotated rotated@example" },
  };
  let base: Planned;
  beforeAll(async () => {
    base = await plan({}, "day2");
  });

  for (const [what, override] of Object.entries(changes)) {
    it(`a change of ${what} keeps the instance and reruns the bootstrap with the new content`, async () => {
      const next = await plan(override, "day2");
      for (const type of stable) expect(one(next.plan, type).inputs, `${what}: ${type}`).toEqual(one(base.plan, type).inputs);
      expect(script(next)).not.toBe(script(base));
    });
  }

  it("a rotated SSH key replaces the old one in authorized_keys, with no key pair to rename or rebind", async () => {
    const rotated = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDKh6vkTh3rPDRQxTlcfBfrOoQS8bJXO7d1YJ3rotated rotated@example";
    const text = script(await plan({ sshPublicKey: rotated }, "day2"));
    expect(text).toContain(`<<'CODEWHALE_REMOTE_EOF'\n${rotated}\nCODEWHALE_REMOTE_EOF\n`);
    expect(text).not.toContain(String(rawConfig().values["codewhale-remote:sshPublicKey"]));
  });

  it("a new blueprint reinstalls in place and reruns the bootstrap; the instance, rules and data disk stay", async () => {
    // resource_tc_lighthouse_instance.go Update: a blueprint_id change is ResetInstance on the same instance (the
    // system disk is formatted; data disks, id and address stay). Every TAT input is ForceNew, and the description
    // names the blueprint, so the invocation is replaced and runs again after the reinstall.
    const next = await plan({ lighthouse: { ...LH, blueprintId: "lhbp-test0002" } }, "day2");
    const { blueprintId: _old, ...instanceRest } = one(base.plan, T.instance).inputs;
    const { blueprintId, ...nextRest } = one(next.plan, T.instance).inputs;
    expect(blueprintId).toBe("lhbp-test0002");
    expect(nextRest).toEqual(instanceRest);
    for (const type of [T.rule, T.disk, T.diskAttachment]) expect(one(next.plan, type).inputs, type).toEqual(one(base.plan, type).inputs);
    expect(one(base.plan, T.tat).inputs.description).toBe("codewhale-remote: converge the agent host (idempotent); system lhbp-test0001");
    expect(one(next.plan, T.tat).inputs.description).toBe("codewhale-remote: converge the agent host (idempotent); system lhbp-test0002");
    expect(one(next.plan, T.tat).dependencies).toContain(one(next.plan, T.instance).urn);
  });
});

describe("Lighthouse: secrets over SSH (lighthouse.secretDelivery ssh)", () => {
  const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyOfTheInstance0123456789abcdefghijk root@host";
  let pending: Planned;
  let pinned: Planned;
  beforeAll(async () => {
    pending = await plan({ lighthouse: { ...LH, secretDelivery: "ssh" } }, "ssh");
    pinned = await plan({ lighthouse: { ...LH, secretDelivery: "ssh", sshHostKey: HOST_KEY } }, "ssh");
  });

  it("runs only the key prelude through TAT: no secret, no placeholder, shellcheck-clean, host keys printed", () => {
    for (const p of [pending, pinned]) {
      const text = script(p);
      for (const fake of fakes) expect(text.includes(fake)).toBe(false);
      expect(text).not.toContain("@@CODEWHALE_SECRET:");
      expect(text).not.toContain("/etc/codewhale");
      expect(text).toContain("runuser -u 'ubuntu' -- sh -c ");
      expect(text).toMatch(/cat "\$f"; done$/m);
      expect(one(p.plan, T.tat).inputs.content).toBe("[secret]");
    }
    const file = path.join(work, "ssh-prelude.sh");
    writeFileSync(file, script(pending));
    const result = spawnSync("shellcheck", ["-s", "sh", "-S", "style", file], { encoding: "utf8" });
    expect(result.stdout + result.stderr).toBe("");
  });

  it("sends nothing over SSH until the host key is pinned, and says how to read it from the TAT output", () => {
    expect(pending.plan.resources.filter((r) => r.type === T.ssh)).toEqual([]);
    const steps = String(pending.plan.outputs.nextSteps);
    expect(steps).toContain(`tccli tat DescribeInvocationTasks --region ap-singapore --Filters '[{"Name":"invocation-id","Values":["inv-`);
    expect(steps).toContain(`pulumi config set --path lighthouse.sshHostKey`);
  });

  it("with the key pinned, sends the bootstrap as stdin of one SSH session to the reported address, last of all", () => {
    const ssh = one(pinned.plan, T.ssh);
    expect(ssh.inputs).toMatchObject({ create: "sudo -n sh -s", stdin: "[secret]", logging: "stdoutAndStderr" });
    // The command SDK sends the whole connection as a secret (it may hold a password or key; ours holds neither).
    expect(rawOf(pinned, T.ssh).connection).toMatchObject({ host: "203.0.113.20", user: "ubuntu", hostKey: HOST_KEY, dialErrorLimit: 40 });
    expect([...ssh.secretInputs].sort()).toEqual(["connection", "stdin"]);
    expect(wireOptions.get("host-bootstrap-ssh")?.additionalSecretOutputs).toEqual(expect.arrayContaining(["stdin"]));
    const urn = (type: string) => one(pinned.plan, type).urn;
    expect(ssh.dependencies).toEqual(expect.arrayContaining([urn(T.tat), urn(T.rule), urn(T.diskAttachment)]));
    expect(String(pinned.plan.outputs.nextSteps)).toContain("after a blueprintId change, pin the new one): tccli tat DescribeInvocationTasks");
    // What the host receives: the whole bootstrap with its secrets (only there).
    const stdin = String(rawOf(pinned, T.ssh).stdin);
    expect(stdin.startsWith("#!/bin/sh\n")).toBe(true);
    expect(stdin).toContain(`CODEWHALE_RUNTIME_TOKEN=${runtimeToken}\n`);
    expect(stdin).toContain(`=${FAKE_SECRETS.telegramBotToken}\n`);
  });

  it("keeps every fake secret out of every input but the SSH session's stdin, and out of the plan", () => {
    for (const p of [pending, pinned]) {
      const text = withDecodedBase64(JSON.stringify(p.plan));
      for (const fake of fakes) expect(text.includes(fake), "plan").toBe(false);
      for (const [resource, inputs] of p.raw) {
        for (const [key, value] of Object.entries(inputs)) {
          if (resource.startsWith(`${T.ssh}::`) && key === "stdin") continue;
          const json = withDecodedBase64(JSON.stringify(value) ?? "");
          for (const fake of fakes) expect(json.includes(fake), `${resource}.${key}`).toBe(false);
        }
      }
    }
  });

  it("passes every policy", async () => {
    const context = policyContextFromConfig(rawConfig(LIGHTHOUSE).values);
    for (const p of [pending, pinned]) {
      const report = await evaluatePolicies(planSubjects(p.plan.resources), context);
      expect(report.violations).toEqual([]);
    }
  });
});

describe("Lighthouse config rules", () => {
  const problems = (overrides: Record<string, unknown>, env?: Record<string, string>): string[] => {
    const raw = rawConfig({ ...LIGHTHOUSE, ...overrides });
    try {
      loadSpec(env ? { ...raw, env } : raw);
    } catch (e) {
      if (e instanceof ConfigError) return e.problems.map((p) => `${p.key}: ${p.problem} | ${p.fix}`);
      throw e;
    }
    return [];
  };

  it("accepts the baseline", () => expect(problems({})).toEqual([]));

  it.each([
    ["a missing region", { "tencentcloud:region": undefined }, /^tencentcloud:region: is not set .*pulumi config set tencentcloud:region ap-singapore/],
    ["a zone given as region", { "tencentcloud:region": "ap-singapore-1" }, /^tencentcloud:region: 'ap-singapore-1' is not a region name/],
    ["a missing blueprint", { lighthouse: { ...LH, blueprintId: undefined } }, /^codewhale-remote:lighthouse\.blueprintId: is required.*--path 'lighthouse\.blueprintId'/],
    ["a missing plan", { lighthouse: { ...LH, bundleId: undefined } }, /^codewhale-remote:lighthouse\.bundleId: is required.*\| pulumi config set --path 'lighthouse\.bundleId'/],
    ["a data disk without a zone", { lighthouse: { ...LH, zone: undefined } }, /^codewhale-remote:lighthouse\.zone: is required with a data disk/],
    ["a zone of another region", { lighthouse: { ...LH, zone: "ap-guangzhou-3" } }, /^codewhale-remote:lighthouse\.zone: 'ap-guangzhou-3' is not a zone of region ap-singapore/],
    ["a period Lighthouse does not sell", { lighthouse: { ...LH, period: 13 } }, /^codewhale-remote:lighthouse\.period: 13 is not a period Lighthouse sells/],
    ["a host key without the ssh delivery", { lighthouse: { ...LH, sshHostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJwX2hG8bAcD8aPw9xUcSMcK2ZSCwzTPyPmqm9RFvvO" } }, /^codewhale-remote:lighthouse\.sshHostKey: is set, but lighthouse\.secretDelivery is tat/],
    ["a host key that is no key", { lighthouse: { ...LH, secretDelivery: "ssh", sshHostKey: "AAAA" } }, /^codewhale-remote:lighthouse\.sshHostKey: is not an OpenSSH public key/],
    ["an unknown delivery", { lighthouse: { ...LH, secretDelivery: "scp" } }, /^codewhale-remote:lighthouse\.secretDelivery/],
    ["an IPv6 CIDR", { sshAllowedCidrs: ["2001:db8::/64"] }, /^codewhale-remote:sshAllowedCidrs\[0\]: '2001:db8::\/64' is IPv6/],
    ["more CIDRs than Lighthouse has rules", { sshAllowedCidrs: Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`) }, /^codewhale-remote:sshAllowedCidrs: lists 101 CIDRs/],
  ])("refuses %s, naming the key and the fix", (_what, overrides, expected) => {
    const found = problems(overrides);
    expect(found.some((p) => expected.test(p)), found.join("\n")).toBe(true);
  });

  it("accepts every period Lighthouse sells (1-12, 24, 36, 48, 60 months) and no other", () => {
    const accepted = Array.from({ length: 60 }, (_, i) => i + 1).filter((period) => problems({ lighthouse: { ...LH, period } }).length === 0);
    expect(accepted).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 36, 48, 60]);
  });

  it("names the command that lists the plans on sale when bundleId is missing", () => {
    let found = "";
    try {
      loadSpec(rawConfig({ ...LIGHTHOUSE, lighthouse: { ...LH, bundleId: undefined } }));
    } catch (e) {
      found = e instanceof ConfigError ? e.problems.map((p) => p.expected).join("\n") : String(e);
    }
    expect(found).toContain(`tccli lighthouse DescribeBundles --region ap-singapore --Zones '["ap-singapore-1"]'`);
    expect(found).toContain(`"bundle-state","Values":["ONLINE"]`);
  });

  it("takes the region from TENCENTCLOUD_REGION, as the provider does", () => {
    expect(problems({ "tencentcloud:region": undefined }, { TENCENTCLOUD_REGION: "ap-singapore" })).toEqual([]);
  });
});
