import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findModelProvider, modelProviderIds, modelProviders } from "../config/model-providers";

// The registry must agree with the contract doc's "Providers" table, row by row. CI clones this repo with
// `shared/` beside it, so the doc lives one level above the repo root.
const contractPath = path.resolve(__dirname, "reference/codewhale-runtime-contract.md");

interface TableRow {
  readonly id: string;
  readonly display: string;
  readonly aliases: string[];
  readonly apiKeyEnv: string[];
  readonly baseUrlEnv: string[];
  readonly defaultBaseUrl: string;
  readonly defaultModel: string;
  readonly keyless: boolean;
  readonly unusable: boolean;
}

/** Drops "(...)" annotations such as "(keyless by default)" or "(plus XIAOMI_MIMO_MODE)". */
const stripParens = (cell: string): string => cell.replace(/\s*\([^)]*\)/g, "").trim();

const splitList = (cell: string): string[] =>
  cell
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");

/**
 * Base-URL env cell: "—" or "config only" = none; "A_/B_/C_BASE_URL" is shorthand for A_BASE_URL,
 * B_BASE_URL, C_BASE_URL; CODEWHALE_BASE_URL (which always works) is not listed in the registry.
 */
function parseBaseUrlEnv(cell: string): string[] {
  const bare = cell.replace(/^\((.*)\)$/, "$1").replace(/\s*\(plus [^)]*\)/, "").trim();
  if (bare === "—" || bare === "config only") return [];
  return splitList(bare)
    .flatMap((item) => {
      const parts = item.split("/");
      // Every prefix before the last part ends in "_" and takes the shared "BASE_URL" suffix.
      return parts.map((part, i) => (i < parts.length - 1 ? `${part}BASE_URL` : part));
    })
    .filter((name) => name !== "CODEWHALE_BASE_URL");
}

/**
 * Parses the markdown table under "## Providers" with plain string splitting on `|` (it is a simple
 * markdown table: no escaped pipes, one row per line). Columns: id | display | API key env | base-URL env |
 * default base URL | default model.
 */
function parseProvidersTable(markdown: string): TableRow[] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => l.startsWith("## Providers"));
  expect(start, "contract doc has a '## Providers' section").toBeGreaterThanOrEqual(0);
  const tableStart = lines.findIndex((l, i) => i > start && l.startsWith("|"));
  const tableLines: string[] = [];
  for (let i = tableStart; i < lines.length && (lines[i] ?? "").startsWith("|"); i++) tableLines.push(lines[i] ?? "");
  // Skip the header row and the |---| separator.
  return tableLines.slice(2).map((line) => {
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    expect(cells, line).toHaveLength(6);
    const [idCell, display, keyCell, baseEnvCell, baseUrlCell, modelCell] = cells as [string, string, string, string, string, string];
    // "moonshot (kimi)", "zai (zhipu, glm)", "xiaomi-mimo (aliases xiaomi, mimo)".
    const idMatch = /^(\S+)(?:\s+\((?:aliases\s+)?([^)]*)\))?$/.exec(idCell);
    expect(idMatch, idCell).not.toBeNull();
    const id = idMatch?.[1] ?? "";
    const isCustom = id === "custom";
    return {
      id,
      // "OpenAI Codex (ChatGPT), OAuth": the OAuth remark is carried in the registry's note, not its name.
      display: display.replace(/, OAuth$/, ""),
      aliases: splitList(idMatch?.[2] ?? ""),
      // custom has no built-in key var; the registry uses our own CODEWHALE_CUSTOM_API_KEY (checked below).
      apiKeyEnv: isCustom ? ["CODEWHALE_CUSTOM_API_KEY"] : splitList(stripParens(keyCell)),
      baseUrlEnv: parseBaseUrlEnv(baseEnvCell),
      // custom's "placeholder" URL/model are not real defaults: the registry requires them to be configured.
      defaultBaseUrl: isCustom ? "" : stripParens(baseUrlCell),
      defaultModel: isCustom ? "" : stripParens(modelCell),
      // "(keyless by default)" for sglang/vllm, "(optional)" for ollama (keyless on localhost per the notes).
      keyless: /keyless|\(optional\)/.test(keyCell),
      unusable: /not usable/.test(modelCell),
    };
  });
}

const table = parseProvidersTable(readFileSync(contractPath, "utf8"));
const envVarName = /^[A-Z][A-Z0-9_]*$/;

