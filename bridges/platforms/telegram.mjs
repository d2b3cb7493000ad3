// The Telegram Bot API as the host's watchdog uses it (host/assets/watchdog.mjs loads this file, shipped beside
// it as chat-platform.mjs, for a bridge whose row says `platform: "telegram"`): whether the bridge still
// receives, and how to tell the owner. Built-ins only, like the watchdog; `request` and `json` are its own
// helpers (their errors never carry the URL, where Telegram puts the token).
export default function telegram({ request, json }) {
  const base = (env) => (env.TELEGRAM_API_BASE || 'https://api.telegram.org').replace(/\/+$/, '');
  return {
    secrets: ['TELEGRAM_BOT_TOKEN'],
    // Bot API getWebhookInfo: pending_update_count, the updates the Bot API holds that no getUpdates has
    // fetched and confirmed. A bridge that long-polls drains them in seconds; if they stay, it is not receiving.
    async pending(env, timeoutMs) {
      const r = await request(`${base(env)}/bot${env.TELEGRAM_BOT_TOKEN}/getWebhookInfo`, { method: 'POST', body: {}, timeoutMs });
      const p = json(r.body);
      if (r.status !== 200 || p?.ok !== true || typeof p.result?.pending_update_count !== 'number') throw new Error(`getWebhookInfo answered ${r.status}`);
      return p.result.pending_update_count;
    },
    async send(env, chats, text, timeoutMs) {
      for (const chat of chats) {
        const r = await request(`${base(env)}/bot${env.TELEGRAM_BOT_TOKEN}/sendMessage`, { method: 'POST', body: { chat_id: chat, text, disable_web_page_preview: true }, timeoutMs });
        if (r.status !== 200 || json(r.body)?.ok !== true) throw new Error(`sendMessage to ${chat} answered ${r.status}`);
      }
    },
  };
}
