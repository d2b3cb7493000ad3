/**
 * The keys every stack has, whatever its cloud and bridge: kind, default and whether it is secret. The whole
 * contract is this table plus the keys the target and bridge rows declare (config/contract.ts); `Pulumi.yaml`
 * and the README's key tables are generated from it (`npm run contract`), and the loader rejects any key not in
 * it, with a did-you-mean.
 */
export const PROJECT = "codewhale-remote";

export type KeyKind = "string" | "boolean" | "integer" | "array" | "object";

export interface ConfigKey {
  readonly kind: KeyKind;
  readonly description: string;
  /** Default written in Pulumi.yaml and applied by the schema. Absent: optional or required (see schema). */
  readonly default?: string | boolean | number | readonly string[];
  readonly secret?: true;
}

/** Pinned CodeWhale release: the newest published release at the time of writing. */
export const DEFAULT_CODEWHALE_VERSION = "0.9.9";
/** Oldest release whose `serve --http` and bridges match what the payload writes. */
export const MIN_CODEWHALE_VERSION = "0.9.5";
/**
 * The commit each release tag points to (upstream's tags are not signed, so a tag could be moved): the host
 * installs a bridge checkout only if the tag is this commit. From the runtime contract's release table.
 */
export const CODEWHALE_TAG_COMMITS: Readonly<Record<string, string>> = {
  "0.9.5": "853cb707bbcf4f7dc4268fba6d811e0d04083f9c",
  "0.9.6": "9237a5778facc391a5bcffc91e89d8350ba95761",
  "0.9.7": "5e3ac84c5cb925b4c90c34dfe582b75f04605cb1",
  "0.9.8": "f0a5c528f4aa2bd3fe01c8457602a7dca2b02f91",
  "0.9.9": "6f3850c3d7f039a88881835f06be20933505696e",
};
export const DEFAULT_RELEASE_BASE_URL = "https://github.com/Hmbown/CodeWhale/releases/download";
export const DEFAULT_REPO_URL = "https://github.com/Hmbown/CodeWhale.git";

export const configKeys = {
  // The ids of `cloud` and `bridge`, and the keys of each target and bridge, come from their rows (config/contract.ts).
  // Default: the first row of each registry.
  cloud: { kind: "string", description: "Where the agent host runs:" },
  bridge: { kind: "string", description: "Chat bridge:" },
  provider: { kind: "string", default: "deepseek", description: "Model provider id from the CodeWhale catalog, or custom." },
  model: { kind: "string", default: "auto", description: "Model id, or auto for per-turn routing." },
  providerBaseUrl: { kind: "string", description: "Base URL of the provider API; required for provider custom. https, or http only to a loopback host." },
  providerApiKey: { kind: "string", secret: true, description: "API key of the model provider (not needed for keyless providers: vllm, sglang, ollama)." },
  approvalPolicy: { kind: "string", default: "on-request", description: "When the agent asks before acting: on-request, untrusted or never." },
  sshPublicKey: { kind: "string", description: "OpenSSH public key allowed to log in (ssh-ed25519, ecdsa-sha2-* or ssh-rsa of 3072+ bits)." },
  sshAllowedCidrs: { kind: "array", description: "CIDRs allowed to reach TCP 22, e.g. [\"203.0.113.7/32\"]. Nothing else is open inbound." },
  allowSshFromAnywhere: { kind: "boolean", default: false, description: "Explicit opt-in to accept 0.0.0.0/0 or ::/0 in sshAllowedCidrs." },
  chatAllowlist: { kind: "array", default: [], description: "Chat or user ids the bot answers. Empty: the bot tells unknown chats their ids (first pairing)." },
  allowUnlistedChats: { kind: "boolean", default: false, description: "Let chats outside chatAllowlist use the agent. Keep false once paired." },
  allowGroupChats: { kind: "boolean", default: false, description: "Answer in group chats (only with the group prefix). Cannot be combined with allowUnlistedChats." },
  groupPrefix: { kind: "string", default: "/cw", description: "Prefix a group message needs to reach the agent." },
  codewhaleVersion: { kind: "string", default: DEFAULT_CODEWHALE_VERSION, description: `Exact CodeWhale release to run (>= ${MIN_CODEWHALE_VERSION}). Changing it upgrades in place.` },
  codewhaleCommit: { kind: "string", description: "Commit the v<codewhaleVersion> tag must point to; required for a version this program has no pinned commit for." },
  codewhaleSha256: { kind: "string", description: "Optional sha256 of the codewhale-linux-<arch> binary; without it the release's checksum file is used." },
  codewhaleReleaseBaseUrl: { kind: "string", default: DEFAULT_RELEASE_BASE_URL, description: "Where release binaries are downloaded from (<base>/v<version>/codewhale-linux-<arch>), e.g. a mirror." },
  codewhaleRepoUrl: { kind: "string", default: DEFAULT_REPO_URL, description: "Git repository the bridges are checked out from, at tag v<version>." },
  runtimeWorkers: { kind: "integer", default: 2, description: "Runtime worker count (1-8)." },
  runtimeMemoryMax: { kind: "string", default: "75%", description: "Most memory the agent (runtime and every command it runs) may use: a percentage of the host's memory or a size like 1536M; the rest stays for sshd and the bridge." },
  runtimeTasksMax: { kind: "integer", default: 2048, description: "Most processes and threads the agent may run at once (64-65536): a fork bomb stops there." },
} as const satisfies Record<string, ConfigKey>;

export type ConfigKeyName = keyof typeof configKeys;

export const secretKeyNames = (Object.keys(configKeys) as ConfigKeyName[]).filter(
  (k) => (configKeys[k] as ConfigKey).secret === true,
);

/** Full key as the Pulumi CLI shows it, e.g. `codewhale-remote:sshAllowedCidrs[0]` or `codewhale-remote:azure.vmSize`. */
export const fullKey = (path: readonly PropertyKey[]): string => {
  let out = PROJECT + ":";
  path.forEach((p, i) => {
    if (typeof p === "number") out += `[${p}]`;
    else out += (i === 0 ? "" : ".") + String(p);
  });
  return out;
};

/** The `pulumi config set` command that sets a key (with --path for nested keys). */
export function setCommand(path: readonly PropertyKey[], example: string, secret = false): string {
  const nested = path.length > 1;
  const key = fullKey(path).slice(PROJECT.length + 1);
  return `pulumi config set${secret ? " --secret" : ""}${nested ? " --path" : ""} ${nested ? `'${key}'` : key} ${example}`;
}
