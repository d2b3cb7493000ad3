/**
 * Stack config -> typed spec, validated once. Every problem is collected (never only the first) and thrown
 * as one ConfigError before any resource is registered. The raw source is a plain map of full keys to
 * string values, as the Pulumi engine passes config to a program (lists and objects JSON-encoded), so the
 * same loader serves `pulumi up` and the offline plan.
 */
import * as pulumi from "@pulumi/pulumi";
import { closest, distance } from "fastest-levenshtein";
import semver from "semver";
import { z } from "zod";
import { contractKeys, type Contract, type TargetRow } from "./contract";
import { ConfigError, type ConfigProblem } from "./errors";
import { PROJECT, configKeys, fullKey, setCommand, MIN_CODEWHALE_VERSION, CODEWHALE_TAG_COMMITS, type ConfigKey } from "./keys";
import { findModelProvider, modelProviderIds } from "./model-providers";
import { PROVIDER_KEY_SECRET, type StackSpec } from "./spec";
import {
  SECRET_TOKEN,
  parseCidr,
  providerUrlProblem,
  sourceUrlProblem,
  sshPublicKeyProblem,
  unsafeCharacterProblem,
} from "./values";

export interface RawConfig {
  readonly project?: string;
  readonly stack: string;
  /** Full key (`codewhale-remote:cloud`, `azure-native:location`) -> value as the engine passes it. */
  readonly values: Readonly<Record<string, string>>;
  /** Secret values present in the stack but unreadable here (offline plan of `secure:` values). */
  readonly opaqueSecrets?: ReadonlySet<string>;
  /**
   * Environment the cloud providers also read their settings from (TENCENTCLOUD_REGION). Read here so that a
   * region given either way is validated before anything is registered.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Provider settings the targets' providers may read from the environment instead of the stack config (TENCENTCLOUD_REGION). */
export function providerEnv(contract: Contract, env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  return Object.fromEntries(contract.targets.flatMap((t) => (t.region?.env ? [[t.region.env, env[t.region.env]]] : [])));
}

export interface LoadOptions {
  /** Offline plan only: report missing secrets instead of failing, and plan with placeholders. */
  readonly allowMissingSecrets?: boolean;
  /** Tests only: leave out the selected target's own rules (TargetRow.validate). */
  readonly skipTargetRules?: boolean;
}

export interface LoadedSpec {
  readonly spec: StackSpec;
  /** Full keys of required secrets with no value (only when allowMissingSecrets). */
  readonly missingSecrets: readonly string[];
}

const CIDR_EXPECTED = "a CIDR: one IPv4 host is a.b.c.d/32 (203.0.113.7/32), one IPv6 host is /128 (2001:db8::7/128)";

function closestWithin(value: string, candidates: readonly string[]): string | undefined {
  const best = closest(value, candidates as string[]);
  return best && distance(value.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function didYouMean(value: string, candidates: readonly string[]): string {
  const best = closestWithin(value, candidates);
  return best ? ` Did you mean '${best}'?` : "";
}

/** A zod issue carrying our three-part message. */
interface Explained {
  readonly problem: string;
  readonly expected: string;
  readonly fix: string;
}

function report(ctx: z.RefinementCtx, path: PropertyKey[], e: Explained): void {
  ctx.addIssue({ code: "custom", path, message: e.problem, params: { expected: e.expected, fix: e.fix } });
}

/** A string that ends up in an env file or a shell line. */
const safeString = (name: string, expected: string, example: string) =>
  z.string().superRefine((v, ctx) => {
    const problem = unsafeCharacterProblem(v);
    if (problem) report(ctx, [], { problem, expected, fix: setCommand([name], example) });
  });

const chatId = z.string().regex(/^[A-Za-z0-9@_.:-]{1,128}$/, "must be a chat/user id or @username (letters, digits, @ _ . : -; no commas or spaces)");

/** The namespace schema over decoded values, common keys first. Cross-key rules live in `crossChecks`. */
const commonShape = {
  // cloud and bridge: their defaults are the first rows (loaderOf).
  cloud: z.string(),
  bridge: z.string(),
  provider: z.string().default("deepseek"),
  model: safeString("model", "a model id or auto", "auto").pipe(
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/, "must be a model id (letters, digits, . _ : / @ + -) or auto"),
  ).default("auto"),
  providerBaseUrl: z.string().optional(),
  providerApiKey: z.string().optional(),
  approvalPolicy: z.enum(["on-request", "untrusted", "never"]).default("on-request"),
  sshPublicKey: z.string().optional(),
  sshAllowedCidrs: z.array(z.string()).optional(),
  allowSshFromAnywhere: z.boolean().default(false),
  chatAllowlist: z.array(chatId).max(100).default([]),
  allowUnlistedChats: z.boolean().default(false),
  allowGroupChats: z.boolean().default(false),
  groupPrefix: z.string().regex(/^\/[A-Za-z0-9_]{1,32}$/, "must be a slash command like /cw").default("/cw"),
  codewhaleVersion: z.string().default(configKeys.codewhaleVersion.default),
  codewhaleCommit: z.string().regex(/^[0-9a-f]{40}$/, "must be a full 40-digit lowercase commit id (git rev-parse v<version>^{commit})").optional(),
  codewhaleSha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits (sha256sum output)").optional(),
  codewhaleReleaseBaseUrl: z.string().default(configKeys.codewhaleReleaseBaseUrl.default),
  codewhaleRepoUrl: z.string().default(configKeys.codewhaleRepoUrl.default),
  runtimeWorkers: z.number().int().min(1).max(8).default(2),
  // systemd's MemoryMax=: a share of physical memory, or bytes with a K/M/G suffix; at least 256M (the runtime and a shell).
  runtimeMemoryMax: z
    .string()
    .regex(/^(?:([1-9]\d?|100)%|(\d+)([KMG]))$/, "must be a percentage like 75% or a size like 1536M (K, M or G)")
    .refine((v) => !/^\d+[KMG]$/.test(v) || Number(v.slice(0, -1)) * { K: 1 / 1024, M: 1, G: 1024 }[v.slice(-1) as "K" | "M" | "G"] >= 256, "must leave the agent at least 256M")
    .refine((v) => !/%$/.test(v) || Number(v.slice(0, -1)) >= 10, "must be at least 10%")
    .default("75%"),
  runtimeTasksMax: z.number().int().min(64).max(65536).default(2048),
};

type Decoded = z.infer<z.ZodObject<typeof commonShape>> & Record<string, unknown>;

/**
 * What the loader knows of a contract, derived once per contract: the whole key table and the schema with every
 * row's keys (a target's settings object with its defaults; a bridge's or target's keys as strings, their
 * formats checked only when the row is selected, so a stale value of another bridge never blocks a deploy).
 */
interface Loader {
  readonly keys: Record<string, ConfigKey>;
  readonly schema: z.ZodObject<z.ZodRawShape>;
  readonly settingsOf: ReadonlyMap<string, TargetRow>;
}
const loaders = new WeakMap<Contract, Loader>();
function loaderOf(contract: Contract): Loader {
  const known = loaders.get(contract);
  if (known) return known;
  const shape: Record<string, z.ZodType> = { ...commonShape, cloud: z.string().default(contract.targets[0]!.id), bridge: z.string().default(contract.bridges[0]!.id) };
  const settingsOf = new Map<string, TargetRow>();
  for (const t of contract.targets) {
    shape[t.settingsKey] = t.settingsSchema.default(t.settingsSchema.parse({}) as never);
    settingsOf.set(t.settingsKey, t);
    for (const s of t.secretKeys ?? []) shape[s.configKey] = z.string().optional();
  }
  for (const b of contract.bridges) {
    for (const s of b.secrets) shape[s.configKey] = z.string().optional();
    for (const k of b.plainKeys) {
      const base = k.values ? z.enum(k.values as [string, ...string[]]) : z.string();
      shape[k.key] = k.default !== undefined ? base.default(k.default) : base.optional();
    }
  }
  const loader = { keys: contractKeys(contract), schema: z.object(shape), settingsOf };
  loaders.set(contract, loader);
  return loader;
}

/** Config values arrive as strings; lists, objects, booleans and numbers are JSON-encoded by the engine. */
function decode(key: ConfigKey, name: string, raw: string): { value?: unknown; problem?: ConfigProblem } {
  if (key.kind === "string") return { value: raw };
  try {
    return { value: JSON.parse(raw) };
  } catch {
    const example = { boolean: "true", integer: "2", array: "'[\"...\"]'", object: "'{...}'" }[key.kind];
    return {
      problem: {
        key: fullKey([name]),
        problem: `is not a valid ${key.kind}`,
        expected: key.description,
        fix: key.kind === "array" || key.kind === "object" ? `set it with --path, e.g. ${setCommand([name, key.kind === "array" ? 0 : "field"], "<value>")}` : setCommand([name], example),
      },
    };
  }
}

function zodProblems(loader: Loader, error: z.ZodError, decoded: Record<string, unknown>): ConfigProblem[] {
  return error.issues.flatMap((issue): ConfigProblem[] => {
    const path = issue.path as PropertyKey[];
    const top = String(path[0]);
    const params = (issue as { params?: { expected?: string; fix?: string } }).params;
    const desc = loader.keys[top]?.description ?? "";
    const secret = loader.keys[top]?.secret === true;
    if (issue.code === "unrecognized_keys") {
      // One problem per unknown field, keyed by the field itself: the fix moves its value to the field meant
      // (`pulumi config set azure <value>` would overwrite the whole object).
      const allowed = Object.keys(loader.settingsOf.get(top)?.settingsSchema.shape ?? {});
      const given = decoded[top] as Record<string, unknown> | undefined;
      return issue.keys.map((k) => {
        const meant = closestWithin(k, allowed);
        const value = given?.[k];
        const example = typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : "<value>";
        return {
          key: fullKey([...path, k]),
          problem: `is not a known field of ${top}.${meant ? ` Did you mean '${meant}'?` : ""}`,
          expected: desc,
          fix: `pulumi config rm --path '${fullKey([...path, k]).slice(PROJECT.length + 1)}'${meant ? ` && ${setCommand([...path, meant], shellWord(example))}` : ""}`,
        };
      });
    }
    return [{
      key: fullKey(path),
      problem: issue.message,
      expected: params?.expected ?? desc,
      fix: params?.fix ?? setCommand(path, "<value>", secret),
    }];
  });
}

/** A value as one shell word in a fix line (config values here are plain: sizes, ids, numbers). */
const shellWord = (v: string) => (/^[A-Za-z0-9_.:/@+-]+$/.test(v) || v === "<value>" ? v : `'${v.replace(/'/g, "'\\''")}'`);

/**
 * Rules that span keys or depend on registries (cloud, bridge, provider rows). Returns the problems and,
 * when they are none, the resolved rows.
 */
function crossChecks(contract: Contract, d: Decoded, raw: RawConfig, opts: LoadOptions, problems: ConfigProblem[], missingSecrets: string[]) {
  const present = (name: string) => raw.values[`${PROJECT}:${name}`] !== undefined;
  const opaque = (name: string) => raw.opaqueSecrets?.has(`${PROJECT}:${name}`) === true;
  const add = (path: PropertyKey[], problem: string, expected: string, fix: string) =>
    problems.push({ key: fullKey(path), problem, expected, fix });

  const targetIds = contract.targets.map((t) => t.id);
  const target = contract.targets.find((t) => t.id === d.cloud);
  if (!target) {
    add(["cloud"], `'${d.cloud}' is not a supported cloud.${didYouMean(d.cloud, targetIds)}`, `one of ${contract.targets.map((t) => `${t.id} (${t.displayName})`).join(", ")}`, setCommand(["cloud"], targetIds[0]!));
  }
  const bridgeIds = contract.bridges.map((b) => b.id);
  const bridge = contract.bridges.find((b) => b.id === d.bridge);
  if (!bridge) {
    add(["bridge"], `'${d.bridge}' is not a supported bridge.${didYouMean(d.bridge, bridgeIds)}`, `one of ${contract.bridges.map((b) => `${b.id} (${b.displayName})`).join(", ")}`, setCommand(["bridge"], bridgeIds[0]!));
  }
  const provider = findModelProvider(d.provider);
  if (!provider) {
    add(["provider"], `'${d.provider}' is not a CodeWhale provider.${didYouMean(d.provider, modelProviderIds)}`, `one of ${modelProviderIds.join(", ")}`, setCommand(["provider"], "deepseek"));
  } else if (provider.unusable) {
    add(["provider"], `'${provider.id}' cannot be used: ${provider.unusable}`, "a usable provider id", setCommand(["provider"], "deepseek"));
  }

  // Secrets: format-checked when readable, required when the bridge/provider rows say so.
  const secret = (name: string, required: boolean, pattern: RegExp, expected: string, example: string, multiline = false, check?: (value: string) => string | undefined) => {
    const value = (d as Record<string, unknown>)[name] as string | undefined;
    if (opaque(name)) return;
    if (value === undefined || value === "") {
      if (!required) return;
      if (opts.allowMissingSecrets) missingSecrets.push(fullKey([name]));
      else add([name], "is required and not set", expected, setCommand([name], example, true));
      return;
    }
    // Never echo the value: describe the problem only.
    if (!pattern.test(value) || (!multiline && unsafeCharacterProblem(value))) {
      add([name], "does not look right (value not shown)", expected, setCommand([name], example, true));
    } else {
      const problem = check?.(value);
      if (problem) add([name], `${problem} (value not shown)`, expected, setCommand([name], example, true));
    }
  };
  if (provider && !provider.unusable) {
    secret("providerApiKey", !provider.keyless, SECRET_TOKEN, `the ${provider.displayName} API key (8-512 printable characters, no quotes, $, backslash or spaces)`, "<api-key>");
    if (provider.id === "custom") {
      if (!d.providerBaseUrl) add(["providerBaseUrl"], "is required for provider custom", "the https base URL of an OpenAI-compatible API", setCommand(["providerBaseUrl"], "https://llm.example.com/v1"));
      if (d.model === "auto") add(["model"], "must name a model for provider custom (auto routing needs a catalog provider)", "the model id your endpoint serves", setCommand(["model"], "my-model"));
    }
  }
  if (d.providerBaseUrl !== undefined) {
    const problem = providerUrlProblem(d.providerBaseUrl) ?? unsafeCharacterProblem(d.providerBaseUrl);
    if (problem) add(["providerBaseUrl"], problem, "an https URL (http only to localhost/127.0.0.1 on the host itself)", setCommand(["providerBaseUrl"], "https://llm.example.com/v1"));
  }
  // Only the selected rows' keys are checked: a stale value of another bridge or target is never used (nor
  // sent anywhere), so it must not block a deploy.
  for (const s of [...(bridge?.secrets ?? []), ...(target?.secretKeys ?? [])]) {
    secret(s.configKey, s.required ?? true, s.pattern, s.expected, "<value>", s.multiline === true, s.problem);
  }
  for (const req of bridge?.plainKeys ?? []) {
    const value = d[req.key];
    if (value === undefined && req.required) add([req.key], `is required for bridge ${bridge?.id}`, req.expected, setCommand([req.key], req.example));
    else if (present(req.key) && req.pattern && !(typeof value === "string" && req.pattern.test(value))) {
      // Plain config, so the value may be shown (JSON-quoted: it may hold a newline).
      add([req.key], `${JSON.stringify(value)} ${req.mismatch ?? `does not match ${req.pattern}`}`, req.expected, setCommand([req.key], req.example));
    }
  }

  // SSH: key and CIDRs are required; the world is refused without the explicit opt-in.
  if (!d.sshPublicKey) {
    add(["sshPublicKey"], "is required and not set", "an OpenSSH public key (the contents of ~/.ssh/id_ed25519.pub)", `pulumi config set sshPublicKey "$(cat ~/.ssh/id_ed25519.pub)"`);
  } else {
    const problem = sshPublicKeyProblem(d.sshPublicKey);
    if (problem) add(["sshPublicKey"], problem, "an OpenSSH public key: ssh-ed25519 AAAA... [comment]", `pulumi config set sshPublicKey "$(cat ~/.ssh/id_ed25519.pub)"`);
  }
  if (!d.sshAllowedCidrs || d.sshAllowedCidrs.length === 0) {
    add(["sshAllowedCidrs"], "is required and empty: nothing could reach SSH", "a list of CIDRs you connect from, e.g. your public IP/32", setCommand(["sshAllowedCidrs", 0], "203.0.113.7/32"));
  } else {
    d.sshAllowedCidrs.forEach((c, i) => {
      const { cidr, problem, suggestion } = parseCidr(c);
      if (!cidr) {
        add(["sshAllowedCidrs", i], `'${c}' ${problem}`, CIDR_EXPECTED, setCommand(["sshAllowedCidrs", i], suggestion ?? "203.0.113.7/32"));
      } else if (cidr.worldOpen && !d.allowSshFromAnywhere) {
        add(
          ["sshAllowedCidrs", i],
          `'${c}' opens SSH to the whole internet`,
          "the CIDRs you connect from (your IPv4 address: curl -4 -s https://ifconfig.me, then append /32)",
          `${setCommand(["sshAllowedCidrs", i], "<your-ip>/32")} (or, to accept the risk, pulumi config set allowSshFromAnywhere true)`,
        );
      }
    });
  }
  if (d.allowGroupChats && d.allowUnlistedChats) {
    add(["allowGroupChats"], "cannot be true together with allowUnlistedChats (any group could then drive the agent; the bridges refuse it too)", "allowUnlistedChats false once paired", "pulumi config set allowUnlistedChats false");
  }
  if (bridge && bridge.groups !== "optional") {
    // The bridge decides about groups itself: a setting it ignores would promise what it does not do.
    const what = bridge.groups === "always" ? `serves allowlisted groups whatever the config says (${bridge.groupsNote ?? "upstream has no switch"})` : `serves direct chats only (${bridge.groupsNote ?? "upstream has no group support"})`;
    for (const name of ["allowGroupChats", "groupPrefix"] as const) {
      if (present(name)) add([name], `does not apply to bridge ${bridge.id}, which ${what}`, `no ${name} with bridge ${bridge.id}`, `pulumi config rm ${name}`);
    }
    if (bridge.groups === "always" && d.allowUnlistedChats) {
      add(["allowUnlistedChats"], `cannot be true with bridge ${bridge.id}: it ${what}, so any group could then drive the agent`, "allowUnlistedChats false, and the chats you use in chatAllowlist", "pulumi config set allowUnlistedChats false");
    }
  }

  const version = d.codewhaleVersion;
  if (!semver.valid(version) || version.startsWith("v")) {
    add(["codewhaleVersion"], `'${version}' is not an exact version`, `an exact release like ${configKeys.codewhaleVersion.default} (no v prefix, no ranges)`, setCommand(["codewhaleVersion"], configKeys.codewhaleVersion.default));
  } else if (semver.lt(version, MIN_CODEWHALE_VERSION)) {
    add(["codewhaleVersion"], `${version} is older than ${MIN_CODEWHALE_VERSION}, the oldest release this program supports`, `${MIN_CODEWHALE_VERSION} or newer`, setCommand(["codewhaleVersion"], configKeys.codewhaleVersion.default));
  } else if (d.codewhaleCommit === undefined && CODEWHALE_TAG_COMMITS[version] === undefined) {
    add(
      ["codewhaleCommit"],
      `is required for codewhaleVersion ${version}: this program pins the tag commits of ${Object.keys(CODEWHALE_TAG_COMMITS).join(", ")} only, and the host installs a checkout only if its tag is the pinned commit (tags are not signed)`,
      `the 40-digit commit that tag v${version} points to, from a clone you trust: git rev-parse v${version}^{commit}`,
      setCommand(["codewhaleCommit"], "<40-digit commit>"),
    );
  }
  for (const name of ["codewhaleReleaseBaseUrl", "codewhaleRepoUrl"] as const) {
    const problem = sourceUrlProblem(d[name]) ?? unsafeCharacterProblem(d[name]);
    if (problem) add([name], problem, configKeys[name].description, setCommand([name], configKeys[name].default));
  }
  return { target, bridge, provider };
}

/** Validates the whole config; throws ConfigError with every problem, or returns the spec. */
export function loadSpecWith(contract: Contract, raw: RawConfig, opts: LoadOptions = {}): LoadedSpec {
  const loader = loaderOf(contract);
  const keys = loader.keys;
  const problems: ConfigProblem[] = [];
  const decoded: Record<string, unknown> = {};
  const names = Object.keys(keys);
  for (const [k, v] of Object.entries(raw.values)) {
    if (!k.startsWith(PROJECT + ":")) {
      // Other namespaces belong to providers (azure-native:, tencentcloud:); one a typo away from ours is ours.
      const ns = k.slice(0, k.indexOf(":"));
      if (ns !== PROJECT && distance(ns.toLowerCase(), PROJECT) <= 3) {
        const rest = k.slice(ns.length + 1);
        problems.push({ key: k, problem: `has the namespace '${ns}', not this project's '${PROJECT}', so it is ignored`, expected: `${PROJECT}:${rest}`, fix: `pulumi config rm '${k}' && pulumi config set ${rest} <value>` });
      }
      continue;
    }
    const name = k.slice(PROJECT.length + 1);
    if (!(name in keys)) {
      const meant = closestWithin(name, names);
      const kind = meant ? keys[meant] : undefined;
      // The value moves to the key meant; a secret's or a list's value is not repeated in a message.
      const scalar = kind && !kind.secret && (kind.kind === "string" || kind.kind === "boolean" || kind.kind === "integer") && !/[\s'"$`\\]/.test(v) ? v : "<value>";
      const setMeant = meant && kind ? setCommand(kind.kind === "array" ? [meant, 0] : kind.kind === "object" ? [meant, "<field>"] : [meant], scalar, kind.secret === true) : undefined;
      problems.push({
        key: k,
        problem: `is not a known key.${didYouMean(name, names)}`,
        expected: `one of ${names.join(", ")}`,
        fix: `pulumi config rm ${name}${setMeant ? ` && ${setMeant}` : " (and set the intended key)"}`,
      });
      continue;
    }
    if (raw.opaqueSecrets?.has(k)) continue;
    const { value, problem } = decode(keys[name]!, name, v);
    if (problem) problems.push(problem);
    else decoded[name] = value;
  }
  const schema = loader.schema;
  let parsed = schema.safeParse(decoded);
  const reported = new Set<string>();
  if (!parsed.success) {
    // Report these, then drop the offending keys and go on, so cross-key rules still report theirs.
    for (const issue of parsed.error.issues) reported.add(String(issue.path[0]));
    problems.push(...zodProblems(loader, parsed.error, decoded));
    for (const k of reported) delete decoded[k];
    parsed = schema.safeParse(decoded);
    if (!parsed.success) throw new ConfigError(problems);
  }
  const d = parsed.data as Decoded;
  const missingSecrets: string[] = [];
  const crossProblems: ConfigProblem[] = [];
  const { target, bridge, provider } = crossChecks(contract, d, raw, opts, crossProblems, missingSecrets);
  problems.push(...crossProblems.filter((p) => !reported.has(p.key.slice(PROJECT.length + 1).split(/[.[]/)[0]!)));
  if (!bridge || !provider || !target || !d.sshPublicKey || !d.sshAllowedCidrs) {
    throw new ConfigError(problems);
  }

  // Every secret is a Pulumi secret from here on, whatever the source said (a plain value given for a
  // secret key in an offline config file included).
  const secrets = new Map<string, pulumi.Output<string>>();
  const secretValue = (name: string) => {
    const v = d[name] as string | undefined;
    return pulumi.secret(v ?? `[unavailable offline: ${fullKey([name])}]`);
  };
  if (d.providerApiKey !== undefined || opaque(raw, "providerApiKey") || !provider.keyless) {
    secrets.set(PROVIDER_KEY_SECRET, secretValue("providerApiKey"));
  }
  for (const s of bridge.secrets) secrets.set(s.secretId, secretValue(s.configKey));
  for (const s of target.secretKeys ?? []) {
    if (d[s.configKey] !== undefined || opaque(raw, s.configKey) || (s.required ?? true)) secrets.set(s.secretId, secretValue(s.configKey));
  }
  const bridgeValues = Object.fromEntries(bridge.plainKeys.flatMap((k) => (typeof d[k.key] === "string" ? [[k.key, d[k.key] as string]] : [])));
  const region = target.region ? raw.values[target.region.key] || (target.region.env ? raw.env?.[target.region.env] : undefined) : undefined;
  const spec: StackSpec = {
    project: raw.project ?? PROJECT,
    stack: raw.stack,
    cloud: target.id,
    target: { id: target.id, settings: d[target.settingsKey], ...(region ? { region } : {}) },
    bridge,
    provider,
    model: d.model,
    ...(d.providerBaseUrl !== undefined ? { providerBaseUrl: d.providerBaseUrl } : {}),
    approvalPolicy: d.approvalPolicy,
    runtimeWorkers: d.runtimeWorkers,
    runtimeLimits: { memoryMax: d.runtimeMemoryMax, tasksMax: d.runtimeTasksMax },
    ssh: { publicKey: d.sshPublicKey.trim(), allowedCidrs: d.sshAllowedCidrs, allowFromAnywhere: d.allowSshFromAnywhere },
    chat: {
      allowlist: d.chatAllowlist,
      allowUnlisted: d.allowUnlistedChats,
      allowGroups: d.allowGroupChats,
      groupPrefix: d.groupPrefix,
    },
    bridgeValues,
    codewhale: {
      version: d.codewhaleVersion,
      commit: d.codewhaleCommit ?? CODEWHALE_TAG_COMMITS[d.codewhaleVersion] ?? "",
      ...(d.codewhaleSha256 !== undefined ? { sha256: d.codewhaleSha256 } : {}),
      releaseBaseUrl: d.codewhaleReleaseBaseUrl.replace(/\/+$/, ""),
      repoUrl: d.codewhaleRepoUrl,
    },
    secrets,
  };
  // Cloud rules need the typed spec; their problems join the others so the user sees all of them at once.
  // Where a cloud has its own rule about an entry (an IPv6 source on an IPv4-only host), its problem replaces the
  // generic one: the generic fix (a /128) would not work there, and two contradicting fixes help nobody.
  const cloudProblems = opts.skipTargetRules ? [] : target.validate(spec);
  const cloudKeys = new Set(cloudProblems.map((p) => p.key));
  const all = [...problems.filter((p) => !cloudKeys.has(p.key)), ...cloudProblems];
  if (all.length > 0) throw new ConfigError(all);
  return { spec, missingSecrets };
}

const opaque = (raw: RawConfig, name: string) => raw.opaqueSecrets?.has(`${PROJECT}:${name}`) === true;

/** The config the Pulumi engine handed this program. */
export function rawConfigFromPulumi(contract: Contract): RawConfig {
  return { project: pulumi.getProject(), stack: pulumi.getStack(), values: pulumi.runtime.allConfig(), env: providerEnv(contract) };
}
