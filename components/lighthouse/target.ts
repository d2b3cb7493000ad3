import * as pulumi from "@pulumi/pulumi";
import { commonArtifacts } from "../../host/bundle";
import { ENV_FILE_CONFIG_DIR } from "../../host/delivery";
import { RUNTIME_PORT } from "../../host/model";
import type { ConfigProblem } from "../../config/errors";
import { TENCENT_REGION_KEY } from "../../config/keys";
import { setCommand } from "../../config/load";
import { sshPublicKeyProblem } from "../../config/values";
import type { StackSpec } from "../../config/spec";
import { createRuntimeToken, hostSecrets, ipv6CidrProblems, nextSteps } from "../shared";
import type { CloudTarget, Deployment } from "../target";
import { AgentVm } from "./agent-vm";
import { HostBootstrap } from "./bootstrap";
import { SecretStore } from "./secret-store";
import { SshOnlyFirewall } from "./ssh-only-firewall";
import { LIGHTHOUSE_SSH_USER } from "./ssh-user";

/** Lighthouse display names (instance, template, disk) are at most 60 characters. */
const MAX_NAME = 60;
const named = (base: string, suffix = "") => `${base.slice(0, MAX_NAME - suffix.length)}${suffix}`;

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

/**
 * Where the data disk appears: the virtio serial is the disk id on Tencent's KVM hosts; the first data disk is
 * /dev/vdb otherwise. prepare-data only ever formats a device with no filesystem signature at all.
 */
export function lighthouseDataDevices(diskId: string | undefined): string[] {
  return diskId ? [`/dev/disk/by-id/virtio-${diskId}`, "/dev/vdb"] : [];
}

const slug = (stack: string) => stack.toLowerCase().replace(/[^a-z0-9-]/g, "-");

/** Prints what the ssh delivery's key prelude printed: the host's public keys, one of which to pin. */
export function hostKeysCommand(region: string, invocationId: string): string {
  return `tccli tat DescribeInvocationTasks --region ${region} --Filters '[{"Name":"invocation-id","Values":["${invocationId}"]}]' --HideOutput False --filter 'InvocationTaskSet[0].TaskResult.Output' --output text | base64 -d`;
}

/** Prints the instance's public address from the API: a fallback for `publicIp` (e.g. after a manual change). */
export function publicIpCommand(region: string, instanceId: string): string {
  return `tccli lighthouse DescribeInstances --region ${region} --InstanceIds '["${instanceId}"]' --filter 'InstanceSet[0].PublicAddresses[0]' --output text`;
}

function validate(spec: StackSpec): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const region = spec.tencentRegion;
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
  const lh = spec.lighthouse;
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

