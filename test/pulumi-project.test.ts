/**
 * Pulumi.yaml declares the same config contract as the rows (contract.ts: keys, types, defaults, secret flags),
 * so `pulumi config` users and the program agree; every stack file in the repo is a valid plan input.
 */
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { ConfigKey } from "../config/keys";
import { CONFIG_KEYS as configKeys } from "../contract";
import { PULUMI_YAML, README, renderPulumiYaml, renderReadme } from "../scripts/contract";

const root = path.resolve(__dirname, "..");
const project = parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
  name: string;
  runtime: { name: string };
  config: Record<string, { type?: string; default?: unknown; secret?: boolean; description?: string; items?: { type: string } }>;
};

describe("Pulumi.yaml", () => {
  it("is the codewhale-remote nodejs project", () => {
    expect(project.name).toBe("codewhale-remote");
    expect(project.runtime.name).toBe("nodejs");
  });

  it("declares exactly the keys of the contract", () => {
    expect(Object.keys(project.config).sort()).toEqual(Object.keys(configKeys).sort());
  });

  it.each(Object.entries(configKeys))("declares %s with the contract's type, default and secrecy", (name, key: ConfigKey) => {
    const decl = project.config[name]!;
    expect(decl.description, name).toBeTruthy();
    if (key.kind === "object") expect(decl.type).toBeUndefined(); // Pulumi has no declared object type
    else expect(decl.type).toBe(key.kind);
    if (key.kind === "array") expect(decl.items).toEqual({ type: "string" });
    expect(decl.default).toEqual(key.default);
    expect(decl.secret === true).toBe(key.secret === true);
    // A secret never gets a default (it would sit in plain text in Pulumi.yaml).
    if (key.secret) expect(decl.default).toBeUndefined();
  });
});

describe("the generated contract docs", () => {
  it.each([
    ["Pulumi.yaml", PULUMI_YAML, renderPulumiYaml],
    ["README.md", README, renderReadme],
  ] as const)("%s is what the rows say (npm run contract rewrites it)", (_name, file, render) => {
    const current = readFileSync(file, "utf8");
    expect(render(current)).toBe(current);
  });

  it("a new row's key shows up in both (the check can fail)", () => {
    const yamlText = readFileSync(PULUMI_YAML, "utf8");
    expect(renderPulumiYaml(yamlText.replace(/^  groupPrefix:\n(    .*\n)+/m, ""))).toBe(yamlText);
    expect(renderReadme(readFileSync(README, "utf8").replace(/^\| `groupPrefix` .*\n/m, ""))).toContain("| `groupPrefix` |");
  });
});

describe("stack files", () => {
  const stacks = readdirSync(root).filter((f) => /^Pulumi\..+\.yaml$/.test(f));

  it("exist, and hold no secret in plain text", () => {
    expect(stacks).toContain("Pulumi.dev.yaml");
    for (const file of stacks) {
      const config = (parse(readFileSync(path.join(root, file), "utf8")) as { config: Record<string, unknown> }).config;
      for (const [k, v] of Object.entries(config)) {
        const name = k.split(":")[1] ?? k;
        if ((configKeys as Record<string, ConfigKey>)[name]?.secret) expect(v, `${file} ${k}`).toMatchObject({ secure: expect.any(String) });
      }
    }
  });
});
