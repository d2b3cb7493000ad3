import { platformAdapter, type BridgeDefinition } from "./bridge";

/** Telegram Bot API bridge (long polling: no inbound port). Upstream `integrations/telegram-bridge`, no npm deps. */
export const telegramBridge: BridgeDefinition = {
  id: "telegram",
  displayName: "Telegram",
  integrationDir: "telegram-bridge",
  unitName: "codewhale-telegram-bridge",
  secrets: [
    {
      configKey: "telegramBotToken",
      secretId: "telegram-bot-token",
      description: "Telegram bot token from @BotFather",
      env: ["TELEGRAM_BOT_TOKEN"],
      // BotFather tokens are `<bot id>:<35 url-safe chars>`.
      pattern: /^\d{5,16}:[A-Za-z0-9_-]{30,64}$/,
      expected: "a BotFather token like 123456789:AAH... (digits, a colon, 30+ letters, digits, _ or -)",
    },
  ],
  plainKeys: [],
  // Bridge (src/index.mjs:51) and validator (src/lib.mjs:466, :530 for the runtime file) read
  // CODEWHALE_RUNTIME_TOKEN first, at v0.9.5 to v0.9.9.
  runtimeTokenEnv: ["CODEWHALE_RUNTIME_TOKEN"],
  runtimeFileTokenEnv: ["CODEWHALE_RUNTIME_TOKEN"],
  npmDependencies: false,
  env: ({ runtimeUrl, workspace, model, stateDir, settings }) => ({
    CODEWHALE_RUNTIME_URL: runtimeUrl,
    CODEWHALE_WORKSPACE: workspace,
    CODEWHALE_MODEL: model,
    TELEGRAM_CHAT_ALLOWLIST: settings.allowlist.join(","),
    TELEGRAM_ALLOW_UNLISTED: String(settings.allowUnlisted),
    TELEGRAM_ALLOW_GROUPS: String(settings.allowGroups),
    TELEGRAM_REQUIRE_PREFIX_IN_GROUP: "true",
    TELEGRAM_GROUP_PREFIX: settings.groupPrefix,
    TELEGRAM_THREAD_MAP_PATH: `${stateDir}/thread-map.json`,
  }),
  // Upstream long-polls getUpdates (src/index.mjs:123-160) and starts each turn without awaiting it
  // (startPromptTurn), so a healthy bridge leaves no update pending for long; the API base is
  // TELEGRAM_API_BASE (src/index.mjs:49), which the watchdog honours too.
  groups: "optional",
  watch: { liveness: "pending-updates", platform: "telegram", adapter: platformAdapter("telegram"), allowlistEnv: "TELEGRAM_CHAT_ALLOWLIST" },
  createSteps: ["In Telegram, talk to @BotFather: /newbot, pick a name and a username; it answers with the bot token (123456789:AAH...)."],
  pairingSteps: () => ["With chatAllowlist empty the bot answers any chat with that chat's ids and refuses it: send /status to the bot and note the chat_id it tells you."],
};
