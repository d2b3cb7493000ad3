/**
 * Reads the state of a booted test host, as plain data the boot test asserts on: listening sockets, process
 * command lines and environments, file metadata, a snapshot for "nothing changed" comparisons, and where a
 * string (a secret) occurs on the host's disk or in its journal.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import ipaddr from "ipaddr.js";
import type { Container } from "./nspawn";

export interface Listener {
  readonly proto: string;
  readonly address: string;
  readonly port: string;
  /** Process names from ss's users:(...) column (empty when ss could not tell). */
  readonly processes: readonly string[];
}

/** Every listening TCP and bound UDP socket in the container's network namespace (`ss -H -tulpn`). */
export async function listeners(c: Container): Promise<Listener[]> {
  const r = await c.exec(["ss", "-H", "-tulpn"], { check: true });
  return r.stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((line) => {
      const cols = line.trim().split(/\s+/);
      const local = cols[4] ?? "";
      const i = local.lastIndexOf(":");
      return {
        proto: cols[0] ?? "",
        address: local.slice(0, i).replace(/^\[|\]$/g, "").replace(/%.*$/, ""),
        port: local.slice(i + 1),
        processes: [...line.matchAll(/\("([^"]+)",pid=/g)].map((m) => m[1]!),
      };
    });
}

/** 127.0.0.0/8 or ::1 (also as an IPv4-mapped address). "*" and unspecified addresses are not. */
export function isLoopback(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let a = ipaddr.parse(address);
  if (a.kind() === "ipv6" && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  return a.range() === "loopback";
}

/** pid -> command line (NULs as spaces) of every process in the container. */
export async function commandLines(c: Container): Promise<Map<string, string>> {
  const r = await c.sh(`for p in /proc/[0-9]*; do printf '%s\\t' "\${p#/proc/}"; tr '\\0' ' ' <"$p/cmdline" 2>/dev/null; echo; done`);
  const out = new Map<string, string>();
  for (const line of r.stdout.split("\n")) {
    const i = line.indexOf("\t");
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 1));
  }
  return out;
}

/** The environment a process actually runs with (what systemd made of the env files). */
export async function environmentOf(c: Container, pid: string): Promise<Map<string, string>> {
  const raw = await c.readInside(`/proc/${pid}/environ`);
  return new Map(
    raw
      .split("\0")
      .filter((kv) => kv.includes("="))
      .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)] as const),
  );
}

export interface FileMeta {
  /** Octal mode without the type bits, e.g. "640". */
  readonly mode: string;
  readonly owner: string;
  readonly group: string;
  readonly type: string;
}

export async function fileMeta(c: Container, file: string): Promise<FileMeta> {
  const r = await c.exec(["stat", "-c", "%a|%U|%G|%F", file], { check: true });
  const [mode = "", owner = "", group = "", type = ""] = r.stdout.trim().split("|");
  return { mode, owner, group, type };
}

/**
 * path -> "type mode owner:group [size mtime] [link target] [sha256]" for everything under `paths` (missing
 * paths are skipped). With mtimes, a file rewritten with the same content counts as changed. A directory's
 * own mtime and size are left out: a temp file created and removed in it moves them, and its entries are
 * listed anyway.
 */
export async function snapshot(c: Container, paths: readonly string[], opts: { mtimes: boolean }): Promise<Map<string, string>> {
  const other = `%p\\t%y %m %u:%g %s${opts.mtimes ? " %T@" : ""} %l\\n`;
  const quoted = paths.map((p) => `'${p}'`).join(" ");
  const r = await c.sh(
    `for p in ${quoted}; do [ -e "$p" ] || continue; find "$p" -xdev \\( -type d -printf '%p\\t%y %m %u:%g\\n' \\) -o -printf '${other}'; find "$p" -xdev -type f -exec sha256sum {} +; done`,
    { timeoutMs: 120_000 },
  );
  if (r.code !== 0) throw new Error(`snapshot failed: ${r.stderr}`);
  const out = new Map<string, string>();
  for (const line of r.stdout.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab > 0) {
      out.set(line.slice(0, tab), line.slice(tab + 1).trimEnd());
      continue;
    }
    const m = /^([0-9a-f]{64})  (.+)$/.exec(line);
    if (m) out.set(m[2]!, `${out.get(m[2]!) ?? ""} sha256:${m[1]}`);
  }
  return out;
}

/** Human-readable differences between two snapshots (empty = identical). */
export function snapshotDiff(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const diff: string[] = [];
  for (const [p, v] of before) {
    const w = after.get(p);
    if (w === undefined) diff.push(`removed ${p} (${v})`);
    else if (w !== v) diff.push(`changed ${p}: ${v} -> ${w}`);
  }
  for (const [p, w] of after) if (!before.has(p)) diff.push(`added ${p} (${w})`);
  return diff;
}

/**
 * Container paths of files on the container's disk that contain any of `needles` (grep on the host over the
 * files written since the root was made: everything the payload, the services and the journal wrote).
 */
export function filesContaining(c: Container, needles: readonly string[]): string[] {
  const dir = c.writtenFilesDir;
  const patterns = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "codewhale-needles-")), "patterns");
  fs.writeFileSync(patterns, needles.join("\n") + "\n", { mode: 0o600 });
  try {
    const r = spawnSync("grep", ["-r", "-l", "-a", "-F", "-f", patterns, "--", dir], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0 && r.status !== 1) throw new Error(`grep over ${dir} failed: ${r.stderr}`);
    return r.stdout
      .split("\n")
      .filter(Boolean)
      .map((f) => "/" + path.relative(dir, f));
  } finally {
    fs.rmSync(path.dirname(patterns), { recursive: true, force: true });
  }
}

/** Every field of every journal entry the container kept (all boots), as journalctl exports them. */
export async function journalExport(c: Container): Promise<string> {
  const r = await c.exec(["journalctl", "-o", "export", "--no-pager"], { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`journalctl -o export failed: ${r.stderr}`);
  return r.stdout;
}
