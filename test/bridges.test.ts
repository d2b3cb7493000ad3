/**
 * What the program writes for each bridge is what upstream's bridge, its config validator and its SDK
 * accept, at the tags the program supports (v0.9.5 to v0.9.9: the bridges, their validators and
 * bridge-core are identical in all five). The stand-ins are the TEST FIXTURES in
 * test/fixtures/boot/bridge-repo (each check mapped to its upstream line in its README); this file also
 * proves they refuse what upstream refuses, so a mismatch like the one they were built for (env names the
 * bridge reads but its validator does not, an app id the SDK drops) fails here before any boot.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { FEISHU_APP_ID_PATTERN } from "../bridges/feishu";
import { bridges, findBridge } from "../bridges/registry";
import { ENV_FILE_CONFIG_DIR } from "../host/delivery";
import { buildConfigFiles } from "../host/host-payload";
import { CONFIG_FILES, RUNTIME_URL, WORKSPACE_DIR } from "../host/model";
import { bridgeStateDir } from "../host/units";
import { loadSpec } from "../contract";
import {
  BRIDGE_INTEGRATIONS,
  envFileOf,
  fakeSecretValues,
  fixtureBridgeConfig,
  fixtureConfigVerdict,
  larkSdkFixtureVerdict,
  runFixtureValidator,
  runValidatorScript,
  upstreamValidatorKind,
} from "./support/bridge-fixtures";
import { FAKE_SECRETS, rawConfig } from "./support/stack";

const TOKEN = "bridgesTestRuntimeToken0123456789abcdefABCDEF";
const secrets = fakeSecretValues(TOKEN);

/** The bridge and runtime env files the program renders for a stack (the same on every cloud). */
function rendered(overrides: Record<string, unknown>) {
  const { spec } = loadSpec(rawConfig(overrides));
  const files = buildConfigFiles(spec, ENV_FILE_CONFIG_DIR);
  return { spec, bridgeEnv: envFileOf(files, CONFIG_FILES.bridge, secrets), runtimeEnv: envFileOf(files, CONFIG_FILES.runtime, secrets) };
}

const codes = (items: readonly { code: string }[] | undefined) => (items ?? []).map((i) => i.code).sort();
/** Drop, or replace, one NAME= line of an env file. */
const without = (text: string, name: string) => text.split("\n").filter((l) => !l.startsWith(`${name}=`)).join("\n");
const withValue = (text: string, name: string, value: string) => `${without(text, name)}\n${name}=${value}\n`;

describe("the Feishu app id check is the Lark SDK's", () => {
  // @larksuiteoapi/node-sdk 1.63.1, WSClient.start (lib/index.js:85770): /^cli_[0-9a-fA-F]{16}$/, else
  // `[ws] invalid appId: <id>` and return. The SDK fixture re-implements it; the config check uses it.
  const ids = [
    "cli_a1b2c3d4e5f6a7b8",
    "cli_A1B2C3D4E5F6A7B8",
    "cli_0123456789abcdef",
    "cli_a1b2c3d4e5f6a7b",
    "cli_a1b2c3d4e5f6a7b8c",
    "cli_g1b2c3d4e5f6a7b8",
    "cli_a1b2c3d4",
    "CLI_a1b2c3d4e5f6a7b8",
    "cli-a1b2c3d4e5f6a7b8",
    "a1b2c3d4e5f6a7b8",
    "cli_a1b2c3d4e5f6a7b8\n",
  ];
  it.each(ids)("%j: the config accepts it exactly when the SDK fixture connects with it", async (id) => {
    const verdict = await larkSdkFixtureVerdict(id);
    expect(verdict.state === "connecting", verdict.logged).toBe(FEISHU_APP_ID_PATTERN.test(id));
    if (verdict.state === "refused") expect(verdict.logged).toContain(`[ws] invalid appId: ${id}`);
    const accepted = (() => {
      try {
        loadSpec(rawConfig({ bridge: "feishu", feishuAppId: id }));
        return true;
      } catch {
        return false;
      }
    })();
    expect(accepted).toBe(verdict.state === "connecting");
  });

  it("has ids on both sides (the table can fail)", async () => {
    const states = await Promise.all(ids.map(async (id) => (await larkSdkFixtureVerdict(id)).state));
    expect(new Set(states)).toEqual(new Set(["connecting", "refused"]));
  });
});

