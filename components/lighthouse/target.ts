/**
 * The Lighthouse target's row: its settings, region key, rules and offline stand-ins. The deploy module
 * (deploy.ts, the Tencent provider) loads only for a stack on Lighthouse.
 */
import type { ConfigProblem } from "../../config/errors";
import { setCommand } from "../../config/keys";
import { sshPublicKeyProblem } from "../../config/values";
import type { StackSpec } from "../../config/spec";
import { ipv6CidrProblems } from "../rules";
import type { CloudTarget } from "../target";
import { lighthouseMocks } from "./mocks";
import { TENCENT_REGION_ENV, TENCENT_REGION_KEY, lighthouseSettingsSchema, type LighthouseSettings } from "./settings";

export { LIGHTHOUSE_SSH_USER } from "./ssh-user";
/**
 * Months a Lighthouse instance can be bought for (the provider's `period` doc, resource_tc_lighthouse_instance.go:
 * "Valid values: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 36, 48, 60").
 */
export const LIGHTHOUSE_PERIODS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 36, 48, 60];

/** Lists the Linux plans on sale in a zone: what the bundleId problem tells the user to run. */
export function describeBundlesCommand(region: string, zone: string | undefined): string {
  return `tccli lighthouse DescribeBundles --region ${region}${zone ? ` --Zones '["${zone}"]'` : ""} --Filters '[{"Name":"support-platform-type","Values":["LINUX_UNIX"]},{"Name":"bundle-state","Values":["ONLINE"]}]' --filter 'BundleSet[?BundleSalesState==\`AVAILABLE\`].[BundleId,CPU,Memory,SystemDiskSize,MonthlyTraffic,Price.InstancePrice.DiscountPrice]'`;
}
/** Lighthouse accepts at most 100 firewall rules per instance; one rule per allowed CIDR. */
export const MAX_FIREWALL_RULES = 100;

export { hostKeysCommand, lighthouseDataDevices, publicIpCommand } from "./commands";

