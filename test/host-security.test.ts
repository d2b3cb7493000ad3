// The host's containment of the agent, checked on the rendered artifacts with the real consumers (nft, sshd,
// shellcheck, systemd-analyze): who runs as whom, who may read which config file, what sshd admits, what the
// host firewall drops. The boot test proves the same on a booted host, from inside the agent's sandbox.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { envFileDelivery } from "../host/delivery";
import { keyVaultDelivery } from "../components/azure/key-vault-delivery";
import { buildHostPayload, firewallRuleset, SERVICE_USERS, sshdDropIn } from "../host/host-payload";
import { AGENT_USER, BRIDGE_STATE_ROOT, BRIDGE_USER, configFileAccess, CONFIG_FILES, DATA_DIR, INSTALL_USER, type HostPayload } from "../host/model";
import { renderCloudConfig } from "../host/render-cloud-config";
import { renderShellBootstrap } from "../host/render-shell";
import { HOST_ENDPOINTS } from "../host/systemd-unit";
import { RUNTIME_UNIT } from "../host/units";
import { loadSpec } from "../contract";
import { rawConfig } from "./support/stack";

const work = mkdtempSync(path.join(tmpdir(), "codewhale-host-security-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const spec = (overrides: Record<string, unknown> = {}) => loadSpec(rawConfig(overrides)).spec;
const payloads: Record<string, HostPayload> = {
  "env file": buildHostPayload(spec(), { delivery: envFileDelivery(), dataDevices: [], sshLoginUser: "ubuntu", unattendedUpgrades: true }),
  "key vault": buildHostPayload(spec({ bridge: "feishu", feishuAppId: "cli_a1b2c3d4e5f6a7b8", feishuAppSecret: "feishuAppSecretValue0123456789" }), {
    delivery: keyVaultDelivery("https://v.vault.azure.net"),
    dataDevices: [],
    sshLoginUser: "azureuser",
    unattendedUpgrades: false,
  }),
};
const unitText = (p: HostPayload, unit: string): string => p.files.find((f) => f.path === `/etc/systemd/system/${unit}`)!.content;
const directive = (text: string, key: string): string[] => text.split("\n").filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));

describe.each(Object.entries(payloads))("host payload (%s delivery): identities and files", (_delivery, p) => {
  const bridge = p.units.find((u) => u.includes("-bridge"))!;

  it("runs the agent, the bridge and the installer as three different unprivileged users", () => {
    expect(directive(unitText(p, RUNTIME_UNIT), "User")).toEqual([AGENT_USER]);
    expect(directive(unitText(p, bridge), "User")).toEqual([BRIDGE_USER]);
    expect(directive(unitText(p, "codewhale-install.service"), "User")).toEqual([INSTALL_USER]);
    expect(new Set(p.users.map((u) => u.name)).size).toBe(3);
  });

  it("makes every env file root-only and only config.toml readable by the agent", () => {
    for (const f of p.configFiles) {
      const access = configFileAccess(f);
      if (f.format === "env") expect(access, f.name).toEqual({ mode: "0600", owner: "root", group: "root" });
      else expect(access, f.name).toEqual({ mode: "0640", owner: "root", group: AGENT_USER });
    }
  });

  it("hides each service's config and state from the other (InaccessiblePaths), the data root writable by neither", () => {
    const runtime = unitText(p, RUNTIME_UNIT);
    const bridgeText = unitText(p, bridge);
    const hidden = (text: string) => directive(text, "InaccessiblePaths").flatMap((v) => v.split(" ")).map((x) => x.replace(/^-/, ""));
    expect(hidden(runtime)).toEqual(expect.arrayContaining([`${p.configDir}/${CONFIG_FILES.bridge}`, BRIDGE_STATE_ROOT, "/run/dbus/system_bus_socket"]));
    expect(hidden(bridgeText)).toEqual(expect.arrayContaining([`${p.configDir}/${CONFIG_FILES.runtime}`, `${DATA_DIR}/workspace`, `${DATA_DIR}/home`]));
    // No service gets the whole data disk: each gets its own StateDirectory=, made by systemd.
    for (const text of [runtime, bridgeText]) expect(directive(text, "ReadWritePaths")).toEqual([]);
    expect(directive(runtime, "StateDirectory")).toEqual(["codewhale/workspace codewhale/home"]);
    expect(directive(bridgeText, "StateDirectory")[0]).toMatch(/^codewhale\/bridge\/[a-z]+$/);
  });

  it("keeps every service user off the cloud's host endpoints, in the unit and in the host firewall", () => {
    for (const unit of [RUNTIME_UNIT, bridge, "codewhale-install.service"]) {
      expect(directive(unitText(p, unit), "IPAddressDeny").join(" ").split(" "), unit).toEqual(expect.arrayContaining(["169.254.0.0/16", "168.63.129.16/32"]));
    }
    const fw = p.configFiles.find((f) => f.name === CONFIG_FILES.firewall);
    expect(fw?.format).toBe("raw");
  });

  it("limits the agent's memory and tasks and forbids core dumps of the services that hold secrets", () => {
    const runtime = unitText(p, RUNTIME_UNIT);
    expect(directive(runtime, "ExecStartPre")[0]).toBe(`+/usr/bin/systemctl set-property --runtime ${RUNTIME_UNIT} MemoryMax=\${CODEWHALE_REMOTE_MEMORY_MAX} TasksMax=\${CODEWHALE_REMOTE_TASKS_MAX}`);
    for (const unit of [RUNTIME_UNIT, bridge]) expect(directive(unitText(p, unit), "LimitCORE"), unit).toEqual(["0"]);
  });

  it("renders root helper scripts that shellcheck passes", () => {
    const scripts = p.files.filter((f) => f.content.startsWith("#!/bin/sh"));
    expect(scripts.map((f) => path.basename(f.path)).sort()).toEqual(["apply", "install-codewhale", "prepare-data", "prepare-install", "rollback-codewhale", "secure-accounts", "wait-runtime"]);
    for (const f of scripts) {
      const file = path.join(work, path.basename(f.path));
      writeFileSync(file, f.content);
      const r = spawnSync("shellcheck", ["-s", "sh", file], { encoding: "utf8" });
      expect(r.status, `${f.path}\n${r.stdout}`).toBe(0);
    }
  });
});

