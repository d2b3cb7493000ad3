/**
 * The `ssh` target (an existing host over SSH): its validation, the preflight that guards the host firewall
 * against locking the deployer out, the teardown `pulumi destroy` runs, and the three pulumi-command runs under
 * mocks, with what each one carries (secrets only in the bootstrap's stdin).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostBootstrap, checkedBootstrap } from "../components/ssh/host-bootstrap";
import { renderSshPayload } from "../components/ssh/payload";
import { PREFLIGHT_MARKER, addressAllowed, parsePreflight, preflightProblems, preflightScript } from "../components/ssh/preflight";
import { sshSettingsSchema } from "../components/ssh/settings";
import { cleanKinds, payloadUnits } from "../components/ssh/teardown";
import { hostProblem, parseHostKey, privateKeyProblem, userProblem, validateSshSettings } from "../components/ssh/validate";
import { SSH_BOOTSTRAP_COMMAND } from "../components/ssh-bootstrap";
import { ConfigError } from "../config/errors";
import { loadSpec } from "../contract";
import { RUNTIME_TOKEN_SECRET } from "../config/spec";
import { SERVICE_USERS } from "../host/host-payload";
import { AGENT_USER, BRIDGE_USER, DATA_DIR, INSTALL_ROOT, INSTALL_USER, LIB_DIR, WORKSPACE_DIR } from "../host/model";
import { offlinePreflightReport } from "../components/ssh/mocks";
import { evaluatePolicies, planSubjects } from "../policy/evaluate";
import { planStack, type Plan } from "../scripts/offline-plan";
import { FAKE_SECRETS, rawConfig } from "./support/stack";

const serviceUsers = SERVICE_USERS.map((u) => u.name);
const HOST_KEY_BLOB = "AAAAC3NzaC1lZDI1NTE5AAAAIGJwX2hG8bAcD8aPw9xUcSMcK2ZSCwzTPyPmqm9RFvvO";

describe("ssh settings: host, user, port, host key", () => {
  it("accepts names and IP literals, and turns URLs, user@host, host:port and [v6] into the host alone", () => {
    for (const ok of ["agent.example.com", "203.0.113.7", "2001:db8::7", "pi", "host-1.lan."]) expect(hostProblem(ok), ok).toBeUndefined();
    expect(hostProblem(undefined)?.problem).toMatch(/is required/);
    expect(hostProblem("ssh://deploy@agent.example.com:2222")?.suggestion).toBe("agent.example.com");
    expect(hostProblem("deploy@203.0.113.7")).toMatchObject({ problem: expect.stringContaining("ssh.user"), suggestion: "203.0.113.7" });
    expect(hostProblem("agent.example.com:2222")).toMatchObject({ problem: expect.stringContaining("ssh.port"), suggestion: "agent.example.com" });
    expect(hostProblem("[2001:db8::7]:22")?.suggestion).toBe("2001:db8::7");
    expect(hostProblem("203.0.113.300")?.problem).toMatch(/not a valid IPv4/);
    expect(hostProblem("bad_name.example.com")?.problem).toMatch(/neither an IP address nor a DNS name/);
    expect(hostProblem(" agent.example.com")?.suggestion).toBe("agent.example.com");
  });

  it("refuses root (PermitRootLogin no would lock the deployer out), service users and non-names", () => {
    expect(userProblem("root", serviceUsers)).toMatch(/PermitRootLogin no/);
    expect(userProblem(AGENT_USER, serviceUsers)).toMatch(/service users/);
    expect(userProblem("Deploy", serviceUsers)).toMatch(/not a Linux user name/);
    expect(userProblem("ubuntu", serviceUsers)).toBeUndefined();
  });

  it("defaults user root (as pulumi-command does) and port 22, and rejects unknown fields and bad ports", () => {
    expect(validateSshSettings(sshSettingsSchema.parse({ host: "h", user: "deploy" }), serviceUsers)).toEqual([]);
    expect(sshSettingsSchema.parse({ host: "h" })).toEqual({ host: "h", user: "root", port: 22, removeDataOnDestroy: false });
    expect(sshSettingsSchema.safeParse({ host: "h", port: 70000 }).success).toBe(false);
    expect(sshSettingsSchema.safeParse({ host: "h", port: 22.5 }).success).toBe(false);
    expect(sshSettingsSchema.safeParse({ host: "h", hostkey: "x" }).success).toBe(false);
  });

  it("normalises a host key line from ssh-keyscan or known_hosts to '<type> <base64>', and refuses what pins nothing", () => {
    const key = `ssh-ed25519 ${HOST_KEY_BLOB}`;
    expect(parseHostKey(key)).toEqual({ key });
    expect(parseHostKey(`agent.example.com ${key}`)).toEqual({ key });
    expect(parseHostKey(`[agent.example.com]:2222,203.0.113.7 ${key} root@agent`)).toEqual({ key });
    expect(parseHostKey(`|1|c2FsdA==|aGFzaA== ${key}`)).toEqual({ key });
    expect(parseHostKey("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU").problem).toMatch(/fingerprint/);
    expect(parseHostKey(`@cert-authority *.example.com ${key}`).problem).toMatch(/marker/);
    expect(parseHostKey(`${key}\necdsa-sha2-nistp256 AAAA`).problem).toMatch(/more than one line/);
    expect(parseHostKey(`ecdsa-sha2-nistp256 ${HOST_KEY_BLOB}`).problem).toMatch(/its blob holds ssh-ed25519/);
    expect(parseHostKey("ssh-ed25519 not*base64").problem).toMatch(/not base64/);
    expect(parseHostKey("-----BEGIN OPENSSH PRIVATE KEY-----").problem).toMatch(/PRIVATE key/);
  });
});

describe("sshPrivateKey: what pulumi-command's ssh.ParsePrivateKey can use, checked without showing it", () => {
  let dir: string;
  const key = (name: string) => readFileSync(path.join(dir, name), "utf8");
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "ssh-target-keys-"));
    const gen = (name: string, ...args: string[]) => execFileSync("ssh-keygen", ["-q", ...args, "-C", "test", "-f", path.join(dir, name)]);
    gen("ed25519", "-t", "ed25519", "-N", "");
    gen("ed25519-pass", "-t", "ed25519", "-N", "a passphrase");
    gen("rsa-pem", "-t", "rsa", "-b", "3072", "-m", "PEM", "-N", "");
    gen("rsa-pem-pass", "-t", "rsa", "-b", "3072", "-m", "PEM", "-N", "a passphrase");
    gen("ecdsa-pkcs8", "-t", "ecdsa", "-m", "PKCS8", "-N", "");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("accepts unencrypted OpenSSH, PEM and PKCS#8 keys", () => {
    for (const name of ["ed25519", "rsa-pem", "ecdsa-pkcs8"]) expect(privateKeyProblem(key(name)), name).toBeUndefined();
  });

  it("refuses passphrase-protected keys (no privateKeyPassword is ever set) and points at ssh-agent", () => {
    for (const name of ["ed25519-pass", "rsa-pem-pass"]) expect(privateKeyProblem(key(name)), name).toMatch(/passphrase.*ssh-agent/);
  });

  it("refuses the public key, a cut key, a damaged key and things that are no key at all", () => {
    expect(privateKeyProblem(key("ed25519.pub"))).toMatch(/is a public key/);
    const text = key("ed25519");
    expect(privateKeyProblem(text.slice(0, text.indexOf("-----END")))).toMatch(/cut off/);
    const lines = text.split("\n");
    lines[2] = lines[2]!.replace(/[A-Za-z]/g, "A");
    expect(privateKeyProblem(lines.join("\n"))).toMatch(/cannot be parsed/);
    expect(privateKeyProblem("PuTTY-User-Key-File-3: ssh-ed25519")).toMatch(/puttygen/);
    expect(privateKeyProblem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")).toMatch(/type 'CERTIFICATE'/);
    expect(privateKeyProblem("hunter2")).toMatch(/not a PEM private key/);
  });

  const SSH = (extra: Record<string, unknown> = {}) => rawConfig({ cloud: "ssh", ssh: { host: "203.0.113.50", user: "deploy" }, ...extra });
  const problemsOf = (raw: ReturnType<typeof rawConfig>) => {
    try {
      loadSpec(raw);
      return [];
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return e.problems;
    }
  };

  it("the loader reports a bad sshPrivateKey with the rest, keyed by its full name, and never repeats the secret", () => {
    const secret = key("ed25519.pub");
    const problems = problemsOf(rawConfig({ cloud: "ssh", ssh: { host: "deploy@agent.example.com", hostKey: "SHA256:abc" }, sshPrivateKey: secret }));
    expect(problems.map((p) => p.key).sort()).toEqual(["codewhale-remote:ssh.host", "codewhale-remote:ssh.hostKey", "codewhale-remote:ssh.user", "codewhale-remote:sshPrivateKey"]);
    const byKey = new Map(problems.map((p) => [p.key, p]));
    expect(byKey.get("codewhale-remote:ssh.host")!.fix).toBe("pulumi config set --path 'ssh.host' agent.example.com");
    expect(byKey.get("codewhale-remote:ssh.user")!.fix).toBe("pulumi config set --path 'ssh.user' ubuntu");
    expect(byKey.get("codewhale-remote:sshPrivateKey")!.problem).toMatch(/is a public key.*value not shown/);
    expect(JSON.stringify(problems)).not.toContain(secret.split(" ")[1]!);
    const encrypted = problemsOf(SSH({ sshPrivateKey: key("ed25519-pass") }));
    expect(encrypted.map((p) => [p.key, p.problem])).toEqual([["codewhale-remote:sshPrivateKey", expect.stringMatching(/passphrase.*ssh-agent/)]]);
  });

  it("accepts a good key, or none (the agent: checked when pulumi up connects), and keeps it a secret of the spec only", () => {
    const { spec } = loadSpec(SSH({ sshPrivateKey: key("ed25519") }));
    expect([...spec.secrets.keys()]).toContain("ssh-private-key");
    expect(loadSpec(SSH()).spec.secrets.has("ssh-private-key")).toBe(false);
    expect(spec.target.settings).toEqual({ host: "203.0.113.50", user: "deploy", port: 22, removeDataOnDestroy: false });
  });
});

describe("preflight: no bootstrap reaches a host the firewall would lock the deployer out of", () => {
  const good = "client=203.0.113.7\nos=ubuntu 24.04\narch=x86_64\nsudo=yes\ninit=systemd";

  it("passes shellcheck and reads nothing secret (it runs without sudo)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ssh-preflight-"));
    try {
      const file = path.join(dir, "preflight.sh");
      writeFileSync(file, `#!/bin/sh\n${preflightScript()}`);
      const r = spawnSync("shellcheck", ["-s", "sh", "-S", "style", file], { encoding: "utf8" });
      expect(r.stdout + r.stderr).toBe("");
      // The script itself, run here: it reports this machine in the format the parser reads.
      const out = spawnSync("sh", ["-s"], { input: preflightScript(), encoding: "utf8", env: { ...process.env, SSH_CLIENT: "198.51.100.9 50000 22" } });
      expect(parsePreflight(out.stdout).client).toBe("198.51.100.9");
      expect(parsePreflight(out.stdout).arch).toBe(execFileSync("uname", ["-m"], { encoding: "utf8" }).trim());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(preflightScript()).not.toContain("sudo -n sh");
    expect(preflightScript().startsWith(PREFLIGHT_MARKER)).toBe(true);
  });

  it("matches the deployer's address against sshAllowedCidrs like the firewall (IPv4-mapped IPv6 included)", () => {
    expect(addressAllowed("203.0.113.7", ["203.0.113.0/24"])).toBe(true);
    expect(addressAllowed("::ffff:203.0.113.7", ["203.0.113.7/32"])).toBe(true);
    expect(addressAllowed("2001:db8::7", ["2001:db8::/64"])).toBe(true);
    expect(addressAllowed("203.0.113.8", ["203.0.113.7/32", "2001:db8::/64"])).toBe(false);
    expect(addressAllowed("", ["0.0.0.0/0"])).toBe(false);
  });

  it("names each failing fact with its fix, and nothing for a supported host", () => {
    expect(preflightProblems(parsePreflight(good), ["203.0.113.7/32"], "deploy")).toEqual([]);
    const bad = preflightProblems(parsePreflight("client=198.51.100.4\nos=centos 9\narch=riscv64\nsudo=no\ninit=init"), ["203.0.113.7/32"], "deploy");
    expect(bad).toHaveLength(5);
    expect(bad[0]).toContain("pulumi config set --path 'sshAllowedCidrs[1]' 198.51.100.4/32");
    expect(bad[1]).toContain("ubuntu 22.04, ubuntu 24.04, debian 12");
    expect(bad[3]).toContain("deploy ALL=(ALL) NOPASSWD: ALL");
    expect(preflightProblems(parsePreflight(""), ["203.0.113.7/32"], "deploy")[0]).toMatch(/SSH_CLIENT is unset/);
  });

  it("stops the bootstrap on a failed report; a preview (nothing ran yet) has nothing to check", () => {
    expect(() => checkedBootstrap("boot", good.replace("203.0.113.7", "198.51.100.4"), ["203.0.113.7/32"], "deploy", false)).toThrow(/nothing on it was changed[\s\S]*198\.51\.100\.4/);
    expect(() => checkedBootstrap("boot", "", ["203.0.113.7/32"], "deploy", false)).toThrow(/SSH_CLIENT/);
    expect(checkedBootstrap("boot", good, ["203.0.113.7/32"], "deploy", false)).toBe("boot");
    expect(checkedBootstrap("boot", undefined, ["203.0.113.7/32"], "deploy", true)).toBe("boot");
  });

  it("the offline mock answers as a supported host with the deployer inside the first allowed CIDR", () => {
    const report = offlinePreflightReport(["198.51.100.0/24", "203.0.113.7/32"]);
    expect(preflightProblems(parsePreflight(report), ["198.51.100.0/24"], "deploy")).toEqual([]);
    expect(parsePreflight(report).client).toBe("198.51.100.0");
  });
});

describe("teardown: pulumi destroy stops the agent and removes what the bootstrap installed", () => {
  const { spec } = loadSpec(rawConfig());
  const keep = renderSshPayload(spec, "deploy", false);
  const wipe = renderSshPayload(spec, "deploy", true);

  it("passes shellcheck, both ways", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ssh-teardown-"));
    try {
      for (const [name, text] of [["keep.sh", keep.teardown], ["wipe.sh", wipe.teardown]] as const) {
        const file = path.join(dir, name);
        writeFileSync(file, text);
        const r = spawnSync("shellcheck", ["-s", "sh", "-S", "style", file], { encoding: "utf8" });
        expect(r.stdout + r.stderr, name).toBe("");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stops and disables every unit the payload installs, timers first", () => {
    const units = payloadUnits(keep.payload);
    expect(units).toEqual(expect.arrayContaining([...keep.payload.units]));
    const loop = /for unit in ([^;]+); do/.exec(keep.teardown)![1]!.split(" ");
    expect([...loop].sort()).toEqual([...units].sort());
    expect(loop[0]!.endsWith(".timer")).toBe(true);
    expect(keep.teardown).toContain('systemctl disable --now --quiet "$unit"');
  });

  it("keeps the data by default: no clean, no user removal, nothing under the data dir or the install root touched", () => {
    expect(keep.teardown).not.toMatch(/systemctl clean|userdel|groupdel|runuser/);
    expect(keep.teardown).not.toContain(DATA_DIR + "/");
    expect(keep.teardown).not.toMatch(new RegExp(`rm[^\\n]*${INSTALL_ROOT}`));
    expect(keep.teardown).toContain(`kept ${DATA_DIR}`);
  });

  it("root removes only root-owned files in root-owned places (and the config dir with the secrets)", () => {
    const rmTargets = [...keep.teardown.matchAll(/^\s*rm (-f|-rf) (.+)$/gm)].flatMap((m) => m[2]!.split(" ").map((w) => w.replace(/^'|'$/g, "").replace(/"/g, "")));
    expect(rmTargets.length).toBeGreaterThan(10);
    for (const t of rmTargets) expect(t, t).toMatch(new RegExp(`^(/etc/systemd/system/|${LIB_DIR}/|/etc/ssh/sshd_config\\.d/|/etc/codewhale$)`));
    expect(keep.teardown).toContain("rm -rf '/etc/codewhale'");
    expect(keep.teardown).not.toContain("/etc/apt/apt.conf.d/20auto-upgrades");
  });

  it("with removeDataOnDestroy, leaves the state to systemd and the install root to its own user", () => {
    const cleans = [...wipe.teardown.matchAll(/systemctl clean ((?:--what=\w+ )+)(\S+);/g)].map((m) => [m[2], m[1]!.trim()]);
    const expected = wipe.payload.files
      .filter((f) => /^\/etc\/systemd\/system\/[^/]+\.service$/.test(f.path) && cleanKinds(f).length > 0)
      .map((f) => [f.path.split("/").pop(), cleanKinds(f).map((k) => `--what=${k}`).join(" ")]);
    expect(cleans).toEqual(expected);
    expect(cleans.map(([u]) => u)).toEqual(expect.arrayContaining(["codewhale-runtime.service", "codewhale-install.service"]));
    expect(wipe.teardown).toContain(`runuser -u ${INSTALL_USER} -- find ${INSTALL_ROOT} -mindepth 1 -delete`);
    // Never root deleting inside what a service user writes.
    expect(wipe.teardown).not.toMatch(new RegExp(`rm -rf?[^\\n]*(${DATA_DIR}|${WORKSPACE_DIR}|${INSTALL_ROOT})`));
    expect(wipe.teardown).toContain(`for user in ${AGENT_USER} ${BRIDGE_USER} ${INSTALL_USER}; do`);
  });
});

/** The wire form of a Pulumi secret, as the mock monitor hands it over. */
const reveal = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(reveal);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") return reveal(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, reveal(x)]));
  }
  return v;
};