/** [what, stack overrides] for both bridges: pairing states and group settings change what the bridge reads. */
const variants: [string, Record<string, unknown>][] = [
  ["not paired yet", {}],
  ["paired with several chats", { chatAllowlist: ["oc_0123abcd", "ou_4567efgh", "123456789"] }],
  ["first pairing open", { allowUnlistedChats: true }],
  ["groups on, another prefix", { chatAllowlist: ["oc_0123abcd"], allowGroupChats: true, groupPrefix: "/agent" }],
  ["Lark", { feishuDomain: "lark", chatAllowlist: ["ou_4567efgh"] }],
];

/** The variants a bridge's config accepts: one that decides about groups itself refuses the group settings (config/load.ts). */
const accepted = (b: { groups: string }) =>
  variants.filter(([, o]) => b.groups === "optional" || (!("allowGroupChats" in o) && !("groupPrefix" in o) && !(b.groups === "always" && o.allowUnlistedChats === true)));

describe.each(["feishu", "telegram"])("the %s bridge reads what the program writes", (bridgeId) => {
  const bridge = findBridge(bridgeId)!;

  it.each(variants)("%s: its validator passes the env files, seeing the same pairing state", (_what, overrides) => {
    const { spec, bridgeEnv, runtimeEnv } = rendered({ bridge: bridgeId, ...overrides });
    const run = runFixtureValidator(bridge.integrationDir, { bridgeEnv, runtimeEnv }, WORKSPACE_DIR);
    expect(run.result, run.stderr).toBeDefined();
    expect({ status: run.status, errors: run.result!.errors }).toEqual({ status: 0, errors: [] });
    const pairing = spec.chat.allowlist.length > 0 ? [] : [spec.chat.allowUnlisted ? "pairing_mode_open" : "not_paired"];
    // Feishu's validator also warns when the runtime file has no DEEPSEEK_API_KEY (any other provider).
    const apiKey = bridgeId === "feishu" && !runtimeEnv.includes("\nDEEPSEEK_API_KEY=") ? ["missing_api_key"] : [];
    expect(codes(run.result!.warnings)).toEqual([...pairing, ...apiKey].sort());
  });

  it.each(variants)("%s: the bridge resolves the stack's settings from its env file", async (_what, overrides) => {
    const { spec, bridgeEnv } = rendered({ bridge: bridgeId, ...overrides });
    const config = await fixtureBridgeConfig(bridge.integrationDir, bridgeEnv);
    expect(config).toMatchObject({
      runtimeUrl: RUNTIME_URL,
      runtimeToken: TOKEN,
      workspace: WORKSPACE_DIR,
      model: spec.model,
      allowlist: spec.chat.allowlist,
      allowUnlisted: spec.chat.allowUnlisted,
      allowGroups: spec.chat.allowGroups,
      requirePrefixInGroup: true,
      groupPrefix: spec.chat.groupPrefix,
      threadMapPath: `${bridgeStateDir(bridge)}/thread-map.json`,
      ...(bridgeId === "feishu"
        ? { appId: spec.bridgeValues.feishuAppId, appSecret: FAKE_SECRETS.feishuAppSecret, domain: spec.bridgeValues.feishuDomain }
        : { botToken: FAKE_SECRETS.telegramBotToken }),
    });
  });
});

