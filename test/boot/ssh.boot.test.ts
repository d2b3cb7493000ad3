/**
 * The `ssh` target end to end: a booted container stands in for an existing Debian 12 host (its login user
 * `deploy` has the admin key and passwordless sudo), and the deploy runs the target's own program code under
 * Pulumi's mock monitor, where a stand-in for pulumi-command's provider (remote-command-fixture.ts) runs every
 * registered command with its inputs as the provider receives them, through the real `ssh` client, from a
 * deployer address inside sshAllowedCidrs. Then: healthy services, a day-2 change, `pulumi destroy` keeping the
 * workspace, and a new `pulumi up` on the kept data. One bridge: the host payload is the shell flavour's, whose
 * own suite covers every bridge; this file proves the delivery.
 */
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { deploySsh } from "../../components/ssh/deploy";
import { renderSshPayload } from "../../components/ssh/payload";
import { parsePreflight } from "../../components/ssh/preflight";
import { SSH_PRIVATE_KEY_SECRET, sshSettingsSchema, type SshSettings } from "../../components/ssh/settings";
import { SSH_BOOTSTRAP_COMMAND } from "../../components/ssh-bootstrap";
import type { StackSpec } from "../../config/spec";
import { SSHD_DROP_IN_PATH } from "../../host/host-payload";
import { AGENT_HOME, AGENT_USER, CONFIG_FILES, DATA_DIR, FIREWALL_TABLE, INSTALL_ROOT, LIB_DIR, WORKSPACE_DIR } from "../../host/model";
import { fillSecrets } from "../../host/render-shell";
import { RUNTIME_UNIT } from "../../host/units";
import { bootHost, HEALTH_URL, waitHealthy, type BootedHost } from "./boot-host";
import type { Container } from "./nspawn";
import { fmtMs } from "./nspawn";
import { bootSpec, type BootPayload } from "./payloads";
import { commandLines, journalExport } from "./probes";
import { RemoteCommandFixture } from "./remote-command-fixture";
import { appendReport } from "./report";

/** The host's address and the deployer's, both on the namespace's lo (the container's own network). */
const HOST_ADDRESS = "192.0.2.10";
const DEPLOYER_ADDRESS = "203.0.113.7";
const LOGIN_USER = "deploy";
const BRIDGE = "telegram";
const NAME = "ssh x telegram";

