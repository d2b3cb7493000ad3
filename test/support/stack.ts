/**
 * Stack configs for tests: a valid baseline (Azure x Telegram x DeepSeek) with recognisable fake secrets,
 * and a way to derive variants. Keys without a namespace are `codewhale-remote:` keys.
 */
import type { RawConfig } from "../../config/load";

export const FAKE_SECRETS = {
  providerApiKey: "sk-LEAKCHECK-provider-0123456789abcdef",
  telegramBotToken: "123456789:AAleakcheckTelegramToken0123456789abcd",
  feishuAppSecret: "LeakCheckFeishuSecret0123456789",
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
