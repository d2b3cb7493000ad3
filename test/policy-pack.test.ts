/**
 * The CLI path, `pulumi preview --policy-pack policy`, without the CLI: the pack is started as the CLI's
 * analyzer plugin starts it (ts-node compiles policy/index.ts, PolicyPack serves gRPC) and is called over
 * the Analyzer service with resources the program really plans, marshalled as the engine marshals them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentPolicies, PACK_NAME, stackPolicies } from "../policy/policies";
import { planStack, type PlannedResource } from "../scripts/offline-plan";
import { asCustomData, LIGHTHOUSE } from "./support/policy-subjects";
import { FAKE_SECRETS, rawConfig } from "./support/stack";
import { POLICY_DIR, startPolicyPack, wireSecret, type RunningPack } from "./fixtures/policy-pack-engine";

const STACK_CONFIG = { "codewhale-remote:cloud": "azure", "codewhale-remote:sshAllowedCidrs": '["203.0.113.7/32"]' };
let closed: RunningPack;
let optedIn: RunningPack;
let planned: PlannedResource[];

beforeAll(async () => {
  [closed, optedIn] = await Promise.all([
    startPolicyPack(POLICY_DIR, STACK_CONFIG),
    startPolicyPack(POLICY_DIR, { ...STACK_CONFIG, "codewhale-remote:allowSshFromAnywhere": "true" }),
  ]);
  planned = [...(await planStack({ stack: "dev", raw: rawConfig({}, "dev") })).resources];
}, 240_000);
afterAll(() => {
  closed?.stop();
  optedIn?.stop();
});

/** A planned resource as the engine sends it: secret inputs as secret values (here, placeholders). */
function asEngineSends(r: PlannedResource, edit: (props: Record<string, any>) => void = () => {}) {
  const props = structuredClone(r.inputs) as Record<string, any>;
  edit(props);
  for (const p of r.secretInputs) {
    const parts = p.split(".");
    const last = parts.pop()!;
    const parent = parts.reduce((o, k) => o[k], props);
    parent[last] = wireSecret("a-secret-value");
  }
  return { type: r.type, urn: r.urn, name: r.name, props };
}
const resource = (type: string) => planned.find((r) => r.type === type)!;

describe("the CrossGuard pack, as the Pulumi CLI runs it", () => {
  it("describes itself with every policy and its enforcement level", async () => {
    const info = await closed.info();
    expect(info.name).toBe(PACK_NAME);
    expect(info.version).toBe("0.1.0");
    expect(info.policies).toEqual([...agentPolicies, ...stackPolicies].map((p) => ({ name: p.name, level: p.enforcementLevel })));
  });

  it("finds nothing wrong with any resource the program plans", async () => {
    for (const r of planned.filter((x) => x.custom)) {
      const { diagnostics } = await closed.analyze(asEngineSends(r));
      expect(diagnostics, r.urn).toEqual([]);
    }
  });

  it("runs the stack policy over the resources' outputs: the plan passes, a backup role for the VM's identity is refused", async () => {
    const custom = planned.filter((x) => x.custom);
    const asOutputs = (r: PlannedResource) => ({ type: r.type, urn: r.urn, name: r.name, props: structuredClone(r.outputs) as Record<string, any> });
    expect((await closed.analyzeStack(custom.map(asOutputs))).diagnostics).toEqual([]);
    const vmPrincipal = (resource("azure-native:compute:VirtualMachine").outputs.identity as { principalId: string }).principalId;
    const tampered = custom.map((r) => {
      const s = asOutputs(r);
      if (r.name === "backup-snapshot-contributor") s.props.principalId = vmPrincipal;
      return s;
    });
    const { diagnostics } = await closed.analyzeStack(tampered);
    const contributor = custom.find((r) => r.name === "backup-snapshot-contributor")!;
    expect(diagnostics.map((d) => [d.policy, d.level, d.urn])).toEqual([["backup-roles-for-the-backup-vault", "mandatory", contributor.urn]]);
    expect(diagnostics[0]!.message).toContain("no backup vault's identity");
  });

  it("reports a world-open runtime port as three mandatory violations naming the rule", async () => {
    const nsg = resource("azure-native:network:NetworkSecurityGroup");
    const bad = asEngineSends(nsg, (p) =>
      p.securityRules.push({ name: "debug", priority: 110, direction: "Inbound", access: "Allow", protocol: "Tcp", destinationPortRange: "7878", sourceAddressPrefix: "0.0.0.0/0" }),
    );
    const { diagnostics } = await closed.analyze(bad);
    expect(diagnostics.map((d) => [d.policy, d.level]).sort()).toEqual([
      ["inbound-ssh-only", "mandatory"],
      ["runtime-port-closed", "mandatory"],
      ["ssh-not-world-open", "mandatory"],
    ]);
    // CrossGuard prefixes the policy's description; the engine attaches the URN of the resource it sent.
    expect(diagnostics.every((d) => d.message.includes("\nrule 'debug' (tcp 7878 from 0.0.0.0/0)"))).toBe(true);
  });

  it("takes the opt-in from the stack config: world-open SSH is advisory only there", async () => {
    const open = asEngineSends(resource("azure-native:network:NetworkSecurityGroup"), (p) => (p.securityRules[0].sourceAddressPrefixes = ["0.0.0.0/0"]));
    expect((await closed.analyze(open)).diagnostics.map((d) => [d.policy, d.level])).toEqual([["ssh-not-world-open", "mandatory"]]);
    expect((await optedIn.analyze(open)).diagnostics.map((d) => [d.policy, d.level])).toEqual([["ssh-world-open-opt-in", "advisory"]]);
  });

  it("scans customData for secrets inside the pack (secretlint loads under the CLI's ts-node)", async () => {
    const vm = asEngineSends(resource("azure-native:compute:VirtualMachine"), (p) => (p.osProfile.customData = asCustomData(`#cloud-config\nbootcmd:\n  - echo ${FAKE_SECRETS.telegramBotToken}\n`)));
    const { diagnostics } = await closed.analyze(vm);
    expect(diagnostics).toEqual([expect.objectContaining({ policy: "no-secret-in-user-data", level: "mandatory", message: expect.stringMatching(/\nosProfile\.customData line 3: Telegram bot token$/) })]);
  });

  it("says the secretness check is not applicable here (CrossGuard cannot see it) rather than passing it", async () => {
    const tat = { type: LIGHTHOUSE.tat, urn: "urn:pulumi:dev::codewhale-remote::tencentcloud:Tat/invocationCommandAttachment:InvocationCommandAttachment::bootstrap", name: "bootstrap", props: { instanceId: "lhins-x", content: "IyEvYmluL3NoCg==" } };
    const { diagnostics, notApplicable } = await closed.analyze(tat);
    expect(diagnostics).toEqual([]);
    expect(notApplicable).toContainEqual({ policy: "secret-inputs-are-secrets", reason: expect.stringContaining("npm run plan -- --policy") });
  });
});
