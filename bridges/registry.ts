import type { BridgeDefinition } from "./bridge";
import { feishuBridge } from "./feishu";
import { telegramBridge } from "./telegram";
import { wecomBridge } from "./wecom";
import { weixinBridge } from "./weixin";

/** Every chat bridge, one row each. Lark is Feishu with `feishuDomain: lark`. */
export const bridges: readonly BridgeDefinition[] = [telegramBridge, feishuBridge, wecomBridge, weixinBridge];

export const bridgeIds = bridges.map((b) => b.id);

export function findBridge(id: string): BridgeDefinition | undefined {
  return bridges.find((b) => b.id === id);
}
