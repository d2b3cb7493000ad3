/**
 * The dependencies agree with `engines`: every package in the lock file runs on every Node version the
 * project says it supports. npm ci checks each package's `engines.node` (recorded in package-lock.json)
 * against the running Node and warns EBADENGINE when it does not match; checking against the whole declared
 * range is stronger and needs no network.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version?: string; engines?: Record<string, string> | string[] }>;
};

describe("engines", () => {
  it("every locked package supports every Node the project declares", () => {
    const declared = pkg.engines.node;
    const refusing = Object.entries(lock.packages)
      .filter(([name]) => name !== "")
      .flatMap(([name, p]) => {
        // Old packages write engines as a list of strings ("node >= 0.2.0"); npm ignores that form.
        const node = p.engines && !Array.isArray(p.engines) ? p.engines.node : undefined;
        return node !== undefined && !semver.subset(declared, node) ? [`${name}@${p.version}: engines.node ${node}`] : [];
      });
    expect(refusing, `package.json says node ${declared}, but these packages need more`).toEqual([]);
  });

  it("the Node running the tests is one the project declares", () => {
    expect(semver.satisfies(process.versions.node, pkg.engines.node)).toBe(true);
  });
});
