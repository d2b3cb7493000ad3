/**
 * Finds secret-looking values in text a host receives in clear (Azure customData, user data, run-command
 * scripts). Generic credential formats (private keys, cloud and SaaS tokens, basic-auth URLs) come from
 * secretlint's recommended preset; this project's own secrets are added as patterns: a Telegram bot token,
 * and a literal value assigned to any env var that carries a secret here (every provider's key variables,
 * every bridge's secret and runtime-token variables). Placeholders (`@@CODEWHALE_SECRET:id@@`) and shell
 * expansions (`$VAR`) are references, not values.
 *
 * Findings name the rule and the line, never the value: a violation message must not leak what it found.
 */
import { bridges } from "../bridges/registry";
import { modelProviders } from "../config/model-providers";

export interface SecretFinding {
  /** What it looks like, e.g. "private key", "Telegram bot token". */
  readonly kind: string;
  readonly line: number;
}

/** Env vars whose value is a secret in this project, from the registries (no list to keep in step). */
export function secretEnvNames(): string[] {
  const names = new Set<string>(["CODEWHALE_RUNTIME_TOKEN"]);
  for (const p of modelProviders) p.apiKeyEnv.forEach((n) => names.add(n));
  for (const b of bridges) {
    b.runtimeTokenEnv.forEach((n) => names.add(n));
    b.secrets.forEach((s) => s.env.forEach((n) => names.add(n)));
  }
  return [...names].sort();
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Our own patterns, as secretlint-rule-pattern options (`/regex/flags` strings). */
function projectPatterns(): { id: string; kind: string; pattern: string }[] {
  return [
    // BotFather tokens: `<bot id>:<35 url-safe chars>` (bridges/telegram.ts validates the same shape).
    { id: "codewhale-remote/telegram-bot-token", kind: "Telegram bot token", pattern: String.raw`/\b\d{5,16}:[A-Za-z0-9_-]{30,64}\b/` },
    // secretlint's private-key rule wants a body of 100+ characters; an ed25519 key in PKCS#8 is shorter.
    { id: "codewhale-remote/private-key-block", kind: "private key", pattern: String.raw`/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/` },
    {
      id: "codewhale-remote/secret-env-assignment",
      kind: "a literal value for a secret env var",
      // NAME=value or NAME: value, where value is not empty, not a placeholder and not an expansion.
      pattern: `/\\b(?:${secretEnvNames().map(escape).join("|")})\\s*[=:]\\s*["']?(?!@@CODEWHALE_SECRET:|\\$)[^\\s"'#]{8,}/`,
    },
  ];
}

type Lint = typeof import("@secretlint/core").lintSource;
type RuleCreator = typeof import("@secretlint/secretlint-rule-pattern").creator;
interface Scanner {
  readonly lint: Lint;
  readonly config: Parameters<Lint>[0]["options"]["config"];
  readonly kinds: ReadonlyMap<string, string>;
}

let scanner: Promise<Scanner> | undefined;

// secretlint is ESM-only: loaded with import() once, on first use.
function loadScanner(): Promise<Scanner> {
  scanner ??= (async () => {
    const [{ lintSource }, preset, pattern] = await Promise.all([
      import("@secretlint/core"),
      import("@secretlint/secretlint-rule-preset-recommend"),
      import("@secretlint/secretlint-rule-pattern"),
    ]);
    const own = projectPatterns();
    const patternRule: RuleCreator = pattern.creator;
    return {
      lint: lintSource,
      config: {
        rules: [
          { id: "@secretlint/secretlint-rule-preset-recommend", rule: preset.creator },
          // One rule entry per pattern, so a finding's ruleId says which pattern matched without its value.
          ...own.map((p) => ({ id: p.id, rule: patternRule, options: { patterns: [{ name: p.kind, patterns: [p.pattern] }] } })),
        ],
      },
      // Both private-key rules report the same kind, so a key found by both reads the same either way.
      kinds: new Map([["@secretlint/secretlint-rule-privatekey", "private key"], ...own.map((p) => [p.id, p.kind] as [string, string])]),
    };
  })();
  return scanner;
}

/** Secret-looking values in `text`: one finding per line (1-based), the first rule that matched it. */
export async function findSecretLookingValues(text: string, label: string): Promise<SecretFinding[]> {
  const { lint, config, kinds } = await loadScanner();
  const result = await lint({
    source: { filePath: label, content: text, contentType: "text" },
    options: { config, maskSecrets: true, noPhysicFilePath: true },
  });
  const byLine = new Map<number, SecretFinding>();
  for (const m of result.messages) {
    const line = m.loc.start.line;
    if (!byLine.has(line)) byLine.set(line, { kind: kinds.get(m.ruleId) ?? m.ruleId.replace(/^@secretlint\/secretlint-rule-/, "") + " credential", line });
  }
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}
