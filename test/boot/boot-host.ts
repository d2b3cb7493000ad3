/**
 * One test host: an ephemeral container booted with a rendered payload, the way each cloud delivers it.
 * - azure: the #cloud-config as NoCloud user data; codewhale-config.service reads its env files from the
 *   fake IMDS + Key Vault (test/fixtures/fake-azure-metadata.ts), which runs on the host side in the
 *   container's network namespace (netns.ts); a test-only drop-in points the fetcher at it.
 * - shell: the image's cloud-init runs with empty user data, then the bootstrap runs as root in a transient
 *   service, as a cloud's command agent (Lighthouse TAT) would run it.
 * Install sources are the fixtures (fixtures.ts); the container has no network.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CONFIG_UNIT } from "../../components/azure/key-vault-delivery";
import { RUNTIME_HOST, RUNTIME_PORT } from "../../host/model";
import { HEALTH_CHECK_UNIT, UPGRADE_GATE_UNIT, WATCHDOG_TIMER, WATCHDOG_UNIT, bridgeUnitName } from "../../host/units";
import type { InstallSources } from "./fixtures";
import { NetworkNamespace } from "./netns";
import { Container, type ExecResult, type FileSpec } from "./nspawn";
import { FAKE_PLATFORM_ENV, FIXTURE_RELEASES, FIXTURE_REPO, type BootPayload } from "./payloads";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const FAKE_AZURE_CLI = path.join(REPO_ROOT, "test", "fixtures", "fake-azure-metadata-cli.ts");
const FAKE_PLATFORM_CLI = path.join(REPO_ROOT, "test", "fixtures", "fake-chat-platform-cli.ts");
/** Test-only: where the bridge and the watchdog find the fake platform API (root-only, no secret in it). */
export const PLATFORM_ENV_FILE = "/etc/codewhale-boot-test/platform.env";
/** Test-only: how long the watchdog lets a service look stuck before it restarts it (the test drives the checks). */
export const TEST_STUCK_SECONDS = 2;
/** Test-only: how long a new release gets to pass the upgrade gate. */
export const TEST_UPGRADE_GATE_SECONDS = 15;
const HOST_ENDPOINTS_FIXTURE = path.join(REPO_ROOT, "test", "fixtures", "boot", "host-endpoints-fixture.mjs");
/** The cloud host endpoints the test serves at their real addresses (see host-endpoints-fixture.mjs). */
export const HOST_ENDPOINT_ADDRESSES = ["169.254.169.254", "169.254.0.23", "168.63.129.16"] as const;
/** Where the admin user's private key lives in the container (root's): the test logs in with it as the admin would. */
export const ADMIN_KEY = "/root/.ssh/codewhale-admin";
/**
 * What a VM has and nspawn withholds by default: bpf() (nspawn's default system-call filter has none, so systemd
 * in the container cannot attach IPAddressDeny=, cgroup BPF, and silently runs units without it), and
 * CAP_NET_ADMIN (kept by nspawn only for a network namespace of its own making; this one is the harness's),
 * which the host firewall needs to load its ruleset.
 */
const NSPAWN_ARGS = ["--system-call-filter=bpf", "--capability=CAP_NET_ADMIN"];
export const HEALTH_URL = `http://${RUNTIME_HOST}:${RUNTIME_PORT}/health`;

/**
 * Packages the cached root carries for any payload, masked (a failing stub first on PATH) in a host whose
 * payload did not ask for them, so a unit that silently relies on one fails here as on a real host.
 */
const ON_REQUEST_ONLY: Readonly<Record<string, readonly string[]>> = { npm: ["npm", "npx"] };