function validate(spec: StackSpec<LighthouseSettings>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const region = spec.target.region;
  if (!region) {
    problems.push({
      key: TENCENT_REGION_KEY,
      problem: "is not set (nor TENCENTCLOUD_REGION): Lighthouse needs a region",
      expected: "a Tencent Cloud region such as ap-singapore, ap-guangzhou, ap-hongkong or na-siliconvalley",
      fix: "pulumi config set tencentcloud:region ap-singapore",
    });
  } else if (!/^[a-z]+-[a-z]+$/.test(region)) {
    problems.push({ key: TENCENT_REGION_KEY, problem: `'${region}' is not a region name`, expected: "a region like ap-singapore (a zone like ap-singapore-1 goes in lighthouse.zone)", fix: "pulumi config set tencentcloud:region ap-singapore" });
  }
  const lh = spec.target.settings;
  if (!lh.blueprintId) {
    problems.push({
      key: "codewhale-remote:lighthouse.blueprintId",
      problem: "is required: the Ubuntu 24.04 LTS image id differs per region and account, so there is no safe default",
      expected: "the id (lhbp-...) of the Ubuntu Server 24.04 LTS blueprint, listed by: tccli lighthouse DescribeBlueprints --region <region> --Filters '[{\"Name\":\"platform-type\",\"Values\":[\"LINUX_UNIX\"]},{\"Name\":\"blueprint-type\",\"Values\":[\"PURE_OS\"]}]' (or the Lighthouse console's image list)",
      fix: setCommand(["lighthouse", "blueprintId"], "lhbp-xxxxxxxx"),
    });
  }
  if (!lh.bundleId) {
    problems.push({
      key: "codewhale-remote:lighthouse.bundleId",
      problem: "is required: plan ids differ by region and generation and none is verified to be on sale everywhere, so there is no default",
      expected: `the BundleId of a Linux plan with at least 2 GB of memory (the agent builds and tests in its workspace), listed by: ${describeBundlesCommand(region ?? "<region>", lh.zone)}`,
      fix: setCommand(["lighthouse", "bundleId"], "<BundleId from that list>"),
    });
  }
  if (!LIGHTHOUSE_PERIODS.includes(lh.period)) {
    problems.push({
      key: "codewhale-remote:lighthouse.period",
      problem: `${lh.period} is not a period Lighthouse sells`,
      expected: `months prepaid: ${LIGHTHOUSE_PERIODS.join(", ")}`,
      fix: setCommand(["lighthouse", "period"], "1"),
    });
  }
  if (lh.sshHostKey !== undefined) {
    const problem = sshPublicKeyProblem(lh.sshHostKey);
    if (problem) {
      problems.push({
        key: "codewhale-remote:lighthouse.sshHostKey",
        problem,
        expected: "one line of the host's /etc/ssh/ssh_host_*_key.pub, e.g. ssh-ed25519 AAAA... (the nextSteps output prints the command that lists them)",
        fix: setCommand(["lighthouse", "sshHostKey"], '"ssh-ed25519 AAAA..."'),
      });
    } else if (lh.secretDelivery !== "ssh") {
      problems.push({
        key: "codewhale-remote:lighthouse.sshHostKey",
        problem: "is set, but lighthouse.secretDelivery is tat: nothing connects over SSH to check it against",
        expected: "lighthouse.secretDelivery ssh, or no sshHostKey",
        fix: setCommand(["lighthouse", "secretDelivery"], "ssh"),
      });
    }
  }
  if (lh.dataDiskSizeGb > 0 && !lh.zone) {
    problems.push({
      key: "codewhale-remote:lighthouse.zone",
      problem: "is required with a data disk: the disk lives in one zone, and an instance without a pinned zone may come back in another one",
      expected: `a zone of ${region ?? "the region"}, e.g. ${region ?? "ap-singapore"}-1 (or lighthouse.dataDiskSizeGb 0 to keep state on the system disk)`,
      fix: setCommand(["lighthouse", "zone"], `${region ?? "ap-singapore"}-1`),
    });
  } else if (lh.zone && region && !lh.zone.startsWith(`${region}-`)) {
    problems.push({ key: "codewhale-remote:lighthouse.zone", problem: `'${lh.zone}' is not a zone of region ${region}`, expected: `a zone like ${region}-1`, fix: setCommand(["lighthouse", "zone"], `${region}-1`) });
  }
  problems.push(...ipv6CidrProblems(spec, "Lighthouse firewall rules (provider v0.2.3) take IPv4 sources only"));
  if (spec.ssh.allowedCidrs.length > MAX_FIREWALL_RULES) {
    problems.push({ key: "codewhale-remote:sshAllowedCidrs", problem: `lists ${spec.ssh.allowedCidrs.length} CIDRs; a Lighthouse instance takes at most ${MAX_FIREWALL_RULES} firewall rules`, expected: `at most ${MAX_FIREWALL_RULES} CIDRs (merge neighbours into wider prefixes)`, fix: "pulumi config set --path 'sshAllowedCidrs[0]' ... (fewer entries)" });
  }
  return problems;
}

export const lighthouseTarget: CloudTarget<LighthouseSettings> = {
  id: "lighthouse",
  displayName: "Tencent Cloud Lighthouse",
  settingsKey: "lighthouse",
  settingsDescription: "An instance bought for `period` months, its own data disk, secrets in env files delivered through TAT or over SSH.",
  settingsSchema: lighthouseSettingsSchema,
  region: { key: TENCENT_REGION_KEY, env: TENCENT_REGION_ENV },
  validate,
  sampleConfig: {
    [TENCENT_REGION_KEY]: "ap-singapore",
    "codewhale-remote:lighthouse": JSON.stringify({ blueprintId: "lhbp-offline1", bundleId: "bundle_offline_01", zone: "ap-singapore-1" }),
  },
  mocks: lighthouseMocks,
  hostType: "tencentcloud:Lighthouse/instance:Instance",
  load: () => import("./deploy.js"),
};