describe("renderers: the service users and the SSH drop-in", () => {
  it("creates every service user locked and without a shell, in both renderers", () => {
    const shell = renderShellBootstrap(payloads["env file"]!);
    for (const u of SERVICE_USERS) expect(shell).toContain(`useradd --system --gid '${u.name}' --home-dir '${u.home}' --no-create-home --shell /usr/sbin/nologin '${u.name}'`);
    const cloudConfig = renderCloudConfig(payloads["key vault"]!);
    for (const u of SERVICE_USERS) expect(cloudConfig).toContain(`name: ${u.name}`);
    expect(cloudConfig.match(/lock_passwd: true/g)?.length).toBe(SERVICE_USERS.length);
  });

  it("writes the SSH drop-in in cloud-init's init stage (before sshd starts), never deferred", () => {
    const cloudConfig = renderCloudConfig(payloads["key vault"]!);
    expect(cloudConfig).not.toMatch(/defer:/);
    expect(cloudConfig).toMatch(/- path: \/etc\/ssh\/sshd_config\.d\/10-codewhale-remote\.conf/);
  });
});

describe("sshd drop-in (checked by sshd itself)", () => {
  const dir = path.join(work, "sshd");
  mkdirSync(dir, { recursive: true });
  const dropIn = path.join(dir, "10-codewhale-remote.conf");
  writeFileSync(dropIn, sshdDropIn("azureuser").content);
  const config = path.join(dir, "sshd_config");
  writeFileSync(config, `Include ${dropIn}\nHostKey ${dir}/host_key\nUsePAM no\n`);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "host_key")]);
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });

  it("is accepted by sshd -t", () => {
    const r = spawnSync("/usr/sbin/sshd", ["-t", "-f", config], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("admits only the admin user, keys only, no root, and denies every service user by name", () => {
    const effective = execFileSync("/usr/sbin/sshd", ["-T", "-f", config, "-C", "user=azureuser,host=h,addr=203.0.113.7"], { encoding: "utf8" }).split("\n");
    for (const line of ["passwordauthentication no", "kbdinteractiveauthentication no", "permitrootlogin no", "allowusers azureuser", "maxauthtries 4", "logingracetime 30", "x11forwarding no", "allowagentforwarding no", "permituserenvironment no"]) {
      expect(effective, line).toContain(line);
    }
    expect(effective.filter((l) => l.startsWith("denyusers ")).map((l) => l.slice(10))).toEqual(SERVICE_USERS.map((u) => u.name));
  });
});

describe("host firewall ruleset (checked by nft -c)", () => {
  // nft resolves user names when it loads the rules; this machine has no such users, so the check sees uids.
  const check = (ruleset: string): { status: number | null; stderr: string } => {
    const file = path.join(work, `fw-${Math.random().toString(36).slice(2)}.nft`);
    writeFileSync(file, ruleset.replace(/"codewhale(-[a-z]+)?"/g, "65534"));
    const r = spawnSync("nft", ["-c", "-f", file], { encoding: "utf8" });
    return { status: r.status, stderr: r.stderr };
  };

  it("loads: inbound SSH from the allowed CIDRs only (host bits cleared), IPv4 and IPv6 sets apart", () => {
    const ruleset = firewallRuleset(["203.0.113.7/24", "198.51.100.9/32", "2001:db8::1/64"]);
    expect(check(ruleset)).toEqual({ status: 0, stderr: "" });
    expect(ruleset).toContain("elements = { 203.0.113.0/24, 198.51.100.9/32 }");
    expect(ruleset).toContain("elements = { 2001:db8::/64 }");
    expect(ruleset).toContain("type filter hook input priority filter; policy drop;");
    expect(ruleset).toContain("tcp dport 22 ip saddr @ssh_ipv4 accept");
    expect(ruleset).toContain("tcp dport 22 ip6 saddr @ssh_ipv6 accept");
    expect(ruleset.split("\n").filter((l) => /\saccept$/.test(l)).length, "accept rules: lo, replies, DHCP, DHCPv6, ND, SSH v4, SSH v6").toBe(7);
  });

  it("drops every packet of a service user to the metadata endpoints and WireServer, whatever process sends it", () => {
    const ruleset = firewallRuleset(["203.0.113.7/32"]);
    expect(check(ruleset).status).toBe(0);
    const users = SERVICE_USERS.map((u) => `"${u.name}"`).join(", ");
    expect(ruleset).toContain(`meta skuid { ${users} } ip daddr { ${HOST_ENDPOINTS.filter((a) => !a.includes(":")).join(", ")} } counter drop`);
    expect(ruleset).toContain(`meta skuid { ${users} } ip6 daddr { fe80::/10 } counter drop`);
    expect(ruleset).not.toContain("ssh_ipv6");
  });

  it("is one transaction that replaces only its own table", () => {
    const lines = firewallRuleset(["203.0.113.7/32"]).split("\n");
    expect(lines.filter((l) => /^(table|delete table|flush ruleset)/.test(l))).toEqual(["table inet codewhale_remote", "delete table inet codewhale_remote", "table inet codewhale_remote {"]);
  });
});

describe("runtime limits and the pinned commit (config)", () => {
  const problems = (overrides: Record<string, unknown>): string[] => {
    try {
      loadSpec(rawConfig(overrides));
      return [];
    } catch (e) {
      return (e as Error).message.split("\n");
    }
  };

  it("takes percentages and sizes for runtimeMemoryMax and refuses what would starve the agent or is not systemd's syntax", () => {
    expect(spec({ runtimeMemoryMax: "60%" }).runtimeLimits.memoryMax).toBe("60%");
    expect(spec({ runtimeMemoryMax: "1536M" }).runtimeLimits.memoryMax).toBe("1536M");
    for (const bad of ["5%", "128M", "1.5G", "lots", "101%"]) expect(problems({ runtimeMemoryMax: bad }).join("\n"), bad).toMatch(/codewhale-remote:runtimeMemoryMax/);
    expect(problems({ runtimeTasksMax: 10 }).join("\n")).toMatch(/codewhale-remote:runtimeTasksMax/);
  });

  it("pins the tag commit of known versions and asks for codewhaleCommit otherwise", () => {
    expect(spec({ codewhaleVersion: "0.9.9" }).codewhale.commit).toBe("6f3850c3d7f039a88881835f06be20933505696e");
    const missing = problems({ codewhaleVersion: "0.9.42" }).join("\n");
    expect(missing).toMatch(/codewhale-remote:codewhaleCommit/);
    expect(missing).toContain("git rev-parse v0.9.42^{commit}");
    const commit = "0123456789abcdef0123456789abcdef01234567";
    expect(spec({ codewhaleVersion: "0.9.42", codewhaleCommit: commit }).codewhale.commit).toBe(commit);
    expect(problems({ codewhaleCommit: "abc" }).join("\n")).toMatch(/codewhale-remote:codewhaleCommit/);
  });
});