export interface BootedHost {
  readonly c: Container;
  readonly p: BootPayload;
  /** Container start until /health answered, first boot (includes the bootstrap run for the shell flavour). */
  readonly bootToHealthyMs: number;
  /** What the first bootstrap run printed (shell flavour). */
  readonly bootstrapOutput?: string;
  /** The fake chat platform (test/fixtures/fake-chat-platform.ts), on the container's loopback. */
  readonly platformUrl: string;
  /** The env the test-only drop-in gives the bridge and the watchdog on top of bridge.env (the API base). */
  readonly platformEnv: Readonly<Record<string, string>>;
  /** The container's network namespace: a host process run in it (`ip netns exec`) reaches the container's sshd on 127.0.0.1. */
  readonly netns: string;
  destroy(): Promise<void>;
}

export interface BootOptions {
  /** More addresses on the namespace's lo (the container's own): e.g. the host's and the deployer's for SSH. */
  readonly addresses?: readonly string[];
  /**
   * How the payload reaches the booted host, in place of running `p.bootstrap` as a cloud's command agent would
   * (the ssh target: its own commands over SSH from the namespace). Returns what the run printed.
   */
  readonly deploy?: (c: Container, ns: NetworkNamespace) => Promise<string>;
}

/** `adminKey`: the private key of the stack's sshPublicKey, on this machine; root in the container holds a copy. */
export async function bootHost(p: BootPayload, baseRoot: string, sources: InstallSources, adminKey: string, opts: BootOptions = {}): Promise<BootedHost> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "codewhale-boot-host-"));
  const ns = NetworkNamespace.create();
  let c: Container | undefined;
  const cleanup = async (): Promise<void> => {
    try {
      await c?.destroy();
    } finally {
      ns.deleteSync();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  };
  try {
    for (const address of [...HOST_ENDPOINT_ADDRESSES, ...(opts.addresses ?? [])]) ns.addAddress(address);
    await ns.start([process.execPath, HOST_ENDPOINTS_FIXTURE, ...HOST_ENDPOINT_ADDRESSES], { ready: /listening on / });
    const files: FileSpec[] = [
      { path: FIXTURE_RELEASES, from: sources.releases },
      { path: ADMIN_KEY, from: adminKey, mode: 0o600 },
      { path: FIXTURE_REPO, from: sources.repo },
      // Test-only: the fixture repository is a local directory owned by root, which git refuses to read for the
      // installer's user ("dubious ownership"); a real install clones over https, where the check does not apply.
      { path: "/etc/gitconfig", content: `[safe]\n\tdirectory = ${FIXTURE_REPO}\n` },
      ...Object.entries(ON_REQUEST_ONLY)
        .filter(([pkg]) => !p.payload.packages.includes(pkg))
        .flatMap(([pkg, commands]) =>
          commands.map((cmd) => ({
            path: `/usr/local/bin/${cmd}`,
            mode: 0o755,
            content: `#!/bin/sh\necho "${cmd}: not installed on this host (the payload does not ask for ${pkg}; masked by the boot test)" >&2\nexit 127\n`,
          })),
        ),
    ];
    // The chat platform: a fake on the container's loopback, with the stack's credentials; a test-only env file
    // (read after bridge.env, so it wins) points the bridge and the watchdog at it (FAKE_PLATFORM_ENV).
    const credsFile = path.join(tmp, "platform-credentials.json");
    const feishuSecret = p.secretValues.get("feishu-app-secret");
    const telegramToken = p.secretValues.get("telegram-bot-token");
    const wecomBotSecret = p.secretValues.get("wecom-bot-secret");
    fs.writeFileSync(credsFile, JSON.stringify({ telegramToken, feishuAppId: p.spec.bridgeValues.feishuAppId, feishuAppSecret: feishuSecret, wecomBotId: p.spec.bridgeValues.wecomBotId, wecomBotSecret }), { mode: 0o600 });
    const platformUrl = (await ns.start([process.execPath, "--import", "tsx", FAKE_PLATFORM_CLI, "--host", "127.0.0.1", "--port", "0", "--credentials-file", credsFile], {
      ready: /listening on (http:\/\/\S+)/,
      cwd: REPO_ROOT,
    }))[1]!;
    const platformEnv = FAKE_PLATFORM_ENV[p.spec.bridge.id]!(platformUrl);
    const dropIn = `[Service]\nEnvironmentFile=${PLATFORM_ENV_FILE}\n`;
    files.push(
      { path: PLATFORM_ENV_FILE, mode: 0o600, content: Object.entries(platformEnv).map(([k, v]) => `${k}=${v}\n`).join("") },
      { path: `/etc/systemd/system/${bridgeUnitName(p.spec.bridge)}.d/boot-test-platform.conf`, content: dropIn },
      { path: `/etc/systemd/system/${WATCHDOG_UNIT}.d/boot-test-platform.conf`, content: `${dropIn}Environment=CODEWHALE_WATCHDOG_STUCK_SECONDS=${TEST_STUCK_SECONDS}\n` },
      { path: `/etc/systemd/system/${UPGRADE_GATE_UNIT}.d/boot-test-platform.conf`, content: `${dropIn}Environment=CODEWHALE_WATCHDOG_UPGRADE_GATE_SECONDS=${TEST_UPGRADE_GATE_SECONDS}\n` },
      { path: `/etc/systemd/system/${HEALTH_CHECK_UNIT}.d/boot-test-platform.conf`, content: dropIn },
      // The test runs the checks itself, at known moments: the timer stays enabled and active, but not due.
      { path: `/etc/systemd/system/${WATCHDOG_TIMER}.d/boot-test-manual.conf`, content: "[Timer]\nOnBootSec=\nOnUnitActiveSec=\nOnBootSec=12h\n" },
    );
    if (p.vaultSecrets) {
      const secretsFile = path.join(tmp, "vault-secrets.json");
      fs.writeFileSync(secretsFile, JSON.stringify(p.vaultSecrets), { mode: 0o600 });
      const ready = await ns.start([process.execPath, "--import", "tsx", FAKE_AZURE_CLI, "--host", "127.0.0.1", "--port", "0", "--secrets-file", secretsFile], {
        ready: /listening on (http:\/\/\S+)/,
        cwd: REPO_ROOT,
      });
      const url = ready[1];
      // Test-only: the VM's IMDS and vault are this fake on the container's loopback.
      files.push({
        path: `/etc/systemd/system/${CONFIG_UNIT}.d/boot-test-fake-azure.conf`,
        content: `[Service]\nEnvironment=CODEWHALE_IMDS_ENDPOINT=${url}\nEnvironment=CODEWHALE_VAULT_URL=${url}\n`,
      });
    }
    c = await Container.create({ baseRoot, userData: p.userData, meta: { localHostname: `cw-${p.flavour}-${p.spec.bridge.id}` }, files, networkNamespacePath: ns.path, nspawnArgs: NSPAWN_ARGS });
    await c.boot();
    // Azure's provisioning puts the key in place; on the shell flavour the bootstrap does (Lighthouse has no key
    // mechanism the payload relies on), and the sshd test proves it with this very key.
    await addAdminUser(c, p.payload.sshLoginUser, p.payload.authorizedKeys === undefined ? p.spec.ssh.publicKey : undefined);
    const ci = await c.waitForCloudInit();
    if (ci.status !== "done" || ci.code !== 0 || ci.errors.length > 0) {
      throw new Error(`cloud-init did not finish cleanly: status '${ci.status}', exit ${ci.code}\n${ci.errors.join("\n")}\n${ci.long}`);
    }
    let bootstrapOutput: string | undefined;
    if (opts.deploy) {
      bootstrapOutput = await opts.deploy(c, ns);
    } else if (p.bootstrap !== undefined) {
      const r = await runBootstrap(c, p.bootstrap);
      if (r.code !== 0) throw new Error(`bootstrap failed (exit ${r.code})\n${r.stdout}\n${r.stderr}`);
      bootstrapOutput = r.stdout + r.stderr;
    }
    await waitHealthy(c, p.payload.units);
    const host: BootedHost = { c, p, bootToHealthyMs: c.msSinceBoot(), platformUrl, platformEnv, netns: ns.name, ...(bootstrapOutput !== undefined ? { bootstrapOutput } : {}), destroy: cleanup };
    return host;
  } catch (e) {
    // Keep what explains the failure, then clean up.
    const why = e instanceof Error ? e.message : String(e);
    const extra = c?.running ? `\n--- failed units\n${(await c.exec(["systemctl", "--failed", "--no-legend"])).stdout}\n--- codewhale journal\n${(await c.exec(["journalctl", "-b", "--no-pager", "-n", "80", "-u", "codewhale-*"])).stdout}` : "";
    await cleanup();
    throw new Error(`${why}${extra}`);
  }
}

