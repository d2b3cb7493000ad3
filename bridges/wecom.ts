import type { BridgeDefinition } from "./bridge";

/**
 * WeCom (企业微信) "smart robot" bridge: one WebSocket long connection the bridge opens (no inbound port).
 * Upstream `integrations/wecom-bridge`, depends on `@wecom/aibot-node-sdk` (1.0.7 in its package-lock.json),
 * installed with `npm ci`. Read at v0.9.5 to v0.9.9 (the bridge folder and bridge-core are identical in all
 * five tags, and in v0.9.10).
 *
 * What upstream reads (src/index.mjs:36-53): WECOM_BOT_ID, WECOM_BOT_SECRET and CODEWHALE_RUNTIME_TOKEN are
 * required (requiredEnv, which throws: the unit exits and systemd retries), the runtime token under that name
 * only (no DEEPSEEK_* fallback here, unlike the other bridges); WECOM_CHAT_ALLOWLIST, WECOM_ALLOW_UNLISTED,
 * WECOM_THREAD_MAP_PATH, WECOM_MAX_REPLY_CHARS. `.env.example` also lists WECOM_STATE_DIR and WECOM_API_BASE_URL,
 * which no code reads; they are not written.
 * Its only validator is `validateBridgeConfig(env)` in src/lib.mjs:128-170 (no scripts/validate-config.mjs, no
 * runtime-file check): bot id and secret present and not placeholders, runtime URL http(s), runtime token present.
 *
 * Groups: upstream has no group switch and no prefix setting: a group message is taken only with the fixed
 * prefix `/ds` (index.mjs:127-131) and served when the group's chat id or the sender's user id is allowlisted
 * (lib.mjs:57-61). allowGroupChats and groupPrefix therefore do not apply to this bridge (README says so).
 *
 * The SDK (`@wecom/aibot-node-sdk` 1.0.7, dist/index.cjs.js) dials wss://openws.work.weixin.qq.com (:201; the
 * bridge passes no wsUrl), authenticates with an `aibot_subscribe` frame {bot_id, secret} (:345-362) and checks
 * neither value's format: a wrong id or secret is refused by the server, retried 5 times, then given up
 * (:504-522), after which the process stays up without a connection.
 */

/**
 * The bot ids this program accepts. Neither upstream nor the SDK checks a format (see above), so this is what an
 * env file line and the SDK's JSON frame carry unchanged, minus what upstream's validator calls a placeholder
 * (bridge-core/src/lib.mjs:236-244 isPlaceholderValue: containing replace-with or xxxxxxxx, or changeme; the
 * `wb-xxxxxxxxxxxxxxxx` of upstream's DEPLOYMENT.md is one) and upstream's .env.example value.
 */
export const WECOM_BOT_ID_PATTERN = /^(?!.*(?:replace-with|xxxxxxxx))(?!(?:changeme|your-bot-id)$)[A-Za-z0-9_-]{4,64}$/i;

export const wecomBridge: BridgeDefinition = {
  id: "wecom",
  displayName: "WeCom",
  integrationDir: "wecom-bridge",
  unitName: "codewhale-wecom-bridge",
  secrets: [
    {
      configKey: "wecomBotSecret",
      secretId: "wecom-bot-secret",
      description: "Secret of the WeCom smart robot, shown with its BotID in the WeCom admin console",
      env: ["WECOM_BOT_SECRET"],
      // Upstream and the SDK check only that it is present (and, in the validator, not a placeholder); no format is
      // published in what was read. Accepted: one token of letters, digits, _ and - (an env file line carries it
      // unchanged, and the bundle's fill-secrets helper can check it in POSIX ERE). A real secret outside this
      // class would be refused here with this message: widen the class then.
      pattern: /^[A-Za-z0-9_-]{8,128}$/,
      expected: "the Secret shown with the smart robot's BotID in the WeCom admin console (8-128 letters, digits, _ or -)",
    },
  ],
  plainKeys: [
    {
      key: "wecomBotId",
      description: "BotID of the WeCom smart robot, in API mode with a long connection",
      required: true,
      expected: "the BotID of the WeCom smart robot (API mode, long connection), from the WeCom admin console: 4-64 letters, digits, _ or -",
      example: "aibAbCdEf0123456789",
      pattern: WECOM_BOT_ID_PATTERN,
      mismatch: "is not a WeCom BotID (4-64 letters, digits, _ or -, not a placeholder): the bridge would send it in its subscribe frame and WeCom would refuse the connection",
    },
  ],
  runtimeTokenEnv: ["CODEWHALE_RUNTIME_TOKEN"],
  runtimeFileTokenEnv: ["CODEWHALE_RUNTIME_TOKEN"],
  npmDependencies: true,
  env: ({ runtimeUrl, workspace, model, stateDir, settings, values }) => ({
    CODEWHALE_RUNTIME_URL: runtimeUrl,
    CODEWHALE_WORKSPACE: workspace,
    CODEWHALE_MODEL: model,
    WECOM_BOT_ID: values.wecomBotId ?? "",
    WECOM_CHAT_ALLOWLIST: settings.allowlist.join(","),
    WECOM_ALLOW_UNLISTED: String(settings.allowUnlisted),
    WECOM_THREAD_MAP_PATH: `${stateDir}/thread-map.json`,
  }),
  // One WebSocket, held by the SDK with heartbeats (dist/index.cjs.js:445-495) and reconnects (:504-540); after
  // 10 failed reconnects, 5 refused logins, or a `disconnected_event` (another connection of the same bot took
  // over, :383-398: no reconnect) the process stays up with no connection, which this kind sees. Alerts are off:
  // the smart robot sends only over that long connection (aibot_send_msg, :1153), one per bot, and a second one
  // (the watchdog's) would take it over from the bridge; WeCom offers the bot no HTTP send API.
  groups: "always",
  groupsNote: "a group message is taken with the fixed prefix /ds when the group's chat id or the sender's user id is allowlisted: index.mjs:127-131, lib.mjs:57-61",
  watch: {
    liveness: "connection",
    platform: null,
    alertsOff: "a WeCom smart robot sends only over its one long connection, which the bridge holds; a second connection (the watchdog's) would take it over",
  },
  createSteps: [
    "In the WeCom admin console (work.weixin.qq.com, as an admin): Workbench / 应用管理 -> 智能机器人 (smart robot) -> create one in API mode with a long connection (not the callback URL mode); note its BotID and Secret.",
  ],
  pairingSteps: () => [
    "With chatAllowlist empty the bot answers any message with its chat_id and user_id and refuses it: message the bot in WeCom and note your user_id (in a group, messages need the prefix /ds; the group's chat_id works too).",
  ],
};
