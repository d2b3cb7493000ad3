/**
 * Lighthouse settings the provider applies only at creation (zone, period, data disk size): a later change is a
 * config error that names the key, the value the cloud has and the fix, never an update the provider half
 * applies or silently drops. Provider behaviour (terraform-provider-tencentcloud v1.82.42):
 * - resource_tc_lighthouse_instance.go, resourceTencentCloudLighthouseInstanceUpdate: "`zone` do not support
 *   change now", "`period` do not support change now" (after applying the update's other changes);
 * - resource_tc_lighthouse_disk.go, resourceTencentCloudLighthouseDiskUpdate: only disk_name and the renew flag;
 *   Read sets disk_size back from DescribeDisks.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { AgentVm } from "../components/lighthouse/agent-vm";
import { createOnlyProblems } from "../components/lighthouse/create-only";
import { ConfigError } from "../config/errors";
import type { LighthouseSettings } from "../components/lighthouse/settings";

const settings = { zone: "ap-singapore-1", period: 1, dataDiskSizeGb: 20 };

describe("createOnlyProblems", () => {
  it("has nothing to say while the cloud reports what the config asks for, or reports nothing yet", () => {
    expect(createOnlyProblems(settings, { zone: "ap-singapore-1", period: 1, diskSize: 20 })).toEqual([]);
    expect(createOnlyProblems(settings, {})).toEqual([]);
    // No zone asked for: the service picked one; nothing to compare.
    expect(createOnlyProblems({ ...settings, zone: undefined }, { zone: "ap-singapore-3" })).toEqual([]);
  });

  it("refuses a zone change, a period change and a disk size change at once, each with its fix", () => {
    const found = createOnlyProblems({ zone: "ap-singapore-2", period: 12, dataDiskSizeGb: 40 }, { zone: "ap-singapore-1", period: 1, diskSize: 20 });
    expect(found.map((p) => p.key)).toEqual(["codewhale-remote:lighthouse.zone", "codewhale-remote:lighthouse.period", "codewhale-remote:lighthouse.dataDiskSizeGb"]);
    expect(found[0]!.fix).toBe("pulumi config set --path 'lighthouse.zone' ap-singapore-1");
    expect(found[1]!.fix).toBe("pulumi config set --path 'lighthouse.period' 1");
    expect(found[1]!.expected).toContain("tccli lighthouse RenewInstances");
    expect(found[2]!.fix).toBe("pulumi config set --path 'lighthouse.dataDiskSizeGb' 20");
    expect(found[2]!.problem).toContain("replacing it would delete the workspace");
  });
});

describe("AgentVm under mocks: the cloud's state differs from the config", () => {
  const registered: string[] = [];
  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push(args.type);
          // What the stack's state holds for an instance created earlier in another zone (with ignoreChanges the
          // engine keeps the old inputs, and the provider's Read reports the zone it has).
          const state = args.type === "tencentcloud:Lighthouse/instance:Instance" ? { ...args.inputs, zone: "ap-singapore-3" } : args.inputs;
          return { id: `${args.name}-id`, state };
        },
        call: (args) => args.inputs,
      },
      "codewhale-remote",
      "create-only",
      true,
    );
  });

  it("holds back the instance id (every later operation and the preview) with a config error", async () => {
    const s: LighthouseSettings & { blueprintId: string; bundleId: string } = {
      blueprintId: "lhbp-test0001",
      bundleId: "bundle_test_01",
      zone: "ap-singapore-1",
      renewFlag: "NOTIFY_AND_AUTO_RENEW",
      period: 1,
      dataDiskSizeGb: 0,
      secretDelivery: "tat",
    };
    const vm = new AgentVm("agent", { settings: s, instanceName: "n", dataDiskName: "d", firewallTemplateId: "lhft-1", attachDiskAfter: [] });
    // An Output carries several promises (value, known, secret, resources); a real run fails on the first one
    // that the next operation awaits. Here every one is awaited, so none goes unhandled.
    const out = vm.instanceId as unknown as { promise(): Promise<string>; isKnown: Promise<boolean>; isSecret: Promise<boolean>; allResources?: () => Promise<unknown> };
    await Promise.allSettled([out.isKnown, out.isSecret, out.allResources?.()]);
    const outcome = await out.promise().then(
      (id) => id,
      (e: unknown) => e,
    );
    expect(outcome).toBeInstanceOf(ConfigError);
    expect((outcome as ConfigError).message).toContain("codewhale-remote:lighthouse.zone: is 'ap-singapore-1', but the instance and its data disk were created in 'ap-singapore-3'");
    expect(registered).toContain("tencentcloud:Lighthouse/instance:Instance");
  });
});
