/**
 * `--out <dir>` never deletes what it did not write: each way a user's directory can meet the bundle writer.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BUNDLE_MARKER, BundleDirError, writeBundle } from "../scripts/write-bundle";

const tmp = mkdtempSync(path.join(tmpdir(), "codewhale-out-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = () => path.join(tmp, `case-${n++}`);

const v1 = { "bootstrap.sh": "#!/bin/sh\necho v1\n", "RUNBOOK.md": "# v1\n", "units/a.service": "[Unit]\n", "config/runtime.env": "X=@@CODEWHALE_SECRET:x@@\n" };
const v2 = { "bootstrap.sh": "#!/bin/sh\necho v2\n", "RUNBOOK.md": "# v2\n", "config/runtime.env": "X=@@CODEWHALE_SECRET:x@@\n" };
const mode = (p: string) => statSync(p).mode & 0o777;

describe("writeBundle", () => {
  it("creates a missing directory (parents too) with the bundle and its marker", () => {
    const dir = path.join(fresh(), "deep", "bundle");
    expect(writeBundle(dir, "dev", v1).action).toBe("created");
    expect(readFileSync(path.join(dir, "bootstrap.sh"), "utf8")).toContain("v1");
    const marker = JSON.parse(readFileSync(path.join(dir, BUNDLE_MARKER), "utf8"));
    expect(marker.format).toBe(1);
    expect(Object.keys(marker.files).sort()).toEqual(Object.keys(v1).sort());
  });

  it("writes scripts 0700, config files 0600 and the bundle directory 0700: nothing a filled secret could sit in is world-readable", () => {
    const dir = fresh();
    writeBundle(dir, "dev", v1);
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, "bootstrap.sh"))).toBe(0o700);
    expect(mode(path.join(dir, "config/runtime.env"))).toBe(0o600);
    expect(mode(path.join(dir, "RUNBOOK.md"))).toBe(0o644);
  });

  it("fills an empty directory in place", () => {
    const dir = fresh();
    mkdirSync(dir);
    expect(writeBundle(dir, "dev", v1).action).toBe("filled");
    expect(existsSync(path.join(dir, BUNDLE_MARKER))).toBe(true);
  });

  it("refuses a non-empty directory that is not a bundle, and leaves the user's file as it was", () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(path.join(dir, "notes.txt"), "mine");
    expect(() => writeBundle(dir, "dev", v1)).toThrow(BundleDirError);
    expect(() => writeBundle(dir, "dev", v1)).toThrow(/is not a bundle this command wrote.*nothing was written or deleted/);
    expect(readdirSync(dir)).toEqual(["notes.txt"]);
    expect(readFileSync(path.join(dir, "notes.txt"), "utf8")).toBe("mine");
    expect(readdirSync(path.dirname(dir)).filter((f) => f.includes(path.basename(dir) + "."))).toEqual([]);
  });

  it("replaces an earlier bundle: the new files in place, the old ones gone, no temporary directory left", () => {
    const dir = fresh();
    writeBundle(dir, "dev", v1);
    expect(writeBundle(dir, "dev", v2).action).toBe("replaced");
    expect(readFileSync(path.join(dir, "bootstrap.sh"), "utf8")).toContain("v2");
    expect(existsSync(path.join(dir, "units"))).toBe(false);
    expect(readdirSync(path.dirname(dir)).filter((f) => f.startsWith(`.${path.basename(dir)}.`))).toEqual([]);
    expect(Object.keys(JSON.parse(readFileSync(path.join(dir, BUNDLE_MARKER), "utf8")).files).sort()).toEqual(Object.keys(v2).sort());
  });

  it("refuses an earlier bundle to which the user added a file, or in which one was edited (a filled-in bootstrap)", () => {
    const added = fresh();
    writeBundle(added, "dev", v1);
    writeFileSync(path.join(added, "units", "mine.conf"), "keep");
    expect(() => writeBundle(added, "dev", v2)).toThrow(/added or edited since \(units\/mine\.conf\)/);
    expect(readFileSync(path.join(added, "units", "mine.conf"), "utf8")).toBe("keep");
    expect(readFileSync(path.join(added, "bootstrap.sh"), "utf8")).toContain("v1");

    const edited = fresh();
    writeBundle(edited, "dev", v1);
    writeFileSync(path.join(edited, "bootstrap.sh"), "#!/bin/sh\nTOKEN=filled\n");
    expect(() => writeBundle(edited, "dev", v2)).toThrow(/\(bootstrap\.sh\)/);
    expect(readFileSync(path.join(edited, "bootstrap.sh"), "utf8")).toContain("filled");
  });

  it("refuses a file where the directory should be, and a path under a file", () => {
    const file = fresh();
    writeFileSync(file, "a file");
    expect(() => writeBundle(file, "dev", v1)).toThrow(/is a file, not a directory/);
    expect(readFileSync(file, "utf8")).toBe("a file");
    expect(() => writeBundle(path.join(file, "sub"), "dev", v1)).toThrow(/case-[0-9]+ is a file, not a directory; give a path inside a directory/);
  });

  it("never follows a symbolic link: as the target, inside an earlier bundle, or as the marker", () => {
    const user = fresh();
    mkdirSync(user);
    writeFileSync(path.join(user, "precious"), "mine");
    const link = fresh();
    symlinkSync(user, link);
    expect(() => writeBundle(link, "dev", v1)).toThrow(/is a symbolic link/);
    // Even a link to an earlier bundle: the link is not replaced, the bundle behind it is not touched.
    const bundle = fresh();
    writeBundle(bundle, "dev", v1);
    const toBundle = fresh();
    symlinkSync(bundle, toBundle);
    expect(() => writeBundle(toBundle, "dev", v2)).toThrow(/is a symbolic link/);
    expect(lstatSync(toBundle).isSymbolicLink()).toBe(true);

    const inner = fresh();
    writeBundle(inner, "dev", v1);
    rmSync(path.join(inner, "units"), { recursive: true });
    symlinkSync(user, path.join(inner, "units"));
    expect(() => writeBundle(inner, "dev", v2)).toThrow(/symbolic links \(units\)/);

    const markerLink = fresh();
    mkdirSync(markerLink);
    writeFileSync(path.join(user, "fake-marker"), JSON.stringify({ format: 1, files: {} }));
    symlinkSync(path.join(user, "fake-marker"), path.join(markerLink, BUNDLE_MARKER));
    expect(() => writeBundle(markerLink, "dev", v1)).toThrow(/not a bundle this command wrote/);
    expect(readdirSync(user).sort()).toEqual(["fake-marker", "precious"]);
  });

  it("refuses a marker that names paths outside the bundle (a forged marker cannot aim the removal elsewhere)", () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(path.join(dir, BUNDLE_MARKER), JSON.stringify({ format: 1, files: { "../victim": "x" } }));
    expect(() => writeBundle(dir, "dev", v1)).toThrow(/names paths outside the bundle/);
  });

  it("refuses a bundle of another format version instead of guessing what it holds", () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(path.join(dir, BUNDLE_MARKER), JSON.stringify({ format: 99, files: {} }));
    expect(() => writeBundle(dir, "dev", v1)).toThrow(/format 99/);
  });
});

describe("npm run plan -- --out", () => {
  const root = path.resolve(__dirname, "..");
  it("refuses `--out .` in a git checkout: exit 2, one line, the checkout and .git untouched", () => {
    const checkout = fresh();
    mkdirSync(checkout);
    expect(spawnSync("git", ["init", "-q", checkout]).status).toBe(0);
    writeFileSync(path.join(checkout, "index.ts"), "// the user's work\n");
    const before = readdirSync(checkout).sort();
    const r = spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(root, "scripts/plan.ts"), "--stack", "dev", "--out", "."], { cwd: checkout, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`--out ${checkout} holds files and is not a bundle this command wrote`);
    expect(readdirSync(checkout).sort()).toEqual(before);
    expect(existsSync(path.join(checkout, ".git", "HEAD"))).toBe(true);
    expect(r.stdout).toBe("");
  });

  it.runIf(process.getuid?.() === 0)("refuses a directory it cannot write with one line (run as an unprivileged user)", () => {
    // Reachable (the test's own temp dir is 0700) but not writable for that user.
    chmodSync(tmp, 0o755);
    const parent = fresh();
    mkdirSync(parent, { mode: 0o755 });
    const r = spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(root, "scripts/plan.ts"), "--stack", "dev", "--out", path.join(parent, "b")], {
      cwd: root,
      encoding: "utf8",
      uid: 65534,
      gid: 65534,
      env: { ...process.env, HOME: tmpdir() },
    });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trim()).toBe(`codewhale-remote: --out ${path.join(parent, "b")}: cannot write there (EACCES); give a directory you can write, with space left`);
    expect(readdirSync(parent)).toEqual([]);
  });
});
