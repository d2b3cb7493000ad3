/**
 * Growth by rows: `config/` and the host payload (`host/`) name no cloud target and no bridge in code, so a new
 * target or bridge is its own folder or file plus a registry row. Comments may mention them (they say where a
 * fact comes from); code may not. A target's region key namespace (azure-native:, tencentcloud:) counts as its name.
 */
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { bridges } from "../bridges/registry";
import { cloudTargets } from "../components/targets";

const ROOT = path.resolve(__dirname, "..");

function files(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : /\.(ts|mjs|sh)$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );
}

/** The code of a file without its comments (line comments, block comments, sh comments). */
function code(file: string): string {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  if (file.endsWith(".sh")) return text.replace(/(^|\s)#.*$/gm, "$1");
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

// "ssh" is also the protocol the host payload configures (sshd, its drop-in); the ssh target's code lives in
// components/ssh, and its id is checked everywhere else.
const GENERIC_WORDS = new Set(["ssh"]);
const names = [
  ...Object.values(cloudTargets).flatMap((t) => [t.id, t.settingsKey, ...(t.region ? [t.region.key.split(":")[0]!] : [])]),
  ...bridges.flatMap((b) => [b.id, b.displayName.split(/[ /]+/)[0]!.toLowerCase()]),
].filter((n) => !GENERIC_WORDS.has(n));

describe("config/ and host/ name no cloud and no bridge in code", () => {
  const checked = [...files("config"), ...files("host")];

  it("reads every file of both folders", () => {
    expect(checked.length).toBeGreaterThan(15);
    expect(names).toEqual(expect.arrayContaining(["azure", "lighthouse", "telegram", "feishu", "azure-native", "tencentcloud"]));
  });

  it.each(checked)("%s", (file) => {
    const found = names.filter((n) => new RegExp(`\\b${n.replace(/[-.]/g, "\\$&")}\\b`, "i").test(code(file)));
    expect(found, `${file} names ${found.join(", ")} in code: move it into the row (components/<id>/ or bridges/<id>.ts)`).toEqual([]);
  });

  it("catches a name in code (the check can fail)", () => {
    const probe = 'const isAzure = spec.cloud === "azure"; // azure';
    expect(names.some((n) => new RegExp(`\\b${n}\\b`, "i").test(probe.replace(/\/\/.*$/, "")))).toBe(true);
  });
});
