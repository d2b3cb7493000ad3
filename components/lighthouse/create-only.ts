/**
 * Settings a Lighthouse instance or data disk takes only when it is created, and what happens when the stack
 * config changes one later. A change cannot be seen before the program runs (it is a difference from the
 * stack's state, not a bad value), so the instance and disk ignore these inputs on update (agent-vm.ts) and the
 * program compares the config with what they report, failing `pulumi preview` (and so `pulumi up`, which
 * previews first) with a config error before any operation reaches the instance.
 *
 * What the provider would do otherwise (terraform-provider-tencentcloud v1.82.42):
 * - zone, period: resource_tc_lighthouse_instance.go, resourceTencentCloudLighthouseInstanceUpdate returns
 *   "`zone` do not support change now" / "`period` do not support change now", after it has applied any other
 *   change of the same update. A zone change cannot be a replacement either: the data disk stays in its zone.
 * - dataDiskSizeGb: resource_tc_lighthouse_disk.go, resourceTencentCloudLighthouseDiskUpdate changes only the
 *   name and the renew flag, so a new size is silently not applied, and its Read sets `disk_size` back from
 *   DescribeDisks; the vendored Lighthouse API (v20200324) has no resize call. Replacing the disk would delete
 *   the workspace, which is never what a user asking for more space wants.
 */
import { ConfigError, type ConfigProblem } from "../../config/errors";
import { setCommand } from "../../config/keys";
import type { LighthouseSettings } from "./settings";

/** What the instance and the disk report (from the stack's state): absent = not known yet, nothing to compare. */
export interface CreatedWith {
  readonly zone?: string;
  readonly period?: number;
  readonly diskSize?: number;
}

export function createOnlyProblems(settings: Pick<LighthouseSettings, "zone" | "period" | "dataDiskSizeGb">, actual: CreatedWith): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (actual.zone && settings.zone !== undefined && settings.zone !== actual.zone) {
    problems.push({
      key: "codewhale-remote:lighthouse.zone",
      problem: `is '${settings.zone}', but the instance and its data disk were created in '${actual.zone}': Lighthouse cannot move them (the provider refuses a zone change, and a disk stays in its zone)`,
      expected: `'${actual.zone}' (to move to another zone, back up the workspace and deploy a new stack there)`,
      fix: setCommand(["lighthouse", "zone"], actual.zone),
    });
  }
  if (actual.period !== undefined && settings.period !== actual.period) {
    problems.push({
      key: "codewhale-remote:lighthouse.period",
      problem: `is ${settings.period}, but the instance was bought for ${actual.period} month(s): the period is fixed at purchase (the provider refuses to change it); renewals follow renewFlag`,
      expected: `${actual.period} (to extend the current term: tccli lighthouse RenewInstances --InstanceIds '["<instanceId>"]' --InstanceChargePrepaid '{"Period":<months>}')`,
      fix: setCommand(["lighthouse", "period"], String(actual.period)),
    });
  }
  if (actual.diskSize !== undefined && settings.dataDiskSizeGb > 0 && settings.dataDiskSizeGb !== actual.diskSize) {
    problems.push({
      key: "codewhale-remote:lighthouse.dataDiskSizeGb",
      problem: `is ${settings.dataDiskSizeGb}, but the data disk holding the workspace is ${actual.diskSize} GB: the provider cannot resize a Lighthouse disk (its update ignores the size), and replacing it would delete the workspace`,
      expected: `${actual.diskSize}; to grow it, expand the disk in the Lighthouse console, run 'sudo resize2fs /dev/disk/by-label/codewhale-data' on the host and 'pulumi refresh', then set the new size`,
      fix: setCommand(["lighthouse", "dataDiskSizeGb"], String(actual.diskSize)),
    });
  }
  return problems;
}

export function throwOnProblems(problems: readonly ConfigProblem[]): void {
  if (problems.length > 0) throw new ConfigError(problems);
}