describe("model provider registry vs the contract doc's Providers table", () => {
  // "42 ids" in the doc counts custom, as upstream's ProviderKind::ALL does: 41 named providers + custom.
  it("parses the doc's 42 ids (41 providers plus custom)", () => {
    expect(table).toHaveLength(42);
    expect(table[table.length - 1]?.id).toBe("custom");
  });

  it("has the same ids in the same order", () => {
    expect(modelProviderIds).toEqual(table.map((r) => r.id));
    expect(modelProviders.map((p) => p.id)).toEqual(modelProviderIds);
  });

  describe.each(table)("$id", (row) => {
    const provider = findModelProvider(row.id);

    it("exists under its exact id", () => {
      expect(provider?.id).toBe(row.id);
    });
    it("has the display name, aliases and key env vars of the table", () => {
      expect(provider?.displayName).toBe(row.display);
      expect(provider?.aliases).toEqual(row.aliases);
      expect(provider?.apiKeyEnv[0]).toBe(row.apiKeyEnv[0]);
      expect(provider?.apiKeyEnv).toEqual(row.apiKeyEnv);
    });
    it("has the base-URL env vars, default base URL and default model of the table", () => {
      expect(provider?.baseUrlEnv).toEqual(row.baseUrlEnv);
      expect(provider?.defaultBaseUrl).toBe(row.defaultBaseUrl);
      expect(provider?.defaultModel).toBe(row.defaultModel);
    });
    it("is keyless exactly when the table says so, and unusable exactly when the table says so", () => {
      expect(provider?.keyless).toBe(row.keyless);
      expect(provider?.unusable !== undefined).toBe(row.unusable);
    });
  });
});

describe("model provider registry invariants", () => {
  it("has unique ids", () => {
    expect(new Set(modelProviderIds).size).toBe(modelProviderIds.length);
  });

  it("has aliases that never collide with another id or alias, even ignoring case", () => {
    const names = modelProviders.flatMap((p) => [p.id, ...p.aliases].map((n) => n.toLowerCase()));
    const dupes = names.filter((n, i) => names.indexOf(n) !== i);
    expect(dupes).toEqual([]);
  });

  it("resolves ids and aliases, case-insensitively as a fallback, to the canonical row", () => {
    expect(findModelProvider("kimi")?.id).toBe("moonshot");
    expect(findModelProvider("mimo")?.id).toBe("xiaomi-mimo");
    expect(findModelProvider("xiaomi")?.id).toBe("xiaomi-mimo");
    expect(findModelProvider("siliconflow-CN")?.id).toBe("siliconflow-CN");
    expect(findModelProvider("siliconflow-cn")?.id).toBe("siliconflow-CN");
    expect(findModelProvider("SiliconFlow")?.id).toBe("siliconflow");
    expect(findModelProvider("GLM")?.id).toBe("zai");
    expect(findModelProvider(" deepseek ")?.id).toBe("deepseek");
    expect(findModelProvider("unknown")).toBeUndefined();
    expect(findModelProvider("")).toBeUndefined();
  });

  it("names only well-formed env vars", () => {
    for (const p of modelProviders) {
      for (const name of [...p.apiKeyEnv, ...p.baseUrlEnv]) expect(name, p.id).toMatch(envVarName);
      expect(p.apiKeyEnv.length, p.id).toBeGreaterThan(0);
    }
  });

  it("has default base URLs that parse as http(s) URLs, empty only for custom", () => {
    for (const p of modelProviders) {
      if (p.id === "custom") {
        expect(p.defaultBaseUrl).toBe("");
        expect(p.defaultModel).toBe("");
        continue;
      }
      expect(() => new URL(p.defaultBaseUrl), p.id).not.toThrow();
      expect(new URL(p.defaultBaseUrl).protocol, p.id).toMatch(/^https?:$/);
      expect(p.defaultModel, p.id).not.toBe("");
    }
  });

  it("marks antigravity unusable with a reason, and only antigravity", () => {
    expect(findModelProvider("antigravity")?.unusable).toMatch(/fail/);
    expect(modelProviders.filter((p) => p.unusable !== undefined).map((p) => p.id)).toEqual(["antigravity"]);
  });

  it("tells users that OAuth-capable providers are key-only headless, and how custom gets its key", () => {
    expect(findModelProvider("openai-codex")?.note).toMatch(/OAuth.*key-only/);
    expect(findModelProvider("xai")?.note).toMatch(/OAuth.*key-only/);
    expect(findModelProvider("custom")?.note).toContain("api_key_env");
    expect(findModelProvider("xiaomi-mimo")?.note).toContain("https://api.xiaomimimo.com/v1");
    expect(findModelProvider("xiaomi-mimo")?.note).toContain("XIAOMI_MIMO_MODE");
  });
});
