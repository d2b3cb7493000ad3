import type { BridgeDefinition } from "./bridge";

/**
 * Weixin (personal WeChat) bridge through Tencent's iLink bot protocol: long polling, no inbound port; upstream
 * marks it experimental. Upstream `integrations/weixin-bridge`, read at v0.9.5 to v0.9.9 (identical in all five
 * tags and in v0.9.10). It has no npm dependencies (package.json has none and there is no lock file), so npm is
 * not installed for it.
 *
 * No credential is configured: at its first start the bridge asks the iLink login host (the constant
 * https://ilinkai.weixin.qq.com, src/lib.mjs:107, not configurable) for a QR code and prints the link on stdout
 * (src/index.mjs:884-892), i.e. to the journal; it waits up to 5 minutes for the scan (index.mjs:894), else exits 1
 * (systemd starts it again, with a new code). The login (bot token, account id, the base URL to poll) is saved as
 * `account.json` in WEIXIN_STATE_DIR (index.mjs:43-66, mode 0600) with the poll cursor `sync-buf.txt`; later
 * starts reuse it (index.mjs:878-883). The state dir is the bridge's own StateDirectory on the data disk, so the
 * login outlives restarts, upgrades and a replaced host; only the bridge's user can read it (the bot token is a
 * secret at rest there, never in config or the bundle).
 *
 * What upstream reads (index.mjs:106-175): the runtime token as envFirst(CODEWHALE_RUNTIME_TOKEN,
 * DEEPSEEK_RUNTIME_TOKEN), required (exit 1 without); WEIXIN_* first, then the deprecated WEXIN_* spelling, and
 * for the allowlist CODEWHALE_/DEEPSEEK_CHAT_ALLOWLIST after that. It has no validator at all (no
 * validateBridgeConfig, no scripts/). Direct chats only (README: 仅支持私聊): allowGroupChats and groupPrefix do
 * not apply.
 */
export const weixinBridge: BridgeDefinition = {
  id: "weixin",
  displayName: "Weixin (WeChat)",
  integrationDir: "weixin-bridge",
  unitName: "codewhale-weixin-bridge",
  secrets: [],
  plainKeys: [],
  runtimeTokenEnv: ["CODEWHALE_RUNTIME_TOKEN"],
  runtimeFileTokenEnv: ["CODEWHALE_RUNTIME_TOKEN"],
  npmDependencies: false,
  env: ({ runtimeUrl, workspace, model, stateDir, settings }) => ({
    CODEWHALE_RUNTIME_URL: runtimeUrl,
    CODEWHALE_WORKSPACE: workspace,
    CODEWHALE_MODEL: model,
    WEIXIN_CHAT_ALLOWLIST: settings.allowlist.join(","),
    WEIXIN_ALLOW_UNLISTED: String(settings.allowUnlisted),
    WEIXIN_STATE_DIR: stateDir,
    WEIXIN_THREAD_MAP_PATH: `${stateDir}/thread-map.json`,
  }),
  // The monitor loop long-polls ilink/bot/getupdates and awaits each message's handling, a whole turn included
  // (index.mjs:716-852, `await handleCommand` at :824), so during a turn it holds the runtime's event stream instead of a
  // poll. Alerts are off: iLink sends only as a reply in a conversation the user opened (sendmessage carries the
  // context_token of the user's last message, index.mjs:224-248), and its bot token is the bridge's saved login,
  // not a credential the host's config holds.
  groups: "never",
  groupsNote: "upstream's README: 仅支持私聊, direct chats only",
  watch: {
    liveness: "any-connection",
    platform: null,
    alertsOff: "iLink sends only as a reply within a conversation the user opened (the context_token of their last message), with the bridge's own saved login",
  },
  createSteps: [
    "Nothing to create: the bridge logs in as a personal WeChat account by QR code at its first start (upstream marks this bridge experimental). Keep the WeChat app of the account that is to be the bot at hand.",
  ],
  pairingSteps: ({ ssh, unit }) => [
    `At its first start the bridge prints a QR login link to its log: ${ssh} sudo journalctl -u ${unit} -f, open the link, scan it with WeChat and confirm (a code is valid for 5 minutes; then the bridge restarts with a new one). The login is saved in the bridge's state on the data disk and reused by every later start.`,
    "With chatAllowlist empty the bot answers any message with the sender's user_id and refuses it: send the bot /status in WeChat and note the user_id it tells you.",
  ],
};