describe("the validator fixtures refuse what upstream's validators refuse", () => {
  const feishu = () => rendered({ bridge: "feishu", chatAllowlist: ["oc_0123abcd"] });
  const telegram = () => rendered({ bridge: "telegram", chatAllowlist: ["123456789"] });
  const validate = (dir: string, files: { bridgeEnv: string; runtimeEnv: string }) => runFixtureValidator(dir, files, WORKSPACE_DIR);

  it("Feishu: a runtime file with the token only as CODEWHALE_RUNTIME_TOKEN (what the program wrote before) fails", () => {
    const { bridgeEnv, runtimeEnv } = feishu();
    const run = validate("feishu-bridge", { bridgeEnv, runtimeEnv: without(runtimeEnv, "DEEPSEEK_RUNTIME_TOKEN") });
    expect({ status: run.status, errors: codes(run.result?.errors) }).toEqual({ status: 1, errors: ["missing_runtime_token"] });
  });

  it("Feishu: an allowlist only as CODEWHALE_CHAT_ALLOWLIST is invisible to it (it reports the host unpaired)", () => {
    const { bridgeEnv, runtimeEnv } = feishu();
    const run = validate("feishu-bridge", { bridgeEnv: without(without(bridgeEnv, "DEEPSEEK_CHAT_ALLOWLIST"), "DEEPSEEK_ALLOW_UNLISTED"), runtimeEnv });
    expect(codes(run.result?.warnings)).toContain("not_paired");
    expect(codes(validate("feishu-bridge", { bridgeEnv, runtimeEnv }).result?.warnings)).not.toContain("not_paired");
  });

  it.each(["DEEPSEEK_RUNTIME_URL", "DEEPSEEK_RUNTIME_TOKEN", "DEEPSEEK_WORKSPACE", "FEISHU_APP_ID", "FEISHU_APP_SECRET", "FEISHU_THREAD_MAP_PATH"])(
    "Feishu: the bridge file without %s fails (required by name, CODEWHALE_* spellings do not count)",
    (name) => {
      const { bridgeEnv, runtimeEnv } = feishu();
      const run = validate("feishu-bridge", { bridgeEnv: without(bridgeEnv, name), runtimeEnv });
      expect(run.status).toBe(1);
      expect(run.result?.errors).toContainEqual({ code: "missing_required", message: `${name} is required` });
    },
  );

  it.each([
    ["a placeholder from .env.example", "feishu-bridge", { FEISHU_APP_SECRET: "replace-with-app-secret" }, "placeholder_value"],
    ["the example app id", "feishu-bridge", { FEISHU_APP_ID: "cli_xxxxxxxxxxxxxxxx" }, "placeholder_value"],
    ["a remote runtime", "feishu-bridge", { DEEPSEEK_RUNTIME_URL: "http://10.0.0.5:7878" }, "remote_runtime_url"],
    ["a relative workspace", "feishu-bridge", { DEEPSEEK_WORKSPACE: "workspace" }, "relative_workspace"],
    ["a domain without the scheme", "feishu-bridge", { FEISHU_DOMAIN: "open.feishu.cn" }, "invalid_domain"],
    ["a bridge token that differs", "feishu-bridge", { DEEPSEEK_RUNTIME_TOKEN: "someOtherToken0123456789" }, "token_mismatch"],
    ["groups with unlisted chats", "feishu-bridge", { DEEPSEEK_ALLOW_UNLISTED: "true", FEISHU_ALLOW_GROUPS: "true" }, "open_group_control"],
    ["a placeholder bot token", "telegram-bridge", { TELEGRAM_BOT_TOKEN: "replace-with-botfather-token" }, "placeholder_value"],
    ["a remote runtime", "telegram-bridge", { CODEWHALE_RUNTIME_URL: "http://10.0.0.5:7878" }, "remote_runtime_url"],
    ["a bridge token that differs", "telegram-bridge", { CODEWHALE_RUNTIME_TOKEN: "someOtherToken0123456789" }, "token_mismatch"],
    ["a reply limit over Telegram's", "telegram-bridge", { TELEGRAM_MAX_REPLY_CHARS: "5000" }, "invalid_max_reply_chars"],
  ] as const)("%s (%s, %o) fails with %s", (_what, dir, changes, code) => {
    const { bridgeEnv, runtimeEnv } = dir === "feishu-bridge" ? feishu() : telegram();
    const changed = Object.entries(changes).reduce((text, [name, value]) => withValue(text, name, value), bridgeEnv);
    const run = validate(dir, { bridgeEnv: changed, runtimeEnv });
    expect(run.status).toBe(1);
    expect(codes(run.result?.errors)).toContain(code);
    // ... and only because of the change: the same files unchanged pass.
    expect(validate(dir, { bridgeEnv, runtimeEnv }).result?.errors).toEqual([]);
  });

  it("Telegram: a runtime file without any token fails; the legacy name alone is accepted (it reads both)", () => {
    const { bridgeEnv, runtimeEnv } = telegram();
    const none = validate("telegram-bridge", { bridgeEnv, runtimeEnv: without(runtimeEnv, "CODEWHALE_RUNTIME_TOKEN") });
    expect(codes(none.result?.errors)).toEqual(["missing_runtime_token"]);
    const legacy = validate("telegram-bridge", { bridgeEnv, runtimeEnv: `${without(runtimeEnv, "CODEWHALE_RUNTIME_TOKEN")}DEEPSEEK_RUNTIME_TOKEN=${TOKEN}\n` });
    expect(legacy.result?.errors).toEqual([]);
  });

  it("the command line: an unknown argument, or an unreadable file, fails with exit 1 and no report", () => {
    const unknown = runValidatorScript("feishu-bridge", ["--allow-remote-runtime"]);
    expect({ status: unknown.status, report: unknown.result }).toEqual({ status: 1, report: undefined });
    expect(unknown.stderr).toContain("unknown argument: --allow-remote-runtime");
    expect(runValidatorScript("telegram-bridge", ["--allow-remote-runtime", "--help"]).status).toBe(0);
    const missing = runValidatorScript("telegram-bridge", ["--env", "/nonexistent/bridge.env", "--json"]);
    expect({ status: missing.status, report: missing.result }).toEqual({ status: 1, report: undefined });
    expect(missing.stderr).toMatch(/^Config validation failed: /);
  });

  it("the bridges refuse to start without what they require, naming it as upstream does", async () => {
    const { bridgeEnv } = feishu();
    await expect(fixtureBridgeConfig("feishu-bridge", without(bridgeEnv, "FEISHU_APP_ID"))).rejects.toThrow("FEISHU_APP_ID is required");
    const tokens = without(without(bridgeEnv, "CODEWHALE_RUNTIME_TOKEN"), "DEEPSEEK_RUNTIME_TOKEN");
    await expect(fixtureBridgeConfig("feishu-bridge", tokens)).rejects.toThrow("CODEWHALE_RUNTIME_TOKEN is required");
    // The bridge itself falls back to the legacy name; only its validator insists on it.
    expect(await fixtureBridgeConfig("feishu-bridge", without(bridgeEnv, "CODEWHALE_RUNTIME_TOKEN"))).toMatchObject({ runtimeToken: TOKEN });
    const { bridgeEnv: tg } = telegram();
    await expect(fixtureBridgeConfig("telegram-bridge", without(tg, "TELEGRAM_BOT_TOKEN"))).rejects.toThrow("TELEGRAM_BOT_TOKEN is required");
    await expect(fixtureBridgeConfig("telegram-bridge", without(tg, "CODEWHALE_RUNTIME_TOKEN"))).rejects.toThrow("CODEWHALE_RUNTIME_TOKEN or DEEPSEEK_RUNTIME_TOKEN is required");
  });
});