function deploy(spec: StackSpec): Deployment {
  const region = spec.tencentRegion!;
  const settings = { ...spec.lighthouse, blueprintId: spec.lighthouse.blueprintId!, bundleId: spec.lighthouse.bundleId! };
  const instanceName = named(settings.instanceName ?? `codewhale-${slug(spec.stack)}`);
  const runtimeToken = createRuntimeToken();

  // The firewall's template must exist before the instance, and its rules need the instance: the instance id
  // reaches the firewall through a deferred output, so each component is whole in its own constructor.
  // Operations on the instance, one at a time: instance -> firewall rules -> disk attachment -> bootstrap.
  const [instanceId, resolveInstanceId] = pulumi.deferredOutput<string>();
  const firewall = new SshOnlyFirewall("ssh", { instanceId, allowedCidrs: spec.ssh.allowedCidrs, templateName: named(instanceName, "-ssh-only") });
  const vm = new AgentVm("agent", {
    settings,
    instanceName,
    dataDiskName: named(instanceName, "-data"),
    firewallTemplateId: firewall.templateId,
    attachDiskAfter: [firewall.rules],
  });
  resolveInstanceId(vm.instanceId);

  const user = LIGHTHOUSE_SSH_USER;
  const store = new SecretStore("secrets", { secrets: hostSecrets(spec, runtimeToken.result, ENV_FILE_CONFIG_DIR) });
  const dataDevices = vm.dataDiskId.apply(lighthouseDataDevices);
  const payload = new HostBootstrap("host", {
    spec,
    delivery: store.delivery,
    authorizedKeys: { user, keys: [spec.ssh.publicKey] },
    systemImage: vm.blueprintId,
    dataDevices,
    secretValues: store.values,
    instanceId: vm.instanceId,
    runAfter: [...vm.ready, firewall.rules],
    ...(settings.secretDelivery === "ssh" ? { ssh: { user, host: vm.publicIp, ...(settings.sshHostKey !== undefined ? { hostKey: settings.sshHostKey.trim() } : {}) } } : {}),
  });
  const invocation = payload.invocationId.apply((id) => id.split("#")[0]!);
  const pinHostKey = (cmd: string) =>
    `The host has your SSH key but no bootstrap yet (secretDelivery ssh): print its host keys with ${cmd}, check one against the Lighthouse console's web shell (cat /etc/ssh/ssh_host_ed25519_key.pub) if you like, then pulumi config set --path lighthouse.sshHostKey "<that ssh-ed25519 line>" and pulumi up.`;

  const ipCommand = vm.instanceId.apply((id) => publicIpCommand(region, id));
  // The provider reads PublicAddresses back from DescribeInstances (resource_tc_lighthouse_instance.go, Read);
  // the lookup command stands in only if it reported none.
  const host = pulumi.all([vm.publicIp, ipCommand]).apply(([ip, cmd]) => ip ?? `$(${cmd})`);
  const outputs = {
    instanceId: vm.instanceId,
    publicIp: vm.publicIp.apply((ip) => ip ?? ""),
    publicIpCommand: ipCommand,
    sshCommand: pulumi.interpolate`ssh ${user}@${host}`,
    sshTunnelCommand: pulumi.interpolate`ssh -N -L ${RUNTIME_PORT}:127.0.0.1:${RUNTIME_PORT} ${user}@${host}`,
    nextSteps: pulumi.all([vm.publicIp, ipCommand, invocation]).apply(([ip, cmd, inv]) => {
      const first = [
        ...(ip ? ["SSH works once the bootstrap has installed your key (a minute or two after `pulumi up`)."] : [`Look up the public address: IP=$(${cmd}) (needs tccli; or copy it from the Lighthouse console).`]),
        ...(payload.awaitingHostKey
          ? [pinHostKey(hostKeysCommand(region, inv))]
          : settings.secretDelivery === "ssh"
            ? [`The host keys the SSH delivery may pin (after a blueprintId change, pin the new one): ${hostKeysCommand(region, inv)}`]
            : []),
      ];
      return nextSteps(spec, user, ip ?? "$IP", first);
    }),
    runtimeToken: pulumi.secret(runtimeToken.result),
    bootstrapInvocationId: payload.invocationId,
  };
  const artifacts = pulumi.all([payload.rendered, dataDevices]).apply(([r, devices]): Record<string, string> =>
    commonArtifacts(spec, r.payload, devices, {
      sshUser: user,
      host: "<public-ip>",
      secretsParagraph:
        settings.secretDelivery === "ssh"
          ? "Lighthouse has no instance identity, so secrets live in env files in `/etc/codewhale` (0640 root:codewhale). With `lighthouse.secretDelivery: ssh` they reach the host only over SSH from the deployer (the bootstrap on the stdin of `sudo -n sh -s`, the host key pinned by `lighthouse.sshHostKey`); TAT runs only the script that installs your SSH key, so no TAT record holds a secret."
          : "Lighthouse has no instance identity, so secrets live in env files in `/etc/codewhale` (0640 root:codewhale). They reach the host inside the TAT command that runs the bootstrap, which is a Pulumi secret. TAT keeps every invocation's command content, secrets included, and nothing deletes it (removing the invocation from the stack only cancels a run still in progress): deny tat:DescribeInvocations, tat:DescribeInvocationTasks and tat:DescribeCommands to everyone but the owner and the deployer (the README has the CAM policy), and rotate a secret if someone else could read a record. `lighthouse.secretDelivery: ssh` keeps them out of TAT.",
      extraSteps: [
        "- Rollouts run the bootstrap again through TAT (command `codewhale-remote-bootstrap`); its output is in the Lighthouse console under the instance's automation (TAT) records. `pulumi up` does not wait for it: check the services afterwards.",
      ],
    }),
  );
  return { outputs, artifacts };
}

export const lighthouseTarget: CloudTarget = { id: "lighthouse", displayName: "Tencent Cloud Lighthouse", validate, deploy };
