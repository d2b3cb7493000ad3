/**
 * Writes the deploy bundle into the directory given to `--out`, and never deletes what it did not write.
 *
 * - A missing directory is created; an empty one is filled.
 * - A directory that holds anything else is refused, unless it is an earlier bundle: one whose marker file
 *   (`.codewhale-bundle`, written last, with a format version and the sha256 of every file it wrote) lists
 *   exactly what is in it, unchanged. A file the user added or edited there (a filled-in bootstrap.sh) makes
 *   it a user directory again: refused, naming the files.
 * - An earlier bundle is replaced by a swap: the new bundle is written complete into a sibling temporary
 *   directory, the old one is renamed aside, the new one renamed into place, and then the old one is removed
 *   file by file (only the files its marker lists; a directory that gained an entry meanwhile stays).
 * - A symbolic link is never followed: not as the target, not inside an earlier bundle, not as the marker.
 *
 * Written by hand on node:fs because no package does "replace a directory only if it is ours"; each step is
 * a single rename, rmdir or unlink whose failure leaves the user's files as they were.
 */
import { createHash, randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync, type Stats } from "node:fs";
import * as path from "node:path";

export const BUNDLE_MARKER = ".codewhale-bundle";
export const BUNDLE_FORMAT = 1;

/** A refusal the user can act on: one line, what is wrong and what to do. */
export class BundleDirError extends Error {
  override readonly name = "BundleDirError";
}

interface Marker {
  readonly format: number;
  readonly writtenBy: string;
  readonly stack: string;
  /** Relative path -> sha256 of the content written. */
  readonly files: Record<string, string>;
}

/**
 * File modes: scripts that run as root and files that will hold secrets once filled are the owner's only
 * (a world-readable bootstrap with the secrets filled in would hand them to every local user).
 */
export function bundleFileMode(rel: string): number {
  if (rel.endsWith(".sh")) return 0o700;
  if (rel.startsWith("config/")) return 0o600;
  return 0o644;
}

const sha256 = (content: string | Buffer) => createHash("sha256").update(content).digest("hex");

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw e;
  }
}

/** Every entry under `dir`, relative, directories with a trailing slash; symlinks reported as such. */
function walk(dir: string, rel = ""): { files: string[]; dirs: string[]; links: string[]; other: string[] } {
  const out = { files: [] as string[], dirs: [] as string[], links: [] as string[], other: [] as string[] };
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(path.join(dir, r));
    if (st.isSymbolicLink()) out.links.push(r);
    else if (st.isDirectory()) {
      out.dirs.push(r);
      const sub = walk(dir, r);
      out.files.push(...sub.files);
      out.dirs.push(...sub.dirs);
      out.links.push(...sub.links);
      out.other.push(...sub.other);
    } else if (st.isFile()) out.files.push(r);
    else out.other.push(r);
  }
  return out;
}

const safeRel = (rel: string) => rel.length > 0 && !path.isAbsolute(rel) && path.posix.normalize(rel) === rel && !rel.split("/").includes("..");

function readMarker(dir: string): Marker | undefined {
  const file = path.join(dir, BUNDLE_MARKER);
  const st = lstatOrUndefined(file);
  if (!st?.isFile()) return undefined;
  try {
    const m = JSON.parse(readFileSync(file, "utf8")) as Marker;
    if (typeof m.format !== "number" || !m.files || typeof m.files !== "object") return undefined;
    return m;
  } catch {
    return undefined;
  }
}

/** Why `dir` (an existing, non-empty directory) is not an earlier bundle we may replace; undefined if it is. */
function notOurs(dir: string): string | undefined {
  const marker = readMarker(dir);
  if (!marker) return `holds files and is not a bundle this command wrote (no valid ${BUNDLE_MARKER})`;
  if (marker.format !== BUNDLE_FORMAT) return `is a bundle of format ${marker.format}, this version writes format ${BUNDLE_FORMAT}`;
  const tree = walk(dir);
  if (tree.links.length > 0) return `holds symbolic links (${tree.links.join(", ")}), which no bundle has`;
  if (tree.other.length > 0) return `holds special files (${tree.other.join(", ")}), which no bundle has`;
  const listed = Object.keys(marker.files);
  if (!listed.every(safeRel)) return `has a ${BUNDLE_MARKER} that names paths outside the bundle`;
  const added = tree.files.filter((f) => f !== BUNDLE_MARKER && !(f in marker.files));
  const changed = listed.filter((f) => tree.files.includes(f) && sha256(readFileSync(path.join(dir, f))) !== marker.files[f]);
  const mine = [...added, ...changed];
  if (mine.length > 0) return `is an earlier bundle with files added or edited since (${mine.join(", ")})`;
  return undefined;
}