describe("the WeCom bridge reads what the program writes", () => {
  const bridge = findBridge("wecom")!;
  const wecom = (over: Record<string, unknown> = {}) => rendered({ bridge: "wecom", ...over });

  it("has no scripts/validate-config.mjs upstream: its check is the library's validateBridgeConfig of the bridge file", async () => {
    expect(upstreamValidatorKind(bridge.integrationDir)).toBe("library");
  });

  it.each(accepted(bridge))("%s: the library validator passes the bridge file, seeing the same pairing state", async (_what, overrides) => {
    const { spec, bridgeEnv, runtimeEnv } = wecom(overrides);
    const v = await fixtureConfigVerdict(bridge.integrationDir, { bridgeEnv, runtimeEnv }, WORKSPACE_DIR);
    expect({ status: v.status, errors: v.errors }).toEqual({ status: 0, errors: [] });
    expect(v.warnings).toEqual(spec.chat.allowlist.length > 0 ? [] : [spec.chat.allowUnlisted ? "pairing_mode_open" : "not_paired"]);
  });

  it.each(accepted(bridge))("%s: the bridge resolves the stack's settings from its env file", async (_what, overrides) => {
    const { spec, bridgeEnv } = wecom(overrides);
    expect(await fixtureBridgeConfig(bridge.integrationDir, bridgeEnv)).toMatchObject({
      botId: spec.bridgeValues.wecomBotId,
      botSecret: FAKE_SECRETS.wecomBotSecret,
      runtimeUrl: RUNTIME_URL,
      runtimeToken: TOKEN,
      workspace: WORKSPACE_DIR,
      model: spec.model,
      allowlist: spec.chat.allowlist,
      allowUnlisted: spec.chat.allowUnlisted,
      threadMapPath: `${bridgeStateDir(bridge)}/thread-map.json`,
    });
  });

  it("refuses to start without the bot id, the secret or the token under its CODEWHALE_ name (the legacy name does not count)", async () => {
    const { bridgeEnv } = wecom({ chatAllowlist: ["zhangsan"] });
    await expect(fixtureBridgeConfig(bridge.integrationDir, without(bridgeEnv, "WECOM_BOT_ID"))).rejects.toThrow("WECOM_BOT_ID is required");
    await expect(fixtureBridgeConfig(bridge.integrationDir, without(bridgeEnv, "WECOM_BOT_SECRET"))).rejects.toThrow("WECOM_BOT_SECRET is required");
    const legacyOnly = withValue(without(bridgeEnv, "CODEWHALE_RUNTIME_TOKEN"), "DEEPSEEK_RUNTIME_TOKEN", TOKEN);
    await expect(fixtureBridgeConfig(bridge.integrationDir, legacyOnly)).rejects.toThrow("CODEWHALE_RUNTIME_TOKEN is required");
    const v = await fixtureConfigVerdict(bridge.integrationDir, { bridgeEnv: legacyOnly, runtimeEnv: "" }, WORKSPACE_DIR);
    expect({ status: v.status, errors: v.errors }).toEqual({ status: 1, errors: ["missing_runtime_token"] });
  });

  // Neither upstream nor the SDK checks the id's format; the validator refuses placeholders, and so does the config.
  const ids: [string, boolean][] = [
    ["aibAbCdEf0123456789", true],
    ["wb-0123456789abcdef", true],
    ["wb-xxxxxxxxxxxxxxxx", false],
    ["replace-with-bot-id", false],
    ["changeme", false],
    ["your-bot-id", false],
    ["abc", false],
    ["aib 0123", false],
    ["aib0123\n", false],
  ];
  it.each(ids)("bot id %j: the config accepts it: %s; the validator never accepts what the config refuses as a placeholder", async (id, ok) => {
    const accepted = (() => {
      try {
        loadSpec(rawConfig({ bridge: "wecom", wecomBotId: id }));
        return true;
      } catch {
        return false;
      }
    })();
    expect(accepted).toBe(ok);
    const { bridgeEnv } = wecom();
    const v = await fixtureConfigVerdict(bridge.integrationDir, { bridgeEnv: withValue(bridgeEnv, "WECOM_BOT_ID", id), runtimeEnv: "" }, WORKSPACE_DIR);
    if (v.errors.includes("placeholder_value")) expect(accepted, "a placeholder to upstream's validator").toBe(false);
  });

  it("a bad bot id is refused before anything is registered, naming the key and the fix", () => {
    const err = (() => {
      try {
        loadSpec(rawConfig({ bridge: "wecom", wecomBotId: "wb-xxxxxxxxxxxxxxxx" }));
      } catch (e) {
        return String(e);
      }
      return "";
    })();
    expect(err).toContain("codewhale-remote:wecomBotId");
    expect(err).toContain("pulumi config set wecomBotId");
    const missing = (() => {
      try {
        loadSpec(rawConfig({ bridge: "wecom", wecomBotId: undefined, wecomBotSecret: undefined }));
      } catch (e) {
        return String(e);
      }
      return "";
    })();
    expect(missing).toContain("codewhale-remote:wecomBotId");
    expect(missing).toContain("codewhale-remote:wecomBotSecret");
  });
});