interface Seen {
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

async function registerUnderMocks(preflightStdout: string, dryRun: boolean): Promise<{ seen: Seen[]; outcome: unknown }> {
  // A failed preflight is checkedBootstrap's test above: the registration then fails with its message.
  const seen: Seen[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        seen.push({ name: args.name, inputs: args.inputs as Record<string, unknown> });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...(args.name.endsWith("-preflight") ? { stdout: preflightStdout } : {}) } };
      },
      call: (args) => args.inputs,
    },
    "codewhale-remote",
    "ssh-test",
    dryRun,
  );
  const { spec } = loadSpec(rawConfig());
  const rendered = renderSshPayload(spec, "deploy", false);
  const values = Object.fromEntries(rendered.secretIds.map((id) => [id, id === RUNTIME_TOKEN_SECRET ? "tokenLEAKCHECK0123456789" : id === "provider-api-key" ? FAKE_SECRETS.providerApiKey : FAKE_SECRETS.telegramBotToken]));
  const hb = new HostBootstrap("host", {
    endpoint: { host: "203.0.113.50", user: "deploy", port: 2222, hostKey: `ssh-ed25519 ${HOST_KEY_BLOB}`, privateKey: pulumi.secret("-----BEGIN OPENSSH PRIVATE KEY-----\nLEAKCHECKKEY\n-----END OPENSSH PRIVATE KEY-----"), dialErrorLimit: 5 },
    rendered,
    secretValues: pulumi.secret(values),
    allowedCidrs: ["203.0.113.0/24"],
  });
  const id = hb.teardown.id as unknown as { promise(): Promise<string> };
  const outcome = await id.promise().then((v) => v, (e: unknown) => e);
  return { seen, outcome };
}