function writeInto(dir: string, stack: string, artifacts: Readonly<Record<string, string>>): void {
  const files: Record<string, string> = {};
  for (const [rel, content] of Object.entries(artifacts).sort(([a], [b]) => a.localeCompare(b))) {
    if (!safeRel(rel) || rel === BUNDLE_MARKER) throw new Error(`bundle artifact with an unsafe name: ${rel}`);
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    // flag "wx": never through an existing file or a link planted meanwhile.
    writeFileSync(file, content, { mode: bundleFileMode(rel), flag: "wx" });
    files[rel] = sha256(content);
  }
  const marker: Marker = { format: BUNDLE_FORMAT, writtenBy: "codewhale-remote offline plan (npm run plan -- --out)", stack, files };
  // Last: a bundle interrupted before this point is not recognised as ours, so it is never replaced silently.
  writeFileSync(path.join(dir, BUNDLE_MARKER), JSON.stringify(marker, null, 2) + "\n", { mode: 0o644, flag: "wx" });
}

/** Removes an old bundle (already checked by `notOurs`): the files its marker lists, then its directories if empty. */
function removeOldBundle(dir: string, marker: Marker): boolean {
  for (const rel of [...Object.keys(marker.files), BUNDLE_MARKER]) {
    const st = lstatOrUndefined(path.join(dir, rel));
    if (st?.isFile()) unlinkSync(path.join(dir, rel));
  }
  const dirs = walk(dir).dirs.sort((a, b) => b.length - a.length);
  try {
    for (const d of dirs) rmdirSync(path.join(dir, d));
    rmdirSync(dir);
    return true;
  } catch {
    return false; // something appeared there meanwhile: left in place
  }
}

export interface WrittenBundle {
  readonly dir: string;
  /** "created" a new directory, "filled" an empty one, "replaced" an earlier bundle. */
  readonly action: "created" | "filled" | "replaced";
  /** An old bundle that could not be removed after the swap (something was added to it meanwhile). */
  readonly leftOver?: string;
}

/** Checks `out` without writing: throws BundleDirError when it may not be written. Run before planning side effects. */
export function checkBundleDir(out: string): void {
  asUserMistake(out, () => inspect(path.resolve(out)));
}

/** A place the user cannot read or write is a mistake to fix, not a bug: one line, no trace. */
function asUserMistake<T>(out: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM" || code === "EROFS" || code === "ENOSPC" || code === "EDQUOT") {
      throw new BundleDirError(`--out ${path.resolve(out)}: cannot write there (${code}); give a directory you can write, with space left`);
    }
    throw e;
  }
}

function inspect(dir: string): "missing" | "empty" | "bundle" {
  const st = lstatOrUndefined(dir);
  if (!st) {
    // The nearest existing ancestor must be a directory (a link to one is fine: the user chose that path).
    let up = path.dirname(dir);
    while (!lstatOrUndefined(up)) up = path.dirname(up);
    if (!statSync(up).isDirectory()) throw new BundleDirError(`--out ${dir}: ${up} is a file, not a directory; give a path inside a directory`);
    return "missing";
  }
  if (st.isSymbolicLink()) throw new BundleDirError(`--out ${dir} is a symbolic link; give the real directory path (links are never followed, so a link cannot aim the bundle at other files)`);
  if (!st.isDirectory()) throw new BundleDirError(`--out ${dir} is a file, not a directory; give a new or empty directory`);
  if (readdirSync(dir).length === 0) return "empty";
  const why = notOurs(dir);
  if (why) throw new BundleDirError(`--out ${dir} ${why}; nothing was written or deleted. Give a new or empty directory, or move those files away`);
  return "bundle";
}

/** Writes `artifacts` as a bundle at `out` (see the header for what is refused and how a bundle is replaced). */
export function writeBundle(out: string, stack: string, artifacts: Readonly<Record<string, string>>): WrittenBundle {
  return asUserMistake(out, () => writeBundleUnchecked(out, stack, artifacts));
}

function writeBundleUnchecked(out: string, stack: string, artifacts: Readonly<Record<string, string>>): WrittenBundle {
  const dir = path.resolve(out);
  const state = inspect(dir);
  if (state === "empty") {
    writeInto(dir, stack, artifacts);
    return { dir, action: "filled" };
  }
  const parent = path.dirname(dir);
  mkdirSync(parent, { recursive: true });
  const base = path.basename(dir);
  // mkdtemp: a fresh 0700 directory beside the target, on the same filesystem, so the renames are atomic.
  const fresh = mkdtempSync(path.join(parent, `.${base}.new-`));
  try {
    writeInto(fresh, stack, artifacts);
  } catch (e) {
    removeOldBundle(fresh, { format: BUNDLE_FORMAT, writtenBy: "", stack, files: artifacts as Record<string, string> });
    throw e;
  }
  if (state === "missing") {
    renameSync(fresh, dir);
    return { dir, action: "created" };
  }
  // Checked again right before the swap: the directory may have changed since the first look.
  const marker = readMarker(dir)!;
  const why = notOurs(dir);
  if (why) {
    removeOldBundle(fresh, readMarker(fresh)!);
    throw new BundleDirError(`--out ${dir} ${why}; nothing was written or deleted`);
  }
  const aside = path.join(parent, `.${base}.old-${randomBytes(6).toString("hex")}`);
  renameSync(dir, aside);
  try {
    renameSync(fresh, dir);
  } catch (e) {
    renameSync(aside, dir); // put the earlier bundle back
    throw e;
  }
  return removeOldBundle(aside, marker) ? { dir, action: "replaced" } : { dir, action: "replaced", leftOver: aside };
}
