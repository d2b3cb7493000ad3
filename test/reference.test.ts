/**
 * The copies in test/reference/ are the team's reference documents, byte for byte. The originals live outside
 * the repository (../shared/reference/); where they are present, any difference fails here, so a changed
 * reference cannot go unnoticed while the tests keep reading a stale copy.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const copies = path.resolve(__dirname, "reference");
const originals = path.resolve(__dirname, "../../shared/reference");
const documents = readdirSync(copies).filter((f) => f !== "README.md");

describe("reference copies", () => {
  it("hold the documents the tests read", () => {
    expect(documents.sort()).toEqual(["codewhale-runtime-contract.md", "tencentcloud-sdk-v0.2.3.json"]);
  });

  it.skipIf(!existsSync(originals)).each(documents)("%s is byte-identical to the shared original", (name) => {
    expect(readFileSync(path.join(copies, name)).equals(readFileSync(path.join(originals, name))), `${name} differs from ${originals}/${name}`).toBe(true);
  });
});
