import type { BridgeDefinition } from "./bridge";

/**
 * Feishu / Lark bridge (WebSocket long connection, event `im.message.receive_v1`: no inbound port).
 * Upstream `integrations/feishu-bridge`, depends on `@larksuiteoapi/node-sdk` (installed with `npm ci`).
 * Upstream traps handled here: its validator still requires the legacy DEEPSEEK_* runtime vars (written
 * alongside the new names), the allowlist is CODEWHALE_CHAT_ALLOWLIST (there is no FEISHU_CHAT_ALLOWLIST),
 * and the code's default group prefix (/ds) disagrees with the docs (/cw), so it is always written.
 */
export const feishuBridge: BridgeDefinition = {
  id: "feishu",
  displayName: "Feishu / Lark",
  integrationDir: "feishu-bridge",
  unitName: "codewhale-feishu-bridge",
  secrets: [
    {
      configKey: "feishuAppSecret",
      secretId: "feishu-app-secret",
      env: ["FEISHU_APP_SECRET"],
      pattern: /^[A-Za-z0-9]{16,64}$/,
      expected: "the app secret from the Feishu/Lark developer console (16-64 letters and digits)",
    },
  ],
  requiredConfig: [
    { key: "feishuAppId", expected: "the app id from the developer console, like cli_a1b2c3d4e5f6a7b8", example: "cli_a1b2c3d4e5f6a7b8" },
  ],
  runtimeTokenEnv: ["CODEWHALE_RUNTIME_TOKEN", "DEEPSEEK_RUNTIME_TOKEN"],
  npmDependencies: true,
  env: ({ runtimeUrl, workspace, model, stateDir, settings }) => ({
    CODEWHALE_RUNTIME_URL: runtimeUrl,
    DEEPSEEK_RUNTIME_URL: runtimeUrl,
    CODEWHALE_WORKSPACE: workspace,
    DEEPSEEK_WORKSPACE: workspace,
    CODEWHALE_MODEL: model,
    FEISHU_APP_ID: settings.feishuAppId ?? "",
    FEISHU_DOMAIN: settings.feishuDomain,
    CODEWHALE_CHAT_ALLOWLIST: settings.allowlist.join(","),
    CODEWHALE_ALLOW_UNLISTED: String(settings.allowUnlisted),
    FEISHU_ALLOW_GROUPS: String(settings.allowGroups),
    FEISHU_REQUIRE_PREFIX_IN_GROUP: "true",
    FEISHU_GROUP_PREFIX: settings.groupPrefix,
    FEISHU_THREAD_MAP_PATH: `${stateDir}/thread-map.json`,
  }),
  createSteps: [
    "In the Feishu (open.feishu.cn) or Lark (open.larksuite.com) developer console: create a custom app, enable the Bot capability, subscribe to the event im.message.receive_v1 with 'Receive events through persistent connection', grant im:message and im:message:send_as_bot, publish a version; note the app id (cli_...) and the app secret.",
  ],
  pairingSteps: ["With chatAllowlist empty the bot answers any chat with its ids and refuses it: message the bot /status and note the chat id it tells you."],
};