/**
 * The cloud's admin user, as the image or Azure's provisioning makes it; with `publicKey`, its authorized_keys too
 * (Azure does that, the Lighthouse bootstrap does it itself). Root gets the same key: sshd must refuse it all the
 * same (PermitRootLogin no). Passwordless sudo, as cloud-init's default user and Azure's admin user have it
 * (/etc/sudoers.d/90-cloud-init-users): the ops wrapper runs itself as root through `sudo -n`.
 */
async function addAdminUser(c: Container, user: string, publicKey: string | undefined): Promise<void> {
  const key = `'${publicKey ?? ""}'`;
  await c.sh(
    [
      `id -u ${user} >/dev/null 2>&1 || useradd --create-home --shell /bin/bash ${user}`,
      ...(publicKey ? [`install -d -m 0700 -o ${user} -g ${user} /home/${user}/.ssh`, `printf '%s\\n' ${key} | install -m 0600 -o ${user} -g ${user} /dev/stdin /home/${user}/.ssh/authorized_keys`] : []),
      // Passwordless sudo, as the image's login user (Lighthouse) and Azure's provisioned admin have it: the
      // pairing steps run `sudo journalctl` over SSH.
      `printf '%s ALL=(ALL) NOPASSWD:ALL\\n' ${user} | install -m 0440 /dev/stdin /etc/sudoers.d/90-boot-test-admin`,
      `install -d -m 0700 /root/.ssh`,
      `ssh-keygen -y -f ${ADMIN_KEY} | install -m 0600 /dev/stdin /root/.ssh/authorized_keys`,
    ].join(" && "),
    { check: true },
  );
}

