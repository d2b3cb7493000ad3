/**
 * The stack config contract: bad input is refused before anything is registered, with the full key, what
 * was expected and the fix; every problem at once; never a secret value in a message.
 */
import { generateKeyPairSync } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../config/errors";
import type { LoadOptions } from "../config/load";
import { loadSpec } from "../contract";
import { rawConfig } from "./support/stack";

/** As the program validates: the contract, then the selected cloud's own rules. */
const withCloudRules: LoadOptions = {};

function problemsOf(overrides: Record<string, unknown>, opts: LoadOptions = withCloudRules) {
  try {
    loadSpec(rawConfig(overrides), opts);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

const rsaKey = (bits: number) => {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  const jwk = publicKey.export({ format: "jwk" });
  const mpint = (b64: string) => {
    let b = Buffer.from(b64, "base64url");
    if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const type = Buffer.from("ssh-rsa");
  const tlen = Buffer.alloc(4);
  tlen.writeUInt32BE(type.length);
  return `ssh-rsa ${Buffer.concat([tlen, type, mpint(jwk.e!), mpint(jwk.n!)]).toString("base64")} me@laptop`;
};

describe("a valid config", () => {
  it("becomes a typed spec with documented defaults", () => {
    const { spec, missingSecrets } = loadSpec(rawConfig());
    expect(spec.cloud).toBe("azure");
    expect(spec.bridge.id).toBe("telegram");
    expect(spec.provider.id).toBe("deepseek");
    expect(spec.model).toBe("auto");
    expect(spec.codewhale.version).toBe("0.9.9");
    expect(spec.chat).toMatchObject({ allowlist: [], allowUnlisted: false, allowGroups: false, groupPrefix: "/cw" });
    expect(spec.target.settings).toMatchObject({ architecture: "x64", dataDiskSizeGb: 32, keyVaultRetentionDays: 90 });
    expect((spec.target.settings as { vmSize?: string }).vmSize).toBeUndefined(); // the Azure target picks the default per architecture
    expect(missingSecrets).toEqual([]);
  });

  it("resolves provider aliases to the canonical id", () => {
    expect(loadSpec(rawConfig({ provider: "kimi" })).spec.provider.id).toBe("moonshot");
  });

  it("accepts an RSA key of 3072 bits", () => {
    expect(() => loadSpec(rawConfig({ sshPublicKey: rsaKey(3072) }))).not.toThrow();
  });

  it("accepts the world only with the explicit opt-in", () => {
    expect(() => loadSpec(rawConfig({ sshAllowedCidrs: ["0.0.0.0/0"], allowSshFromAnywhere: true }))).not.toThrow();
  });

  it("does not require a key for keyless providers", () => {
    expect(() => loadSpec(rawConfig({ provider: "vllm", providerApiKey: undefined, providerBaseUrl: "http://127.0.0.1:8000/v1" }))).not.toThrow();
  });

  it("makes every given secret a Pulumi secret", async () => {
    const { spec } = loadSpec(rawConfig());
    for (const value of spec.secrets.values()) expect(await pulumi.isSecret(value)).toBe(true);
    expect([...spec.secrets.keys()].sort()).toEqual(["provider-api-key", "telegram-bot-token"]);
  });
});

/** [what, overrides, full key named, text the problem must contain] */
const badInputs: [string, Record<string, unknown>, string, RegExp][] = [
  ["unknown key, with a did-you-mean", { sshAllowedCidr: ["203.0.113.7/32"] }, "codewhale-remote:sshAllowedCidr", /Did you mean 'sshAllowedCidrs'/],
  ["unknown cloud", { cloud: "azur" }, "codewhale-remote:cloud", /not a supported cloud.*Did you mean 'azure'/],
  ["unknown bridge", { bridge: "telegarm" }, "codewhale-remote:bridge", /Did you mean 'telegram'/],
  ["unknown provider", { provider: "deepsek" }, "codewhale-remote:provider", /Did you mean 'deepseek'/],
  ["unusable provider", { provider: "antigravity" }, "codewhale-remote:provider", /cannot be used/],
  ["malformed CIDR", { sshAllowedCidrs: ["203.0.113.300/32"] }, "codewhale-remote:sshAllowedCidrs[0]", /not a CIDR/],
  ["address without prefix", { sshAllowedCidrs: ["203.0.113.7"] }, "codewhale-remote:sshAllowedCidrs[0]", /without a prefix/],
  ["host bits set", { sshAllowedCidrs: ["203.0.113.7/24"] }, "codewhale-remote:sshAllowedCidrs[0]", /host bits/],
  ["IPv4 world without opt-in", { sshAllowedCidrs: ["203.0.113.7/32", "0.0.0.0/0"] }, "codewhale-remote:sshAllowedCidrs[1]", /whole internet/],
  ["IPv6 world without opt-in", { sshAllowedCidrs: ["::/0"] }, "codewhale-remote:sshAllowedCidrs[0]", /whole internet/],
  ["no CIDR at all", { sshAllowedCidrs: [] }, "codewhale-remote:sshAllowedCidrs", /required and empty/],
  ["not an SSH key", { sshPublicKey: "hello world" }, "codewhale-remote:sshPublicKey", /not an OpenSSH public key/],
  ["pasted private key", { sshPublicKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----" }, "codewhale-remote:sshPublicKey", /PRIVATE key/],
  ["key type and blob disagree", { sshPublicKey: "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIGJwX2hG8bAcD8aPw9xUcSMcK2ZSCwzTPyPmqm9RFvvO x" }, "codewhale-remote:sshPublicKey", /blob holds ssh-ed25519/],
  ["missing SSH key", { sshPublicKey: undefined }, "codewhale-remote:sshPublicKey", /required/],
  ["malformed Telegram token", { telegramBotToken: "not-a-token" }, "codewhale-remote:telegramBotToken", /does not look right/],
  ["missing Telegram token", { telegramBotToken: undefined }, "codewhale-remote:telegramBotToken", /required/],
  ["malformed Feishu app id", { bridge: "feishu", feishuAppId: "app_123" }, "codewhale-remote:feishuAppId", /not an app id the Lark SDK accepts/],
  ["missing Feishu app id", { bridge: "feishu", feishuAppId: undefined }, "codewhale-remote:feishuAppId", /required for bridge feishu/],
  ["missing Feishu secret", { bridge: "feishu", feishuAppSecret: undefined }, "codewhale-remote:feishuAppSecret", /required/],
  ["missing provider key", { providerApiKey: undefined }, "codewhale-remote:providerApiKey", /required/],
  ["newline in the model", { model: "deepseek\nEVIL=1" }, "codewhale-remote:model", /newline/],
  ["$ in the model", { model: "a$(reboot)" }, "codewhale-remote:model", /character \$/],
  ["quote in an allowlist id", { chatAllowlist: ["12'3"] }, "codewhale-remote:chatAllowlist[0]", /chat\/user id/],
  ["comma in an allowlist id", { chatAllowlist: ["1,2"] }, "codewhale-remote:chatAllowlist[0]", /no commas/],
  ["backtick in a secret", { providerApiKey: "sk-abc`reboot`def" }, "codewhale-remote:providerApiKey", /does not look right/],
  ["newline in a secret", { providerApiKey: "sk-abcdef\nX=1" }, "codewhale-remote:providerApiKey", /does not look right/],
  ["non-semver version", { codewhaleVersion: "latest" }, "codewhale-remote:codewhaleVersion", /not an exact version/],
  ["v-prefixed version", { codewhaleVersion: "v0.9.9" }, "codewhale-remote:codewhaleVersion", /not an exact version/],
  ["too old version", { codewhaleVersion: "0.9.4" }, "codewhale-remote:codewhaleVersion", /older than 0\.9\.5/],
  ["custom provider without base URL", { provider: "custom", model: "my-model" }, "codewhale-remote:providerBaseUrl", /required for provider custom/],
  ["custom provider with model auto", { provider: "custom", providerBaseUrl: "https://llm.example.com/v1" }, "codewhale-remote:model", /must name a model/],
  ["plain http to a remote host", { providerBaseUrl: "http://llm.example.com/v1" }, "codewhale-remote:providerBaseUrl", /plain http/],
  ["credentials in the base URL", { providerBaseUrl: "https://user:pw@llm.example.com/v1" }, "codewhale-remote:providerBaseUrl", /credentials/],
  ["http release mirror", { codewhaleReleaseBaseUrl: "http://mirror.example.com/releases" }, "codewhale-remote:codewhaleReleaseBaseUrl", /https/],
  ["groups together with unlisted chats", { allowGroupChats: true, allowUnlistedChats: true }, "codewhale-remote:allowGroupChats", /cannot be true together/],
  ["wrong type", { allowUnlistedChats: "yes" }, "codewhale-remote:allowUnlistedChats", /valid boolean|expected boolean/i],
  ["unknown field in the azure object", { azure: { vmSise: "Standard_B2s" } }, "codewhale-remote:azure.vmSise", /not a known field of azure\. Did you mean 'vmSize'/],
  ["bad azure field", { azure: { dataDiskSizeGb: 2 } }, "codewhale-remote:azure.dataDiskSizeGb", /at least 4/],
  ["bad vnet", { azure: { vnetCidr: "10.0.0.0/30" } }, "codewhale-remote:azure.vnetCidr", /\/28 or larger/],
  ["weak RSA key", { sshPublicKey: "RSA2048" }, "codewhale-remote:sshPublicKey", /2048 bits/],
];

describe("bad input gets a clear error naming the key", () => {
  it.each(badInputs)("%s", (_what, overrides, key, text) => {
    const ov = overrides.sshPublicKey === "RSA2048" ? { ...overrides, sshPublicKey: rsaKey(2048) } : overrides;
    const error = problemsOf(ov);
    const problem = error.problems.find((p) => p.key === key);
    expect(problem, `no problem for ${key} in:\n${error.message}`).toBeDefined();
    expect(problem!.problem).toMatch(text);
    expect(problem!.expected.length).toBeGreaterThan(0);
    expect(problem!.fix).toMatch(/pulumi config|set /);
    expect(error.message).toContain(key);
  });
});

/**
 * The Lark SDK's WSClient (`@larksuiteoapi/node-sdk` 1.63.1, pinned by upstream's feishu-bridge lock file at
 * v0.9.5-v0.9.9; lib/index.js:85770) connects only with an app id matching /^cli_[0-9a-fA-F]{16}$/. Any other
 * id makes `start()` log `[ws] invalid appId` and return: the bridge stays up and never receives a message.
 */
describe("the Feishu app id is held to the Lark SDK's own check", () => {
  const feishu = (feishuAppId: string) => ({ bridge: "feishu", feishuAppId });
  it.each(["cli_a1b2c3d4e5f6a7b8", "cli_A1B2C3D4E5F6A7B8", "cli_0123456789abcdef"])("accepts %s", (id) => {
    expect(loadSpec(rawConfig(feishu(id)), withCloudRules).spec.bridgeValues.feishuAppId).toBe(id);
  });

  it.each([
    ["15 hex digits", "cli_a1b2c3d4e5f6a7b"],
    ["17 hex digits", "cli_a1b2c3d4e5f6a7b8c"],
    ["a letter past f", "cli_g1b2c3d4e5f6a7b8"],
    ["8 letters and digits (accepted before)", "cli_a1b2c3d4"],
    ["an upper-case prefix", "CLI_a1b2c3d4e5f6a7b8"],
    ["no prefix", "a1b2c3d4e5f6a7b8"],
    ["a leading space", " cli_a1b2c3d4e5f6a7b8"],
    ["a trailing newline", "cli_a1b2c3d4e5f6a7b8\n"],
  ])("refuses an id with %s, naming the key, the expected form and the fix", (_what, id) => {
    const error = problemsOf(feishu(id));
    const problem = error.problems.find((p) => p.key === "codewhale-remote:feishuAppId");
    expect(problem, error.message).toBeDefined();
    expect(problem!.problem).toBe(`${JSON.stringify(id)} is not an app id the Lark SDK accepts (cli_ followed by 16 hexadecimal digits): with it the bridge logs '[ws] invalid appId', stays up and receives nothing`);
    expect(problem!.expected).toMatch(/cli_ followed by 16 hexadecimal digits/);
    expect(problem!.fix).toBe("pulumi config set feishuAppId cli_a1b2c3d4e5f6a7b8");
    expect(error.problems.filter((p) => p.key === "codewhale-remote:feishuAppId")).toHaveLength(1);
  });

  it("does not hold an unused app id against a Telegram stack (like the other bridge's secrets)", () => {
    expect(() => loadSpec(rawConfig({ bridge: "telegram", feishuAppId: "app_123" }), withCloudRules)).not.toThrow();
  });
});

describe("reporting", () => {
  it("reports every problem at once, not just the first", () => {
    const error = problemsOf({ cloud: "gcp", sshAllowedCidrs: ["0.0.0.0/0"], model: "a b$", codewhaleVersion: "0.1.0", telegramBotToken: undefined, bogus: 1 });
    const keys = error.problems.map((p) => p.key).sort();
    expect(keys).toEqual(
      [
        "codewhale-remote:bogus",
        "codewhale-remote:cloud",
        "codewhale-remote:codewhaleVersion",
        "codewhale-remote:model",
        "codewhale-remote:sshAllowedCidrs[0]",
        "codewhale-remote:telegramBotToken",
      ].sort(),
    );
  });

  it("gives the exact pulumi command for a missing secret", () => {
    const error = problemsOf({ telegramBotToken: undefined });
    expect(error.problems[0]!.fix).toBe("pulumi config set --secret telegramBotToken <value>");
  });

  it("never shows a secret value, even a malformed one", () => {
    const bad = "sk-SHOULD-NOT-APPEAR`x`";
    const error = problemsOf({ providerApiKey: bad, telegramBotToken: "tg-SHOULD-NOT-APPEAR" });
    expect(error.message).not.toContain("SHOULD-NOT-APPEAR");
    expect(JSON.stringify(error.problems)).not.toContain("SHOULD-NOT-APPEAR");
  });

  it("lists missing secrets instead of failing when asked to (offline plan)", () => {
    const { missingSecrets } = loadSpec(rawConfig({ providerApiKey: undefined, telegramBotToken: undefined }), { allowMissingSecrets: true });
    expect(missingSecrets).toEqual(["codewhale-remote:providerApiKey", "codewhale-remote:telegramBotToken"]);
  });

  it("skips format checks for secrets it cannot decrypt offline", () => {
    const raw = rawConfig({ telegramBotToken: "" });
    const { missingSecrets } = loadSpec({ ...raw, opaqueSecrets: new Set(["codewhale-remote:telegramBotToken"]) });
    expect(missingSecrets).toEqual([]);
  });

  it("a typo in a nested key gets the exact commands that move its value to the key meant", () => {
    const [p] = problemsOf({ azure: { vmsize: "Standard_D2s_v5" } }).problems;
    expect(p!.key).toBe("codewhale-remote:azure.vmsize");
    expect(p!.fix).toBe("pulumi config rm --path 'azure.vmsize' && pulumi config set --path 'azure.vmSize' Standard_D2s_v5");
    const lh = problemsOf({ cloud: "lighthouse", lighthouse: { blueprintId: "lhbp-abc123", zone: "ap-singapore-1", bundelId: "bundle_x" } }).problems.find((x) => x.key === "codewhale-remote:lighthouse.bundelId");
    expect(lh?.fix).toBe("pulumi config rm --path 'lighthouse.bundelId' && pulumi config set --path 'lighthouse.bundleId' bundle_x");
    const far = problemsOf({ azure: { colour: "blue" } }).problems[0]!;
    expect(far.fix).toBe("pulumi config rm --path 'azure.colour'");
  });

  it("a typo in the project namespace is not ignored silently", () => {
    const p = problemsOf({ "codewhale-remot:chatAllowlist": '["123"]' }).problems.find((x) => x.key === "codewhale-remot:chatAllowlist");
    expect(p?.problem).toBe("has the namespace 'codewhale-remot', not this project's 'codewhale-remote', so it is ignored");
    expect(p?.fix).toBe("pulumi config rm 'codewhale-remot:chatAllowlist' && pulumi config set chatAllowlist <value>");
    expect(() => loadSpec(rawConfig({ "azure-native:location": "westeurope", "tencentcloud:region": "ap-singapore" }))).not.toThrow();
  });

  it("a typo in a top-level key gets the commands that move its value, never a secret's", () => {
    expect(problemsOf({ provder: "openai" }).problems[0]!.fix).toBe("pulumi config rm provder && pulumi config set provider openai");
    expect(problemsOf({ sshAllowedCidr: ["203.0.113.7/32"] }).problems.find((p) => p.key === "codewhale-remote:sshAllowedCidr")!.fix).toBe("pulumi config rm sshAllowedCidr && pulumi config set --path 'sshAllowedCidrs[0]' <value>");
    const secret = problemsOf({ telegramBotTokn: "123456:SECRET-VALUE-xyz" });
    expect(secret.problems.find((p) => p.key === "codewhale-remote:telegramBotTokn")!.fix).toBe("pulumi config rm telegramBotTokn && pulumi config set --secret telegramBotToken <value>");
    expect(secret.message).not.toContain("SECRET-VALUE");
  });

  it("an IPv6 address explains /128 for one host, not the /32 of IPv4", () => {
    // The contract's own message (a target with an IPv4-only host replaces it with its own: lighthouse.test.ts).
    const p = problemsOf({ sshAllowedCidrs: ["2001:db8:1:2::7/32"] }, { skipTargetRules: true }).problems[0]!;
    expect(p.problem).toBe("'2001:db8:1:2::7/32' is one IPv6 address with /32: as IPv6 that is a range of 2^96 addresses, not one host (one IPv6 host is /128; if you meant your IPv4 address, it is: curl -4 -s https://ifconfig.me)");
    expect(p.fix).toBe("pulumi config set --path 'sshAllowedCidrs[0]' 2001:db8:1:2::7/128");
    expect(problemsOf({ sshAllowedCidrs: ["2001:db8::7"] }, { skipTargetRules: true }).problems[0]!.fix).toBe("pulumi config set --path 'sshAllowedCidrs[0]' 2001:db8::7/128");
  });

  it.each([
    ["azure", {}, "the Azure host has an IPv4 public address only"],
    ["lighthouse", { lighthouse: { blueprintId: "lhbp-abc123", zone: "ap-singapore-1" } }, "Lighthouse firewall rules (provider v0.2.3) take IPv4 sources only"],
  ])("on %s an IPv6 source gets one problem, with the IPv4 fix that works there", (cloud, extra, why) => {
    for (const cidr of ["2001:db8::7/128", "2001:db8::7/32", "2001:db8::7"]) {
      const problems = problemsOf({ cloud, ...extra, sshAllowedCidrs: [cidr] }).problems.filter((p) => p.key === "codewhale-remote:sshAllowedCidrs[0]");
      expect(problems).toHaveLength(1);
      expect(problems[0]!.problem).toBe(`'${cidr}' is IPv6, but ${why}: SSH from an IPv6 address could never reach it`);
      expect(problems[0]!.fix).toBe(`pulumi config set --path 'sshAllowedCidrs[0]' "$(curl -4 -s https://ifconfig.me)/32"`);
    }
  });

  it("asks for the IPv4 address when refusing the world", () => {
    expect(problemsOf({ sshAllowedCidrs: ["0.0.0.0/0"] }).problems[0]!.expected).toContain("curl -4 -s https://ifconfig.me");
  });

  it("runs the cloud's own rules with the rest", () => {
    const error = problemsOf({ model: "bad model", "azure-native:location": undefined });
    expect(error.problems.map((p) => p.key).sort()).toEqual(["azure-native:location", "codewhale-remote:model"]);
  });

});

describe("group chats the bridge decides about itself", () => {
  const wecom = { bridge: "wecom" };
  const weixin = { bridge: "weixin", wecomBotId: undefined };

  it.each([
    ["wecom", wecom, "allowGroupChats", true],
    ["wecom", wecom, "groupPrefix", "/ds"],
    ["weixin", weixin, "allowGroupChats", true],
    ["weixin", weixin, "groupPrefix", "/cw"],
  ] as const)("%s refuses %s, which it would ignore", (id, base, key, value) => {
    const problem = problemsOf({ ...base, [key]: value }).problems.find((p) => p.key === `codewhale-remote:${key}`);
    expect(problem?.problem).toMatch(new RegExp(`^does not apply to bridge ${id}, which serves`));
    expect(problem?.fix).toBe(`pulumi config rm ${key}`);
  });

  it("wecom refuses allowUnlistedChats: its groups are always on, so any group could drive the agent", () => {
    const problem = problemsOf({ ...wecom, allowUnlistedChats: true }).problems.find((p) => p.key === "codewhale-remote:allowUnlistedChats");
    expect(problem?.problem).toMatch(/any group could then drive the agent/);
  });

  it("a bridge with optional groups still takes both keys, and every bridge loads with neither set", () => {
    expect(() => loadSpec(rawConfig({ bridge: "telegram", allowGroupChats: true, groupPrefix: "/ask" }))).not.toThrow();
    for (const b of [wecom, weixin]) expect(() => loadSpec(rawConfig(b))).not.toThrow();
    expect(() => loadSpec(rawConfig({ ...weixin, allowUnlistedChats: true }))).not.toThrow();
  });
});
