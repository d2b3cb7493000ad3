import * as pulumi from "@pulumi/pulumi";
import { commonArtifacts } from "../../host/bundle";
import { buildConfigFiles } from "../../host/host-payload";
import { ENV_FILE_CONFIG_DIR, envFileDelivery } from "../../host/delivery";
import { fillSecrets } from "../../host/render-shell";
import { RUNTIME_TOKEN_SECRET, type StackSpec } from "../../config/spec";
import { MAX_SECRET_LENGTH } from "../../config/values";
import { RUNTIME_PORT } from "../../host/model";
import { RUNTIME_TOKEN_LENGTH, createRuntimeToken, hostSecrets, nextSteps } from "../shared";
import type { Deployment, PayloadBudget } from "../target";
import { AgentVm } from "./agent-vm";
import { DATA_DISK_ID, HostBootstrap, TAT_CONTENT_LIMIT, lighthouseHostPayload, renderLighthousePayload } from "./bootstrap";
import { SecretStore } from "./secret-store";
import { SshOnlyFirewall } from "./ssh-only-firewall";
import { LIGHTHOUSE_SSH_USER } from "./ssh-user";
import type { LighthouseSettings } from "./settings";
import { hostKeysCommand, lighthouseDataDevices, publicIpCommand } from "./commands";

/** Lighthouse display names (instance, template, disk) are at most 60 characters. */
const MAX_NAME = 60;
const named = (base: string, suffix = "") => `${base.slice(0, MAX_NAME - suffix.length)}${suffix}`;
const slug = (stack: string) => stack.toLowerCase().replace(/[^a-z0-9-]/g, "-");

export function deploy(spec: StackSpec<LighthouseSettings>): Deployment {
  const region = spec.target.region!;
  const settings = { ...spec.target.settings, blueprintId: spec.target.settings.blueprintId!, bundleId: spec.target.settings.bundleId! };
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
  const authorizedKeys = { user, keys: [spec.ssh.publicKey] };
  // The host payload, built once: its config files feed the secret store, the payload the bootstrap and the bundle.
  const configFiles = buildConfigFiles(spec, ENV_FILE_CONFIG_DIR);
  const store = new SecretStore("secrets", { secrets: hostSecrets(spec, runtimeToken.result, configFiles) });
  const hostPayload = lighthouseHostPayload(spec, store.delivery, settings.dataDiskSizeGb > 0 ? lighthouseDataDevices(DATA_DISK_ID) : [], authorizedKeys, configFiles);
  const lateValues = vm.dataDiskId.apply((id): Record<string, string> => (id ? { "data-disk-id": id } : {}));
  const dataDevices = vm.dataDiskId.apply(lighthouseDataDevices);
  const payload = new HostBootstrap("host", {
    payload: hostPayload,
    authorizedKeys,
    systemImage: vm.blueprintId,
    lateValues,
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
  const artifacts = pulumi.all([payload.rendered, dataDevices, lateValues]).apply(([r, devices, late]): Record<string, string> =>
    commonArtifacts(spec, r.payload, devices, {
      lateValues: late,
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


/** TAT content: the shell bootstrap as the target renders it with a data disk (the default), every secret at its longest. */
export function payloadBudget(spec: StackSpec<LighthouseSettings>): PayloadBudget {
  const r = renderLighthousePayload(spec, envFileDelivery(), lighthouseDataDevices("lhdisk-00000000"));
  const values = new Map(r.secretIds.map((id) => [id, "x".repeat(id === RUNTIME_TOKEN_SECRET ? RUNTIME_TOKEN_LENGTH : MAX_SECRET_LENGTH)]));
  const script = fillSecrets(r.bootstrap, values);
  const b64 = Buffer.from(script, "utf8").toString("base64").length;
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  return {
    payload: "Lighthouse TAT content (shell bootstrap, base64)",
    limitBytes: TAT_CONTENT_LIMIT,
    bytes: b64,
    detail: `bootstrap ${kib(Buffer.byteLength(script))} with every config secret at ${MAX_SECRET_LENGTH} characters, base64 ${kib(b64)}`,
  };
}