/** As a cloud's command agent runs it: root, in a service of its own, script on stdin (no copy on disk). */
export function runBootstrap(c: Container, bootstrap: string): Promise<ExecResult> {
  return c.exec(["/bin/sh", "-s"], { via: "unit", input: bootstrap, timeoutMs: 300_000 });
}

/** Re-applies the Azure user data to the running host: write_files (deferred) and runcmd, as on first boot. */
export async function rerunCloudConfig(c: Container): Promise<string> {
  let out = "";
  for (const module of ["write_files_deferred", "runcmd", "scripts_user"]) {
    const r = await c.exec(["cloud-init", "single", "--name", module, "--frequency", "always"], { timeoutMs: 120_000 });
    out += r.stdout + r.stderr;
    if (r.code !== 0) throw new Error(`cloud-init single --name ${module} failed (exit ${r.code})\n${r.stdout}${r.stderr}`);
  }
  return out;
}

/**
 * Polls /health until it answers 200. Gives up at once when one of `units` failed or is waiting to be
 * restarted: a broken payload fails in seconds, with the culprit named, not at the timeout.
 */
export async function waitHealthy(c: Container, units: readonly string[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await c.exec(["curl", "-fsS", "--max-time", "2", HEALTH_URL])).code === 0) return;
    const r = await c.exec(["systemctl", "show", "-p", "Id,ActiveState,SubState", ...units]);
    const broken = r.stdout
      .split("\n\n")
      .filter((u) => /ActiveState=failed|SubState=auto-restart/.test(u))
      .map((u) => u.replace(/\n/g, " "));
    if (broken.length > 0) throw new Error(`${HEALTH_URL} does not answer and units are broken: ${broken.join("; ")}`);
    if (Date.now() > deadline) throw new Error(`${HEALTH_URL} did not answer within ${timeoutMs} ms\n${c.consoleTail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
