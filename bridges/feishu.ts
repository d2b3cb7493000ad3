import { platformAdapter, type BridgeDefinition } from "./bridge";

/**
 * Feishu / Lark bridge (WebSocket long connection, event `im.message.receive_v1`: no inbound port).
 * Upstream `integrations/feishu-bridge`, depends on `@larksuiteoapi/node-sdk` (installed with `npm ci`).
 * Read at v0.9.5 to v0.9.9 (the bridge, its validator and bridge-core are identical in all five tags).
 *
 * Upstream traps handled here:
 * - Its `scripts/validate-config.mjs` (what its README tells operators to run) knows only the legacy names:
 *   it requires DEEPSEEK_RUNTIME_URL, DEEPSEEK_RUNTIME_TOKEN, DEEPSEEK_WORKSPACE in the bridge file
 *   (src/lib.mjs:102-116), reads the allowlist as DEEPSEEK_CHAT_ALLOWLIST / DEEPSEEK_ALLOW_UNLISTED only
 *   (lib.mjs:157-158) and the token of the runtime file as DEEPSEEK_RUNTIME_TOKEN only (lib.mjs:184-193),
 *   while the bridge reads CODEWHALE_* first and DEEPSEEK_* as the fallback (src/index.mjs:38-47). Both
 *   spellings are written, with the same value, in both files; the runtime reads CODEWHALE_RUNTIME_TOKEN,
 *   then DEEPSEEK_RUNTIME_TOKEN (crates/tui/src/runtime_api.rs:823-825), and passes neither to the commands
 *   it runs (crates/tui/src/child_env.rs:197-293: an allowlist of parent variables).
 * - The allowlist is CODEWHALE_CHAT_ALLOWLIST (there is no FEISHU_CHAT_ALLOWLIST).
 * - The code's default group prefix (/ds, index.mjs:53) disagrees with the docs (/cw), so it is always written.
 * - The SDK's WSClient accepts only app ids `cli_` + 16 hex digits; with any other id `start()` logs
 *   `[ws] invalid appId` and returns, and the bridge stays up receiving nothing (no error, no exit).
 */

/**
 * The app ids the Lark SDK connects with: `@larksuiteoapi/node-sdk` 1.63.1 (the version v0.9.5-v0.9.9's
 * package-lock.json pins), WSClient.start, lib/index.js:85770: `/^cli_[0-9a-fA-F]{16}$/`.
 */
export const FEISHU_APP_ID_PATTERN = /^cli_[0-9a-fA-F]{16}$/;

export const feishuBridge: BridgeDefinition = {
  id: "feishu",
  displayName: "Feishu / Lark",
  integrationDir: "feishu-bridge",
  unitName: "codewhale-feishu-bridge",
  secrets: [
    {
      configKey: "feishuAppSecret",
      secretId: "feishu-app-secret",
      description: "Feishu/Lark app secret, from the app's Credentials & Basic Info page",
      env: ["FEISHU_APP_SECRET"],
      pattern: /^[A-Za-z0-9]{16,64}$/,
      expected: "the app secret from the Feishu/Lark developer console (16-64 letters and digits)",
    },
  ],
  plainKeys: [
    {
      key: "feishuAppId",
      description: "Feishu/Lark App ID: cli_ followed by 16 hex digits, the only form the Lark SDK connects with",
      required: true,
      expected: "the App ID from the app's Credentials & Basic Info page in the developer console: cli_ followed by 16 hexadecimal digits, like cli_a1b2c3d4e5f6a7b8",
      example: "cli_a1b2c3d4e5f6a7b8",
      pattern: FEISHU_APP_ID_PATTERN,
      mismatch: "is not an app id the Lark SDK accepts (cli_ followed by 16 hexadecimal digits): with it the bridge logs '[ws] invalid appId', stays up and receives nothing",
    },
    {
      key: "feishuDomain",
      description: "feishu (open.feishu.cn, mainland China) or lark (open.larksuite.com)",
      required: false,
      default: "feishu",
      values: ["feishu", "lark"],
      expected: "feishu (open.feishu.cn, mainland China) or lark (open.larksuite.com)",
      example: "lark",
    },
  ],
  runtimeTokenEnv: ["CODEWHALE_RUNTIME_TOKEN", "DEEPSEEK_RUNTIME_TOKEN"],
  runtimeFileTokenEnv: ["CODEWHALE_RUNTIME_TOKEN", "DEEPSEEK_RUNTIME_TOKEN"],
  npmDependencies: true,
  env: ({ runtimeUrl, workspace, model, stateDir, settings, values }) => ({
    CODEWHALE_RUNTIME_URL: runtimeUrl,
    DEEPSEEK_RUNTIME_URL: runtimeUrl,
    CODEWHALE_WORKSPACE: workspace,
    DEEPSEEK_WORKSPACE: workspace,
    CODEWHALE_MODEL: model,
    FEISHU_APP_ID: values.feishuAppId ?? "",
    FEISHU_DOMAIN: values.feishuDomain ?? "feishu",
    CODEWHALE_CHAT_ALLOWLIST: settings.allowlist.join(","),
    DEEPSEEK_CHAT_ALLOWLIST: settings.allowlist.join(","),
    CODEWHALE_ALLOW_UNLISTED: String(settings.allowUnlisted),
    DEEPSEEK_ALLOW_UNLISTED: String(settings.allowUnlisted),
    FEISHU_ALLOW_GROUPS: String(settings.allowGroups),
    FEISHU_REQUIRE_PREFIX_IN_GROUP: "true",
    FEISHU_GROUP_PREFIX: settings.groupPrefix,
    FEISHU_THREAD_MAP_PATH: `${stateDir}/thread-map.json`,
  }),
  // The SDK's WSClient holds one WebSocket to the endpoint POST {domain}/callback/ws/endpoint returns and
  // reconnects by itself (@larksuiteoapi/node-sdk 1.63.1 lib/index.js:85420-85470 pullConnectConfig, then
  // connect); upstream replies with receive_id_type chat_id (src/index.mjs:575-578). Allowlist ids may be chat,
  // open, union or user ids (src/lib.mjs:57-63 isAllowed); the watchdog picks receive_id_type by prefix.
  groups: "optional",
  watch: { liveness: "connection", platform: "feishu", adapter: platformAdapter("feishu"), allowlistEnv: "CODEWHALE_CHAT_ALLOWLIST" },
  createSteps: [
    "In the Feishu (open.feishu.cn) or Lark (open.larksuite.com) developer console: create a custom app, enable the Bot capability, subscribe to the event im.message.receive_v1 with 'Receive events through persistent connection', grant im:message and im:message:send_as_bot, publish a version; note the app id (cli_...) and the app secret.",
  ],
  pairingSteps: () => ["With chatAllowlist empty the bot answers any chat with its ids and refuses it: message the bot /status and note the chat id it tells you."],
};
