/**
 * What a chat bridge needs from the host, declared as data, its config keys included. The core (payload
 * builder, config loader, cloud targets) reads these fields and never switches on a bridge's name: adding a
 * bridge is one file plus a row in `bridges/registry.ts`.
 */
import * as path from "node:path";
import type { PlainKeyRow, SecretKeyRow } from "../config/contract";

/**
 * The host-side module of a chat platform the watchdog alerts through (bridges/platforms/<name>.mjs): built-ins
 * only, default export `({ request, json }) => ({ secrets, send, pending? })`. The payload ships it beside the
 * watchdog, which names no platform itself.
 */
export const platformAdapter = (name: string): string => path.join(__dirname, "platforms", `${name}.mjs`);

/** A secret config key of the bridge, and the env vars of the bridge process that receive the value. */
export interface BridgeSecret extends SecretKeyRow {
  readonly env: readonly string[];
}

/** Plain (non-secret) config the bridge reads, resolved by the loader from the stack config. */
export interface BridgeSettings {
  readonly allowlist: readonly string[];
  readonly allowUnlisted: boolean;
  readonly allowGroups: boolean;
  readonly groupPrefix: string;
}

export interface BridgeEnvContext {
  readonly runtimeUrl: string;
  readonly workspace: string;
  readonly model: string;
  readonly stateDir: string;
  readonly settings: BridgeSettings;
  /** This bridge's own plain keys (`plainKeys`), defaults applied; a key without value or default is absent. */
  readonly values: Readonly<Record<string, string>>;
}

/**
 * How the host's watchdog tells that the bridge still receives, and how it writes to the owner, declared per
 * bridge (the watchdog reads the kinds, never a bridge's name):
 * - liveness "pending-updates": the platform holds the updates the bridge has not fetched (Telegram's
 *   getWebhookInfo pending_update_count); updates that stay pending mean a bridge that is not polling.
 * - liveness "connection": the bridge receives over one long-lived connection it opens (a WebSocket); no open
 *   TCP connection of the bridge's user other than to the runtime means it is not receiving.
 * - liveness "any-connection": the bridge long-polls the platform and serves one message at a time, polling
 *   again only when the turn is over; it holds the poll's connection while it waits and the runtime's event
 *   stream while a turn runs, so no open TCP connection of the bridge's user at all means it does neither.
 * - platform: the API the alerts go through, with the bridge's own credentials (its env file); adapter: its
 *   host-side module (platformAdapter(platform)), which the watchdog loads.
 * - allowlistEnv: the env name of the bridge file whose chats get the alerts.
 * - alertsOff: instead of platform and allowlistEnv, why the host cannot write to the owner through this
 *   bridge's platform (alerts are then only journal lines).
 */
export type BridgeWatch =
  | {
      readonly liveness: "pending-updates" | "connection" | "any-connection";
      readonly platform: string;
      readonly adapter: string;
      readonly allowlistEnv: string;
    }
  | {
      readonly liveness: "pending-updates" | "connection" | "any-connection";
      readonly platform: null;
      readonly alertsOff: string;
    };

/** Where the pairing steps may point the user: the admin's SSH command for this host, and the bridge unit. */
export interface PairingContext {
  /** e.g. `ssh azureuser@203.0.113.7` */
  readonly ssh: string;
  /** The bridge's systemd unit, without `.service`. */
  readonly unit: string;
}

export interface BridgeDefinition {
  readonly id: string;
  readonly displayName: string;
  /** Folder under the upstream repo's `integrations/`, next to `integrations/bridge-core`. */
  readonly integrationDir: string;
  /** systemd unit name without `.service`. */
  readonly unitName: string;
  readonly secrets: readonly BridgeSecret[];
  /** Plain config keys of this bridge (its app id, its domain); `required` ones it cannot start without. */
  readonly plainKeys: readonly PlainKeyRow[];
  /** Env vars of the bridge file that must carry the runtime token (some bridges still read legacy names). */
  readonly runtimeTokenEnv: readonly string[];
  /**
   * Names the runtime env file must carry the token under, besides the runtime's own
   * CODEWHALE_RUNTIME_TOKEN: upstream's `validate-config.mjs --runtime-env` reads the runtime file too, and a
   * bridge's validator may know only a legacy name there.
   */
  readonly runtimeFileTokenEnv: readonly string[];
  /** True when the bridge folder has npm dependencies to install (`npm ci --omit=dev`). */
  readonly npmDependencies: boolean;
  /** Non-secret environment of the bridge process. Values must be single-line. */
  env(ctx: BridgeEnvContext): Readonly<Record<string, string>>;
  readonly watch: BridgeWatch;
  /**
   * Group chats as the bridge serves them:
   * - "optional": off unless allowGroupChats, and then only with groupPrefix (the bridge reads both);
   * - "always": the bridge serves allowlisted groups whatever the config says, with a prefix of its own;
   * - "never": direct chats only.
   * For "always" and "never" allowGroupChats and groupPrefix do not apply (set, they are refused, with `groupsNote`);
   * with "always", allowUnlistedChats is refused too: any group could then drive the agent.
   */
  readonly groups: "optional" | "always" | "never";
  /** What the bridge does with groups, for the errors (upstream's behaviour, with its source). */
  readonly groupsNote?: string;
  /**
   * Where to create the bot/app, before anything is deployed (the bridge cannot start without its credentials).
   * Console steps only: how the credentials are stored differs by route (Pulumi config or the bundle's
   * fill-secrets helper) and is said by the README, nextSteps and the runbook from `secrets`.
   */
  readonly createSteps: readonly string[];
  /** The first pairing after the host is up, up to the chat id: the allowlist step is the same for every bridge. */
  pairingSteps(at: PairingContext): readonly string[];
}