describe("HostBootstrap under mocks: three runs, secrets only in the bootstrap's stdin", () => {
  let seen: Seen[];
  beforeAll(async () => {
    ({ seen } = await registerUnderMocks("client=203.0.113.9\nos=debian 12\narch=aarch64\nsudo=yes\ninit=systemd", false));
  });
  const byName = (suffix: string) => seen.find((s) => s.name === `host-${suffix}`)!;

  // connection.go SSHConfig: hostKey pinned with ssh.FixedHostKey (none: any host accepted); privateKey parsed with
  // ssh.ParsePrivateKey; dialErrorLimit/perDialTimeout bound dialWithRetry. commandOutputs.go run: previous output
  // goes out as env requests unless addPreviousOutputInEnv is false.
  it("registers preflight, bootstrap and teardown with the pinned host key, port and a secret private key", () => {
    expect(seen.map((s) => s.name).filter((n) => n.startsWith("host-"))).toEqual(["host-preflight", "host-bootstrap", "host-teardown"]);
    for (const s of seen.filter((x) => x.name.startsWith("host-"))) {
      expect(reveal(s.inputs.connection), s.name).toMatchObject({ host: "203.0.113.50", user: "deploy", port: 2222, hostKey: `ssh-ed25519 ${HOST_KEY_BLOB}`, dialErrorLimit: 5, perDialTimeout: 15 });
      expect(s.inputs.addPreviousOutputInEnv, s.name).toBe(false);
    }
  });

  it("runs the preflight as the login user with no secret, re-run when the bootstrap or the CIDRs change", () => {
    const p = byName("preflight").inputs;
    expect(p).toMatchObject({ create: "sh -s", stdin: preflightScript() });
    expect((p.triggers as unknown[]).slice(1)).toEqual(["203.0.113.0/24"]);
    const { connection: _c, ...rest } = p;
    expect(JSON.stringify(rest)).not.toMatch(/LEAKCHECK/);
  });

  it("sends the bootstrap, secrets filled, as a secret stdin of sudo -n sh -s; nothing else carries a secret", () => {
    const b = byName("bootstrap").inputs;
    expect(b.create).toBe(SSH_BOOTSTRAP_COMMAND);
    expect(b.delete).toBeUndefined();
    const stdin = reveal(b.stdin) as string;
    expect(JSON.stringify(b.stdin)).toContain("1b47061264138c4ac30d75fd1eb44270");
    expect(stdin).toContain(`=${FAKE_SECRETS.telegramBotToken}\n`);
    expect(stdin).toContain("tokenLEAKCHECK0123456789");
    for (const s of seen.filter((x) => x.name !== "host-bootstrap")) {
      const { connection: _c, ...rest } = s.inputs;
      expect(JSON.stringify(rest), s.name).not.toMatch(/LEAKCHECK/);
    }
    // The private key only inside the connection, as a secret.
    expect(JSON.stringify(byName("bootstrap").inputs.connection)).toContain("1b47061264138c4ac30d75fd1eb44270");
  });

  // pulumi-command v1.2.1 commandController.go: Create runs nothing without `create`, Update runs `update` or else
  // `create` (so nothing here), Delete runs the stored `delete` with the stored stdin (commandOutputs.go run).
  it("gives the teardown a delete and no create (destroy runs it; create and update run nothing)", () => {
    const t = byName("teardown").inputs;
    expect(t.create).toBeUndefined();
    expect(t.update).toBeUndefined();
    expect(t.delete).toBe(SSH_BOOTSTRAP_COMMAND);
    expect(t.stdin).toBe(renderSshPayload(loadSpec(rawConfig()).spec, "deploy", false).teardown);
  });
});

