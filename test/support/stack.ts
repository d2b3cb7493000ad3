/**
 * Stack configs for tests: a valid baseline (Azure x Telegram x DeepSeek) with recognisable fake secrets,
 * and a way to derive variants. Keys without a namespace are `codewhale-remote:` keys.
 */
import { gunzipSync } from "node:zlib";
import type { RawConfig } from "../../config/load";
import { modelProviders } from "../../config/model-providers";

export const FAKE_SECRETS = {
  providerApiKey: "sk-LEAKCHECK-provider-0123456789abcdef",
  telegramBotToken: "123456789:AAleakcheckTelegramToken0123456789abcd",
  feishuAppSecret: "LeakCheckFeishuSecret0123456789",
  wecomBotSecret: "LeakCheckWecomSecret0123456789abcdefABCDEF012",
} as const;

export const DEV_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJwX2hG8bAcD8aPw9xUcSMcK2ZSCwzTPyPmqm9RFvvO test@example";

export const BASELINE: Readonly<Record<string, unknown>> = {
  "azure-native:location": "westeurope",
  cloud: "azure",
  bridge: "telegram",
  provider: "deepseek",
  sshPublicKey: DEV_KEY,
  sshAllowedCidrs: ["203.0.113.7/32"],
  feishuAppId: "cli_a1b2c3d4e5f6a7b8",
  wecomBotId: "aibLeakCheckWecomBot01",
  ...FAKE_SECRETS,
};

/** Baseline plus overrides; an override of `undefined` removes the key. */
export function rawConfig(overrides: Readonly<Record<string, unknown>> = {}, stack = "test"): RawConfig {
  const merged: Record<string, unknown> = { ...BASELINE, ...overrides };
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(merged)) {
    if (v === undefined) continue;
    const key = k.includes(":") ? k : `codewhale-remote:${k}`;
    values[key] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return { project: "codewhale-remote", stack, values };
}

/**
 * The text plus the decoded form of every long base64 run in it (inflated when it is gzip), so a leak check
 * also sees secrets that were encoded on their way into an input (TAT content, customData).
 */
export function withDecodedBase64(text: string): string {
  const parts = [text];
  for (const m of text.matchAll(/[A-Za-z0-9+/]{64,}={0,2}/g)) {
    let bytes = Buffer.from(m[0], "base64");
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      try {
        bytes = gunzipSync(bytes);
      } catch {
        // not gzip after all: keep the raw bytes
      }
    }
    parts.push(bytes.toString("utf8"));
  }
  return parts.join("\n");
}

/** Overrides that make a valid stack of a provider: a model for custom, a loopback endpoint for keyless ones. */
export function providerOverrides(id: string): Record<string, unknown> {
  const p = modelProviders.find((m) => m.id === id);
  if (!p) throw new Error(`no provider ${id}`);
  if (id === "custom") return { provider: id, providerBaseUrl: "https://llm.example.com/v1", model: "my-model" };
  if (p.keyless) return { provider: id, providerApiKey: undefined, providerBaseUrl: p.defaultBaseUrl.replace("localhost", "127.0.0.1") };
  return { provider: id };
}
