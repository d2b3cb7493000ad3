/**
 * The Lighthouse deployment under mocks, for both bridges and every usable provider: what we ask Tencent Cloud
 * for holds the invariants of DESIGN.md, and what reaches the host (the TAT bootstrap) is secret, complete
 * and passes shellcheck.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridges } from "../bridges/registry";
import { TAT_CONTENT_LIMIT } from "../components/lighthouse/cloud-init-payload";
import { ConfigError } from "../config/errors";
import { loadSpec } from "../config/load";
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
} as const;

const CIDRS = ["203.0.113.7/32", "198.51.100.0/24"];
const LIGHTHOUSE = {
  cloud: "lighthouse",
  "azure-native:location": undefined,
  "tencentcloud:region": "ap-singapore",
  sshAllowedCidrs: CIDRS,
  lighthouse: { blueprintId: "lhbp-test0001", zone: "ap-singapore-1" },
};
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

const matrix = new Map<string, Planned>();
const work = mkdtempSync(path.join(tmpdir(), "codewhale-lighthouse-"));
beforeAll(async () => {
  for (const b of bridges) {
    for (const p of modelProviders.filter((m) => !m.unusable)) {
      matrix.set(`${b.id}/${p.id}`, await plan({ bridge: b.id, ...providerOverrides(p.id) }));
    }
  }
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

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
      const bridgeSecret = combo.startsWith("feishu/") ? FAKE_SECRETS.feishuAppSecret : FAKE_SECRETS.telegramBotToken;
      expect(text, combo).toContain(`=${bridgeSecret}\n`);
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

  it("gets the owner's key as a Lighthouse key pair and no password", () => {
    const instance = one(base.plan, T.instance);
    expect(instance.inputs.loginConfiguration).toBeUndefined();
    expect(instance.inputs.permitDefaultKeyPairLogin).toBeUndefined();
    const key = one(base.plan, T.keyPair);
    expect(key.inputs.publicKey).toBe(rawConfig().values["codewhale-remote:sshPublicKey"]);
    expect(String(key.inputs.keyName)).toMatch(/^[A-Za-z0-9_]{1,25}$/);
    const attachment = one(base.plan, T.keyAttachment);
    expect(attachment.dependencies).toEqual(expect.arrayContaining([key.urn, instance.urn]));
    // The bootstrap also turns SSH passwords off on the host (Lighthouse images ship their own sshd drop-ins).
    expect(script(base)).toMatch(/^PasswordAuthentication no$/m);
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

  it("runs the bootstrap only once the key, the data disk and the SSH-only rules are in place", () => {
    const deps = one(base.plan, T.tat).dependencies;
    for (const type of [T.instance, T.keyAttachment, T.diskAttachment, T.rule]) expect(deps).toContain(one(base.plan, type).urn);
  });

  it("keeps every Lighthouse name within its limit, whatever the stack is called", async () => {
    const p = await plan({}, `a-very-long-stack-name-${"x".repeat(60)}`);
    for (const [type, key] of [[T.instance, "instanceName"], [T.template, "templateName"], [T.disk, "diskName"]] as const) {
      expect(String(one(p.plan, type).inputs[key]).length, `${type}.${key}`).toBeLessThanOrEqual(60);
    }
    expect(String(one(p.plan, T.keyPair).inputs.keyName)).toMatch(/^[A-Za-z0-9_]{1,25}$/);
  });

  it("without a data disk needs no zone and keeps state on the system disk", async () => {
    const p = await plan({ lighthouse: { blueprintId: "lhbp-test0001", dataDiskSizeGb: 0 } });
    expect(p.plan.resources.filter((r) => r.type === T.disk || r.type === T.diskAttachment)).toEqual([]);
    expect(one(p.plan, T.instance).inputs.zone).toBeUndefined();
    expect(script(p)).toMatch(/^ExecStart=\/usr\/local\/lib\/codewhale-remote\/prepare-data \/var\/lib\/codewhale$/m);
  });

  it("exports the ways in (the provider reports no address) and keeps the token secret", () => {
    const o = base.plan.outputs;
    expect(o.publicIp).toBeUndefined();
    expect(String(o.instanceId)).toMatch(/^lhins-/);
    expect(o.publicIpCommand).toBe(`tccli lighthouse DescribeInstances --region ap-singapore --InstanceIds '["${String(o.instanceId)}"]' --filter 'InstanceSet[0].PublicAddresses[0]' --output text`);
    expect(o.sshCommand).toBe(`ssh ubuntu@$(${String(o.publicIpCommand)})`);
    expect(o.sshTunnelCommand).toBe(`ssh -N -L 7878:127.0.0.1:7878 ubuntu@$(${String(o.publicIpCommand)})`);
    expect(String(o.nextSteps)).toContain("ssh ubuntu@$IP systemctl is-active codewhale-runtime codewhale-telegram-bridge");
    expect(o.runtimeToken).toBe("[secret]");
  });
});

describe("Lighthouse: day 2", () => {
  const stable = [T.instance, T.template, T.keyPair, T.disk] as const;
  const changes: Record<string, Record<string, unknown>> = {
    model: { model: "deepseek-v4-flash" },
    allowlist: { chatAllowlist: ["123456789"] },
    "provider key": { providerApiKey: "sk-LEAKCHECK-provider-rotated-0123456789" },
    "bridge secret": { telegramBotToken: "123456789:AArotatedTelegramToken0123456789abcdef" },
    version: { codewhaleVersion: "0.9.8" },
    "runtime limits": { runtimeMemoryMax: "1536M" },
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
});

describe("Lighthouse config rules", () => {
  const problems = (overrides: Record<string, unknown>, env?: Record<string, string>): string[] => {
    const raw = rawConfig({ ...LIGHTHOUSE, ...overrides });
    try {
      loadSpec(env ? { ...raw, env } : raw, { cloudChecks: (s) => cloudTargets[s.cloud]!.validate(s) });
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
    ["a missing blueprint", { lighthouse: { zone: "ap-singapore-1" } }, /^codewhale-remote:lighthouse\.blueprintId: is required.*--path 'lighthouse\.blueprintId'/],
    ["a data disk without a zone", { lighthouse: { blueprintId: "lhbp-test0001" } }, /^codewhale-remote:lighthouse\.zone: is required with a data disk/],
    ["a zone of another region", { lighthouse: { blueprintId: "lhbp-test0001", zone: "ap-guangzhou-3" } }, /^codewhale-remote:lighthouse\.zone: 'ap-guangzhou-3' is not a zone of region ap-singapore/],
    ["an IPv6 CIDR", { sshAllowedCidrs: ["2001:db8::/64"] }, /^codewhale-remote:sshAllowedCidrs\[0\]: '2001:db8::\/64' is IPv6/],
    ["more CIDRs than Lighthouse has rules", { sshAllowedCidrs: Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`) }, /^codewhale-remote:sshAllowedCidrs: lists 101 CIDRs/],
  ])("refuses %s, naming the key and the fix", (_what, overrides, expected) => {
    const found = problems(overrides);
    expect(found.some((p) => expected.test(p)), found.join("\n")).toBe(true);
  });

  it("takes the region from TENCENTCLOUD_REGION, as the provider does", () => {
    expect(problems({ "tencentcloud:region": undefined }, { TENCENTCLOUD_REGION: "ap-singapore" })).toEqual([]);
  });
});