describe(`boot: ${NAME} (existing host over SSH)`, () => {
  let h: BootedHost;
  let fx: RemoteCommandFixture;
  let spec: StackSpec;
  let settings: SshSettings;
  let privateKey: string;
  let runtimeToken: string;
  let commit: string;
  let adminPub: string;
  /** The host's secrets and the key Pulumi connects with. */
  const secrets = (): string[] => [...h.p.secretValues.values()];
  const stackConfig = () => ({ cloud: "ssh", ssh: { host: HOST_ADDRESS, user: LOGIN_USER }, sshAllowedCidrs: [`${DEPLOYER_ADDRESS}/32`], sshPrivateKey: privateKey });

  /** One `pulumi up` of the target's program: every remote command it registers runs over SSH. */
  async function pulumiUp(s: StackSpec): Promise<void> {
    const failures: string[] = [];
    let teardownSeen!: () => void;
    let failed!: (e: Error) => void;
    const done = new Promise<void>((resolve, reject) => ((teardownSeen = resolve), (failed = reject)));
    await pulumi.runtime.setMocks(
      fx.mocks(runtimeToken, {
        registered: (name) => name === "host-teardown" && teardownSeen(),
        failed: (name, e) => (failures.push(name), failed(new Error(`${name}: ${e instanceof Error ? e.message : String(e)}`))),
      }),
      "codewhale-remote",
      "boot-ssh",
      false,
    );
    // The target's deploy (deploy.ts `deploy`) with the host key pinned after boot, as the README tells a user to.
    deploySsh(s, settings, s.secrets.get(SSH_PRIVATE_KEY_SECRET));
    await done;
    expect(failures).toEqual([]);
  }

  beforeAll(async () => {
    const adminKey = inject("bootAdminKey");
    privateKey = readFileSync(adminKey, "utf8");
    adminPub = readFileSync(`${adminKey}.pub`, "utf8").trim();
    commit = inject("bootSources").commit;
    const made = await bootSpec(stackConfig(), BRIDGE, commit, adminPub, "boot-ssh-telegram");
    spec = made.spec;
    runtimeToken = made.runtimeToken;
    const rendered = renderSshPayload(spec, LOGIN_USER, false);
    const p: BootPayload = {
      flavour: "ssh",
      spec,
      payload: rendered.payload,
      userData: "#cloud-config\n{}\n",
      bootstrap: fillSecrets(rendered.bootstrap, made.secretValues),
      configFiles: rendered.payload.configFiles,
      secretValues: made.secretValues,
      runtimeToken,
    };
    h = await bootHost(p, inject("bootRoot"), inject("bootSources"), adminKey, {
      addresses: [HOST_ADDRESS, DEPLOYER_ADDRESS],
      deploy: async (c: Container, ns) => {
        // The existing host: bootHost made the login user with the admin key; it has passwordless sudo.
        c.writeFile(`/etc/sudoers.d/${LOGIN_USER}`, `${LOGIN_USER} ALL=(ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
        // Pinned as the README says: the host's own ed25519 key (cloud-init made it at first boot).
        const hostKey = (await c.readInside("/etc/ssh/ssh_host_ed25519_key.pub")).trim();
        settings = sshSettingsSchema.parse({ host: HOST_ADDRESS, user: LOGIN_USER, hostKey: `${HOST_ADDRESS} ${hostKey}` });
        fx = new RemoteCommandFixture(ns, DEPLOYER_ADDRESS);
        await pulumiUp(spec);
        return fx.runs.map((r) => r.stdout + r.stderr).join("\n");
      },
    });
    process.stdout.write(`[boot] ${NAME}: container start -> ${HEALTH_URL} answered in ${fmtMs(h.bootToHealthyMs)} (deploy over SSH included)\n`);
    appendReport(inject("bootReportFile"), { name: NAME, bootToHealthyMs: h.bootToHealthyMs });
  });
  afterAll(async () => {
    fx?.cleanup();
    await h?.destroy();
  });

  async function expectServicesUp(): Promise<void> {
    await waitHealthy(h.c, h.p.payload.units);
    for (const unit of h.p.payload.units) expect((await h.c.exec(["systemctl", "is-active", unit])).stdout.trim(), unit).toBe("active");
    expect((await h.c.exec(["systemctl", "--failed", "--no-legend", "--plain"])).stdout.trim(), "failed units").toBe("");
  }

  it("runs the registered commands over SSH in order: the preflight as the login user, then the bootstrap through sudo", () => {
    expect(fx.runs.map((r) => [r.resource, r.operation])).toEqual([["host-preflight", "create"], ["host-bootstrap", "create"]]);
    const report = parsePreflight(fx.runs[0]!.stdout);
    expect(report).toEqual({ client: DEPLOYER_ADDRESS, os: "debian 12", arch: report.arch, sudo: "yes", init: "systemd" });
    expect(fx.runs[1]!.argv.at(-1)).toBe(SSH_BOOTSTRAP_COMMAND);
    // What the provider sends is the shell bootstrap as the boot payload models it, secrets filled.
    expect(fx.runs[1]!.stdin === h.p.bootstrap, "the bootstrap's stdin is the rendered bootstrap").toBe(true);
    expect(fx.runs[1]!.stdout).toContain("codewhale-remote: host converged (changed=1)");
  });

  it("brings every unit up and the runtime answers on loopback", expectServicesUp);

  it("keeps every secret out of the deployer's argv, the runs' output, the host's command lines and journal", async () => {
    for (const r of fx.runs) {
      expect(secrets().filter((s) => r.argv.join(" ").includes(s)), `${r.resource}: argv`).toEqual([]);
      expect(secrets().filter((s) => (r.stdout + r.stderr).includes(s)), `${r.resource}: output (logged by the provider)`).toEqual([]);
    }
    expect(secrets().filter((s) => [...fx.runs.slice(0, 1), ...fx.runs.slice(2)].some((r) => r.stdin.includes(s))), "stdin of other runs").toEqual([]);
    expect(fx.runs[1]!.stdin.includes(privateKey.trim()), "the connection's key never reaches the host").toBe(false);
    const cmdlines = [...(await commandLines(h.c)).values()];
    expect(secrets().filter((s) => cmdlines.some((c) => c.includes(s)))).toEqual([]);
    const journal = await journalExport(h.c);
    expect(journal).toContain("sh -s");
    expect(secrets().filter((s) => journal.includes(s)), "secrets in the journal").toEqual([]);
  });

  it("admits the login user with its key afterwards (the deployer is not locked out) and refuses root", async () => {
    const asDeploy = await fx.login("host-bootstrap", "id -un");
    expect({ code: asDeploy.code, out: asDeploy.stdout.trim() }, asDeploy.stderr).toEqual({ code: 0, out: LOGIN_USER });
    // root holds the same key (bootHost): PermitRootLogin no refuses it.
    expect((await fx.login("host-bootstrap", "true", { user: "root" })).code).not.toBe(0);
    expect(await h.c.readInside(SSHD_DROP_IN_PATH)).toContain(`AllowUsers ${LOGIN_USER}`);
    const table = (await h.c.exec(["nft", "list", "table", "inet", FIREWALL_TABLE], { check: true })).stdout;
    expect(table).toContain(DEPLOYER_ADDRESS);
  });

  it("rolls a day-2 change out over SSH (an update runs create again): new model, services restarted, healthy", async () => {
    const before = (await h.c.unitProperties(RUNTIME_UNIT)).MainPID;
    const day2 = (await bootSpec(stackConfig(), BRIDGE, commit, adminPub, "boot-ssh-telegram", { model: "deepseek-reasoner" })).spec;
    const runsBefore = fx.runs.length;
    await pulumiUp(day2);
    const bootstrap = fx.runs.slice(runsBefore).find((r) => r.resource === "host-bootstrap")!;
    expect(bootstrap.stdout).toContain("changed=1");
    expect(await h.c.readInside(`${h.p.payload.configDir}/${CONFIG_FILES.runtime}`)).toContain("CODEWHALE_MODEL=deepseek-reasoner\n");
    await expectServicesUp();
    expect((await h.c.unitProperties(RUNTIME_UNIT)).MainPID).not.toBe(before);
  });

  it("pulumi destroy runs the teardown's delete with its stored stdin: services stopped and disabled, what the bootstrap installed gone, the workspace kept", async () => {
    await h.c.exec(["runuser", "-u", AGENT_USER, "--", "sh", "-c", `echo kept > ${WORKSPACE_DIR}/keep.txt`], { check: true });
    // Destroy order: the teardown first (it depends on the bootstrap), the others have no delete.
    const teardown = await fx.destroy("host-teardown");
    expect(teardown?.argv.at(-1)).toBe(SSH_BOOTSTRAP_COMMAND);
    expect(teardown?.stdout).toContain("codewhale-remote: removed; kept");
    expect(await fx.destroy("host-bootstrap")).toBeUndefined();
    expect(await fx.destroy("host-preflight")).toBeUndefined();
    for (const unit of h.p.payload.units) {
      expect((await h.c.exec(["systemctl", "is-active", unit])).stdout.trim(), unit).not.toBe("active");
      expect(h.c.exists(`/etc/systemd/system/${unit}`), unit).toBe(false);
    }
    for (const gone of [h.p.payload.configDir, LIB_DIR, SSHD_DROP_IN_PATH]) expect(h.c.exists(gone), gone).toBe(false);
    expect((await h.c.exec(["nft", "list", "table", "inet", FIREWALL_TABLE])).code, "the firewall table is gone").not.toBe(0);
    expect((await h.c.exec(["curl", "-fsS", "-m", "2", HEALTH_URL])).code, "the runtime is down").not.toBe(0);
    expect((await h.c.readInside(`${WORKSPACE_DIR}/keep.txt`)).trim()).toBe("kept");
    expect((await h.c.exec(["id", "-u", AGENT_USER])).code, "the agent's user stays with its files").toBe(0);
    // The host's own sshd settings again, and the login user still gets in.
    expect((await fx.login("host-bootstrap", "id -un")).stdout.trim()).toBe(LOGIN_USER);
  });

  it("a new pulumi up after destroy brings the host back on the kept workspace", async () => {
    await pulumiUp(spec);
    await expectServicesUp();
    expect((await h.c.readInside(`${WORKSPACE_DIR}/keep.txt`)).trim()).toBe("kept");
  });

  it("with ssh.removeDataOnDestroy, destroy also removes the data, the install and the users, and follows none of the agent's links", async () => {
    settings = { ...settings, removeDataOnDestroy: true };
    // An update of the teardown's stdin changes nothing on the host (no create, no update), then destroy.
    const runsBefore = fx.runs.length;
    await pulumiUp(spec);
    expect(fx.runs.slice(runsBefore).map((r) => r.resource)).toEqual(["host-preflight", "host-bootstrap"]);
    // The agent plants links to root's files and directories where the teardown (as root) will act.
    const plant = `ln -s /etc/hostname ${WORKSPACE_DIR}/file-link && ln -s /etc ${WORKSPACE_DIR}/dir-link && ln -s /usr/local/bin ${AGENT_HOME}/bin-link`;
    await h.c.exec(["runuser", "-u", AGENT_USER, "--", "sh", "-c", plant], { check: true });
    const teardown = await fx.destroy("host-teardown");
    expect(teardown?.stdout).toContain("codewhale-remote: removed (data included)");
    for (const gone of [DATA_DIR, INSTALL_ROOT, h.p.payload.configDir, LIB_DIR]) expect(h.c.exists(gone), gone).toBe(false);
    for (const user of h.p.payload.users) expect((await h.c.exec(["id", "-u", user.name])).code, user.name).not.toBe(0);
    for (const target of ["/etc/hostname", "/etc/passwd", "/usr/local/bin"]) expect(h.c.exists(target), `${target}, a planted link's target`).toBe(true);
    expect((await fx.login("host-bootstrap", "id -un")).stdout.trim()).toBe(LOGIN_USER);
  });
});