describe("the Weixin bridge reads what the program writes", () => {
  const bridge = findBridge("weixin")!;
  const weixin = (over: Record<string, unknown> = {}) => rendered({ bridge: "weixin", ...over });

  it("has no validator upstream (no script, no validateBridgeConfig): only its start-up judges the env file", async () => {
    expect(upstreamValidatorKind(bridge.integrationDir)).toBe("none");
  });

  it.each(accepted(bridge))("%s: the bridge resolves the stack's settings, its login kept in its own state dir", async (_what, overrides) => {
    const { spec, bridgeEnv } = weixin(overrides);
    expect(await fixtureBridgeConfig(bridge.integrationDir, bridgeEnv)).toMatchObject({
      runtimeUrl: RUNTIME_URL,
      runtimeToken: TOKEN,
      workspace: WORKSPACE_DIR,
      model: spec.model,
      allowlist: spec.chat.allowlist,
      allowUnlisted: spec.chat.allowUnlisted,
      stateDir: bridgeStateDir(bridge),
      threadMapPath: `${bridgeStateDir(bridge)}/thread-map.json`,
    });
  });

  it("refuses to start without a runtime token, as upstream says it", async () => {
    const { bridgeEnv } = weixin();
    await expect(fixtureBridgeConfig(bridge.integrationDir, without(bridgeEnv, "CODEWHALE_RUNTIME_TOKEN"))).rejects.toThrow("Missing required env: one of CODEWHALE_RUNTIME_TOKEN, DEEPSEEK_RUNTIME_TOKEN");
  });

  it("needs no credential: no secret, no required key; a stack without any bridge credential plans", () => {
    expect({ secrets: bridge.secrets, keys: bridge.plainKeys }).toEqual({ secrets: [], keys: [] });
    const { spec } = loadSpec(rawConfig({ bridge: "weixin", telegramBotToken: undefined, feishuAppSecret: undefined, wecomBotSecret: undefined }));
    expect([...spec.secrets.keys()]).toEqual(["provider-api-key"]);
  });

  it("says how to see the QR login: the admin's SSH command, the journal of its unit", () => {
    const steps = bridge.pairingSteps({ ssh: "ssh azureuser@203.0.113.9", unit: bridge.unitName }).join("\n");
    expect(steps).toContain("ssh azureuser@203.0.113.9 sudo journalctl -u codewhale-weixin-bridge -f");
    expect(steps).toMatch(/QR/);
  });
});

describe("every bridge row agrees with its upstream folder (the fixture of it)", () => {
  it.each(bridges.map((b) => [b.id, b] as const))("%s: npm is needed exactly when the folder has a lock file and dependencies", (_id, b) => {
    const dir = path.join(BRIDGE_INTEGRATIONS, b.integrationDir);
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    expect(b.npmDependencies).toBe(existsSync(path.join(dir, "package-lock.json")) && Object.keys(pkg.dependencies ?? {}).length > 0);
  });

  it.each(bridges.map((b) => [b.id, b] as const))("%s: the env file names the runtime token as the bridge reads it", async (_id, b) => {
    const { bridgeEnv } = rendered({ bridge: b.id });
    for (const name of b.runtimeTokenEnv) expect(bridgeEnv).toContain(`\n${name}=${TOKEN}\n`);
    expect(await fixtureBridgeConfig(b.integrationDir, bridgeEnv)).toMatchObject({ runtimeToken: TOKEN });
  });
});