describe("the ssh target's offline plan (the real program under the offline mocks)", () => {
  let plan: Plan;
  let raw: Map<string, Record<string, unknown>>;
  let dir: string;
  let privateKey: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "ssh-plan-"));
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "plan", "-f", path.join(dir, "k")]);
    privateKey = readFileSync(path.join(dir, "k"), "utf8");
    raw = new Map();
    const config = rawConfig({ cloud: "ssh", ssh: { host: "agent.example.com", user: "deploy", port: 2222, hostKey: `agent.example.com ssh-ed25519 ${HOST_KEY_BLOB}` }, sshPrivateKey: privateKey });
    plan = await planStack({ stack: "ssh-plan", raw: config, observe: (r) => raw.set(r.name, r.inputs) });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("registers the three runs under one component, pins the normalised host key, and exports the commands with the port", () => {
    expect(plan.resources.filter((r) => r.custom).map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      "command:remote:Command host-bootstrap",
      "command:remote:Command host-preflight",
      "command:remote:Command host-teardown",
      "random:index/randomPassword:RandomPassword runtime-token",
    ]);
    expect((raw.get("host-bootstrap")!.connection as Record<string, unknown>).hostKey).toBe(`ssh-ed25519 ${HOST_KEY_BLOB}`);
    expect(plan.outputs.sshCommand).toBe("ssh -p 2222 deploy@agent.example.com");
    expect(plan.outputs.sshTunnelCommand).toBe("ssh -N -L 7878:127.0.0.1:7878 -p 2222 deploy@agent.example.com");
    expect(String(plan.outputs.nextSteps)).toContain("ssh -p 2222 deploy@agent.example.com systemctl is-active codewhale-runtime");
    expect(plan.outputs.runtimeToken).toBe("[secret]");
    expect(plan.artifacts["teardown.sh"]).toContain("systemctl disable --now");
  });

  it("keeps the private key and every host secret out of the plan, the outputs and the bundle; secret inputs are marked", () => {
    const text = JSON.stringify({ resources: plan.resources, outputs: plan.outputs, artifacts: plan.artifacts });
    const body = privateKey.split("\n").filter((l) => l && !l.startsWith("-----"))[1]!;
    expect(text.includes(body), "the private key").toBe(false);
    for (const fake of Object.values(FAKE_SECRETS)) expect(text.includes(fake), fake).toBe(false);
    const secretInputs = Object.fromEntries(plan.resources.filter((r) => r.type === "command:remote:Command").map((r) => [r.name, [...r.secretInputs].sort()]));
    expect(secretInputs).toEqual({ "host-bootstrap": ["connection", "stdin"], "host-preflight": ["connection"], "host-teardown": ["connection"] });
    // What the provider receives: the key in the connection, the bootstrap with the secrets in its stdin.
    expect((raw.get("host-bootstrap")!.connection as Record<string, unknown>).privateKey).toBe(privateKey);
    expect(String(raw.get("host-bootstrap")!.stdin)).toContain(FAKE_SECRETS.telegramBotToken);
  });

  it("passes the policy pack", async () => {
    const report = await evaluatePolicies(planSubjects(plan.resources), { allowSshFromAnywhere: false });
    expect(report.violations).toEqual([]);
  });
});
