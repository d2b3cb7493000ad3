/** The `ssh` target's deployment: an existing host, converged over SSH from the deployer (no cloud API). */
import * as pulumi from "@pulumi/pulumi";
import type { StackSpec } from "../../config/spec";
import { commonArtifacts } from "../../host/bundle";
import { RUNTIME_PORT } from "../../host/model";
import { createRuntimeToken, hostSecrets, nextSteps } from "../shared";
import type { Deployment } from "../target";
import { HostBootstrap, SSH_TARGET_DIAL_ATTEMPTS } from "./host-bootstrap";
import { renderSshPayload } from "./payload";
import { SSH_PRIVATE_KEY_SECRET, type SshSettings } from "./settings";
import { parseHostKey } from "./validate";

/** `ssh` arguments that reach the host: `-p <port>` only when it is not 22. */
export function sshDestination(s: Pick<SshSettings, "user" | "port">, host: string): string {
  return `${s.port === 22 ? "" : `-p ${s.port} `}${s.user}@${host}`;
}

export function pinHostKeyStep(s: Pick<SshSettings, "port">, host: string): string {
  return `Pin the host key (until then Pulumi accepts any key, and a machine in the middle would get the secrets): on the host, ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub shows its fingerprint; compare it with ssh-keyscan -p ${s.port} -t ed25519 ${host} | ssh-keygen -lf -, then pulumi config set --path ssh.hostKey "$(ssh-keyscan -p ${s.port} -t ed25519 ${host} 2>/dev/null)" and pulumi up.`;
}

/** The target's deploy: settings validated (validate.ts: host set, user not root, host key parseable). */
export function deploy(spec: StackSpec<SshSettings>): Deployment {
  return deploySsh(spec, spec.target.settings, spec.secrets.get(SSH_PRIVATE_KEY_SECRET), process.env.SSH_AUTH_SOCK);
}

/**
 * `privateKey`: the `sshPrivateKey` secret, or undefined for the deployer's ssh-agent (`agentSocket`, which the
 * provider reads from its own SSH_AUTH_SOCK: connection_unix.go tryGetDefaultAgentSocket).
 */
export function deploySsh(spec: StackSpec, settings: SshSettings, privateKey: pulumi.Output<string> | undefined, agentSocket?: string): Deployment {
  const host = settings.host!;
  const hostKey = settings.hostKey !== undefined ? parseHostKey(settings.hostKey).key : undefined;
  const runtimeToken = createRuntimeToken();
  const rendered = renderSshPayload(spec, settings.user, settings.removeDataOnDestroy);
  // The payload is built once: its config files name the secrets the host gets, the bootstrap carries them.
  const secrets = hostSecrets(spec, runtimeToken.result, rendered.payload.configFiles);
  const ids = [...secrets.keys()].sort();
  const secretValues = pulumi.secret(pulumi.all(ids.map((id) => pulumi.output(secrets.get(id)!).apply((v) => [id, v] as const))).apply((pairs) => Object.fromEntries(pairs)));
  // Not a config problem: a preview (CI's included) never connects (commandController.go Create returns before
  // running in a dry run), so it needs neither; `pulumi up` would fail to authenticate, before changing anything.
  if (privateKey === undefined && !agentSocket) {
    pulumi.log.warn(`codewhale-remote: neither sshPrivateKey nor an ssh-agent (SSH_AUTH_SOCK) is set: pulumi up cannot log in to ${host}. pulumi config set --secret sshPrivateKey < ~/.ssh/id_ed25519, or eval "$(ssh-agent)" && ssh-add.`);
  }
  if (hostKey === undefined) {
    pulumi.log.warn(`codewhale-remote: ssh.hostKey is not set, so the SSH connection to ${host} accepts any host key and sends the secrets to whoever answers. ${pinHostKeyStep(settings, host)}`);
  }
  new HostBootstrap("host", {
    endpoint: {
      host,
      user: settings.user,
      port: settings.port,
      ...(hostKey !== undefined ? { hostKey } : {}),
      ...(privateKey !== undefined ? { privateKey } : {}),
      dialErrorLimit: SSH_TARGET_DIAL_ATTEMPTS,
    },
    rendered,
    secretValues,
    allowedCidrs: spec.ssh.allowedCidrs,
  });
  const destination = sshDestination(settings, host);
  // nextSteps and the runbook write `ssh <user>@<host>`: a port other than 22 travels with the user part.
  const loginPart = settings.port === 22 ? settings.user : `-p ${settings.port} ${settings.user}`;
  const before = hostKey === undefined ? [pinHostKeyStep(settings, host)] : [];
  const outputs = {
    host: pulumi.output(host),
    sshCommand: pulumi.output(`ssh ${destination}`),
    sshTunnelCommand: pulumi.output(`ssh -N -L ${RUNTIME_PORT}:127.0.0.1:${RUNTIME_PORT} ${destination}`),
    nextSteps: pulumi.output(nextSteps(spec, loginPart, host, before)),
    runtimeToken: pulumi.secret(runtimeToken.result),
  };
  const files: Record<string, string> = {
    ...commonArtifacts(spec, rendered.payload, [], {
      sshUser: loginPart,
      host,
      secretsParagraph:
        "On an existing host secrets live in env files in `/etc/codewhale` (root-only). They reach the host only inside the SSH session from the deployer: the bootstrap is the stdin of `sudo -n sh -s`, never argv, never a file on the way, never a log (the Pulumi state keeps it encrypted).",
      extraSteps: [
        "- Rollouts: `pulumi up` runs the bootstrap again over SSH and waits for it; its output is in the update's log.",
        `- \`pulumi destroy\` runs teardown.sh over SSH: the services stop and are disabled, the units, scripts, sshd drop-in, host firewall and /etc/codewhale go; the workspace, agent home, bridge state, install and service users ${settings.removeDataOnDestroy ? "go too (ssh.removeDataOnDestroy)" : "stay (set ssh.removeDataOnDestroy true to remove them)"}.`,
      ],
    }),
    "teardown.sh": rendered.teardown,
  };
  const artifacts = pulumi.output(files) as pulumi.Output<Readonly<Record<string, string>>>;
  return { outputs, artifacts };
}
