// The Feishu / Lark open platform as the host's watchdog uses it (host/assets/watchdog.mjs loads this file,
// shipped beside it as chat-platform.mjs, for a bridge whose row says `platform: "feishu"`): how to tell the
// owner, with the app's own credentials. Built-ins only, like the watchdog; `request` and `json` are its own.
export default function feishu({ request, json }) {
  const base = (env) => {
    const d = (env.FEISHU_DOMAIN || 'feishu').trim();
    return (d.toLowerCase() === 'feishu' ? 'https://open.feishu.cn' : d.toLowerCase() === 'lark' ? 'https://open.larksuite.com' : d).replace(/\/+$/, '');
  };
  // Feishu's id prefixes: oc_ chats, ou_ open ids, on_ union ids; anything else is a user id.
  const receiveIdType = (id) => (id.startsWith('oc_') ? 'chat_id' : id.startsWith('ou_') ? 'open_id' : id.startsWith('on_') ? 'union_id' : 'user_id');
  return {
    secrets: ['FEISHU_APP_SECRET'],
    async send(env, chats, text, timeoutMs) {
      const t = await request(`${base(env)}/open-apis/auth/v3/tenant_access_token/internal`, { method: 'POST', body: { app_id: env.FEISHU_APP_ID, app_secret: env.FEISHU_APP_SECRET }, timeoutMs });
      const token = json(t.body);
      if (t.status !== 200 || token?.code !== 0 || typeof token.tenant_access_token !== 'string') throw new Error(`tenant_access_token answered ${t.status} code ${token?.code}`);
      for (const chat of chats) {
        const r = await request(`${base(env)}/open-apis/im/v1/messages?receive_id_type=${receiveIdType(chat)}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token.tenant_access_token}` },
          body: { receive_id: chat, msg_type: 'text', content: JSON.stringify({ text }) },
          timeoutMs,
        });
        if (r.status !== 200 || json(r.body)?.code !== 0) throw new Error(`im/v1/messages to ${chat} answered ${r.status} code ${json(r.body)?.code}`);
      }
    },
  };
}
