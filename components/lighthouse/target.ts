import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { commonArtifacts } from "../../cloud-init/bundle";
import { ENV_FILE_CONFIG_DIR } from "../../cloud-init/delivery";
import { RUNTIME_PORT } from "../../cloud-init/model";
import type { ConfigProblem } from "../../config/errors";
import { TENCENT_REGION_KEY } from "../../config/keys";
import { setCommand } from "../../config/load";
import type { StackSpec } from "../../config/spec";
import { createRuntimeToken, hostSecrets, ipv6CidrProblems, nextSteps } from "../shared";
import type { CloudTarget, Deployment } from "../target";
import { AgentVm } from "./agent-vm";
import { CloudInitPayload } from "./cloud-init-payload";
import { SecretStore } from "./secret-store";
import { SshOnlyFirewall } from "./ssh-only-firewall";
import { LIGHTHOUSE_SSH_USER } from "./ssh-user";

/** Lighthouse display names (instance, template, disk) are at most 60 characters. */
const MAX_NAME = 60;
const named = (base: string, suffix = "") => `${base.slice(0, MAX_NAME - suffix.length)}${suffix}`;

export { LIGHTHOUSE_SSH_USER } from "./ssh-user";
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

/** The console command that prints the instance's public address (provider v0.2.3 does not report it). */
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
  const settings = { ...spec.lighthouse, blueprintId: spec.lighthouse.blueprintId! };
  const instanceName = named(settings.instanceName ?? `codewhale-${slug(spec.stack)}`);
  const runtimeToken = createRuntimeToken();

  // The firewall's template must exist before the instance, and its rules need the instance: the instance id
  // reaches the firewall through a deferred output, so each component is whole in its own constructor.
  const [instanceId, resolveInstanceId] = pulumi.deferredOutput<string>();
  const firewall = new SshOnlyFirewall("ssh", { instanceId, allowedCidrs: spec.ssh.allowedCidrs, templateName: named(instanceName, "-ssh-only") });
  // Key pair names are unique per region and account (at most 25 letters, digits, _).
  const keySuffix = new random.RandomString("key-suffix", { length: 6, special: false, upper: false });
  const vm = new AgentVm("agent", {
    settings,
    instanceName,
    dataDiskName: named(instanceName, "-data"),
    keyName: pulumi.interpolate`cw_${spec.stack.replace(/[^A-Za-z0-9]/g, "").slice(0, 15)}_${keySuffix.result}`,
    sshPublicKey: spec.ssh.publicKey,
    firewallTemplateId: firewall.templateId,
  });
  resolveInstanceId(vm.instanceId);

  const store = new SecretStore("secrets", { secrets: hostSecrets(spec, runtimeToken.result, ENV_FILE_CONFIG_DIR) });
  const dataDevices = vm.dataDiskId.apply(lighthouseDataDevices);
  // The bootstrap runs once the key is bound, the data disk attached and the firewall narrowed to SSH.
  const payload = new CloudInitPayload("host", {
    spec,
    delivery: store.delivery,
    dataDevices,
    secretValues: store.values,
    instanceId: vm.instanceId,
    runAfter: [...vm.ready, firewall],
  });

  const user = LIGHTHOUSE_SSH_USER;
  const ipCommand = vm.instanceId.apply((id) => publicIpCommand(region, id));
  const host = pulumi.interpolate`$(${ipCommand})`;
  const outputs = {
    instanceId: vm.instanceId,
    publicIpCommand: ipCommand,
    sshCommand: pulumi.interpolate`ssh ${user}@${host}`,
    sshTunnelCommand: pulumi.interpolate`ssh -N -L ${RUNTIME_PORT}:127.0.0.1:${RUNTIME_PORT} ${user}@${host}`,
    nextSteps: ipCommand.apply((cmd) =>
      nextSteps(spec, user, "$IP", [
        `Look up the public address (the Tencent provider v0.2.3 does not report it): IP=$(${cmd}) (needs tccli; or copy it from the Lighthouse console).`,
      ]),
    ),
    runtimeToken: pulumi.secret(runtimeToken.result),
    bootstrapInvocationId: payload.invocationId,
  };
  const artifacts = pulumi.all([payload.rendered, dataDevices]).apply(([r, devices]): Record<string, string> =>
    commonArtifacts(spec, r.payload, devices, {
      sshUser: user,
      host: "<public-ip>",
      secretsParagraph:
        "Lighthouse has no instance identity, so secrets live in env files in `/etc/codewhale` (0640 root:codewhale). They reach the host only inside the TAT command that runs the bootstrap, which is a Pulumi secret; TAT keeps the command content in the invocation record, so grant TAT read access (tat:DescribeInvocations) to nobody who should not read the secrets. Each rollout deletes the previous invocation.",
      extraSteps: [
        "- Rollouts run the bootstrap again through TAT (command `codewhale-remote-bootstrap`); its output is in the Lighthouse console under the instance's automation (TAT) records. `pulumi up` does not wait for it: check the services afterwards.",
      ],
    }),
  );
  return { outputs, artifacts };
}

export const lighthouseTarget: CloudTarget = { id: "lighthouse", displayName: "Tencent Cloud Lighthouse", validate, deploy };
