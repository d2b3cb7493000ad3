// Boot-test harness: runs a cached Debian 12 root (test/boot/rootfs.sh) as an
// ephemeral systemd-nspawn container with real systemd + cloud-init, seeded
// through the NoCloud datasource, with no network. Node built-ins only.
//
//   const c = await Container.create({ userData: "#cloud-config\n..." });
//   try {
//     await c.boot();
//     const ci = await c.waitForCloudInit();
//     const r = await c.exec(["curl", "-fsS", "http://127.0.0.1:7878/health"]);
//     await c.reboot();
//   } finally {
//     await c.destroy();
//   }
//   // or: await withContainer(opts, async (c) => { ... })
//
// Must run as root on a host with systemd-nspawn (apt: systemd-container),
// debootstrap and nsenter (util-linux). The host's PID 1 need not be systemd:
// containers run with --register=no --keep-unit (no machined, no host D-Bus).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  /** true when the harness killed the command at timeoutMs. */
  timedOut: boolean;
}

export interface ExecOptions {
  /**
   * How to get into the container:
   * - "nsenter" (default): nsenter into all namespaces of the container's PID 1
   *   with a clean environment. Works from the first moment of boot (before
   *   systemd is up) and ~0.3 s per call at most; the process lives outside the
   *   container's cgroup tree.
   * - "unit": `systemd-run --wait --pipe --collect` inside the container: the
   *   command runs as a transient service of the container's systemd (proper
   *   cgroup, service environment, User= for `user`). Needs systemd up.
   */
  via?: "nsenter" | "unit";
  /** Run as this user (name or uid) inside the container. */
  user?: string;
  /** Extra environment (on top of PATH, HOME, LANG, TERM=dumb). */
  env?: Record<string, string>;
  /** Bytes fed to stdin. */
  input?: string | Buffer;
  /** Kill the command after this long (default 60 s); reported as timedOut, code 124. */
  timeoutMs?: number;
  /** Working directory inside the container (default /). */
  cwd?: string;
  /** Throw (with stdout/stderr in the message) if the exit code is not 0. */
  check?: boolean;
}

export interface NoCloudMeta {
  instanceId?: string;
  localHostname?: string;
}

export interface FileSpec {
  /** Absolute path inside the container. */
  path: string;
  /** Content, or `from` = a host file or directory to copy (cp -a). */
  content?: string | Buffer;
  from?: string;
  /** e.g. 0o755; for `from` applied to the top entry only. */
  mode?: number;
  /** "user", "user:group" or "uid:gid", resolved with the container's /etc/passwd, /etc/group. */
  owner?: string;
}

export type CopyMode = "overlay" | "copy" | "auto";

export interface ContainerOptions {
  /** Root to boot from (never modified). Default: the cached root from rootfs.sh. */
  baseRoot?: string;
  /**
   * How the ephemeral root is made. "overlay": overlayfs with the cached root
   * as the lower layer (~10 ms); "copy": `cp -a --reflink=auto` (~5-10 s for
   * ~700 MB on ext4); "auto" (default): overlay, falling back to copy when the
   * overlay mount fails (e.g. nested overlay hosts).
   * Override with env CODEWHALE_BOOT_COPY_MODE.
   */
  mode?: CopyMode;
  /** Container (machine) name: [a-z0-9-], default cw-<random>. Also the default hostname before cloud-init. */
  name?: string;
  /** cloud-init user-data (a #cloud-config, a #!/bin/sh script, ...). When undefined no NoCloud seed is written. */
  userData?: string;
  meta?: NoCloudMeta;
  /** Files written into the root before boot. */
  files?: FileSpec[];
  /** --private-network (default true: only lo, hermetic). */
  privateNetwork?: boolean;
  /**
   * Run in this existing network namespace (--network-namespace-path; see netns.ts) instead of a fresh
   * private one: host-side helpers can then serve on the container's loopback, across reboots.
   */
  networkNamespacePath?: string;
  /** Extra systemd-nspawn arguments (before -b). */
  nspawnArgs?: string[];
  /** Keep the work dir after destroy() for debugging (also env CODEWHALE_BOOT_KEEP=1). */
  keep?: boolean;
  /** Progress to stderr (default: env CODEWHALE_BOOT_VERBOSE=1). */
  verbose?: boolean;
}

export interface Timings {
  rootfsMs?: number;
  prepareMs?: number;
  bootMs?: number;
  cloudInitDoneMs?: number;
  rebootMs?: number;
  stopMs?: number;
}

export interface CloudInitResult {
  /** "done", "error", "degraded done" ... as printed by `cloud-init status`. */
  status: string;
  /** Exit code of `cloud-init status --wait --long` (0 ok; 1 error; 2 recoverable errors on cloud-init >= 23.4). */
  code: number;
  /** Errors from /run/cloud-init/result.json (v1.errors). */
  errors: string[];
  /** Full `cloud-init status --long` output. */
  long: string;
  /** Milliseconds from the start of this boot until cloud-init was done. */
  sinceBootMs: number;
}

const HERE = __dirname;
export const ROOTFS_SCRIPT = path.join(HERE, "rootfs.sh");
export const FIXTURES_DIR = path.resolve(HERE, "..", "fixtures", "boot");
const CONTAINER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const NSPAWN_REBOOT_EXIT = 133;

function now(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}
function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
/** promise's value, or `onTimeout` after ms; the timer never outlives the race. */
async function within<T, U>(promise: Promise<T>, ms: number, onTimeout: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<U>((r) => (timer = setTimeout(() => r(onTimeout), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
function envFlag(name: string): boolean {
  const v = process.env[name];
  return v !== undefined && v !== "" && v !== "0" && v !== "false";
}
function workBase(): string {
  return path.join(process.env.CODEWHALE_BOOT_TMP ?? os.tmpdir(), "codewhale-boot");
}
export function fmtMs(ms: number | undefined): string {
  return ms === undefined ? "-" : `${(ms / 1000).toFixed(2)}s`;
}
function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
}

/** Run a host command to completion (async), capturing output. */
export function run(cmd: string, args: string[], opts: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"], env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, opts.timeoutMs);
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        code: timedOut ? 124 : (code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        timedOut,
      });
    });
    child.stdin.on("error", () => {});
    child.stdin.end(opts.input ?? "");
  });
}

/**
 * Build (first time) or reuse the cached root. Returns its path and how long
 * this call took. Set CODEWHALE_BOOT_ROOT to use a prepared root as is.
 */
export async function ensureRootfs(opts: { rebuild?: boolean; quiet?: boolean } = {}): Promise<{ root: string; ms: number }> {
  const t0 = now();
  const preset = process.env.CODEWHALE_BOOT_ROOT;
  if (preset) return { root: preset, ms: now() - t0 };
  const args = [ROOTFS_SCRIPT, ...(opts.rebuild ? ["--rebuild"] : [])];
  const child = spawn("bash", args, { stdio: ["ignore", "pipe", opts.quiet ? "pipe" : "inherit"] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on("data", (b: Buffer) => out.push(b));
  child.stderr?.on("data", (b: Buffer) => err.push(b));
  const code: number = await new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`rootfs.sh failed (exit ${code})\n${Buffer.concat(err).toString()}`);
  const root = Buffer.concat(out).toString().trim().split("\n").pop() ?? "";
  if (!root || !fs.existsSync(path.join(root, "lib/systemd/systemd"))) throw new Error(`rootfs.sh printed no usable root: '${root}'`);
  return { root, ms: now() - t0 };
}

// ---------------------------------------------------------------- cleanup
const live = new Set<Container>();
let handlersInstalled = false;
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", () => {
    for (const c of live) c.destroySync();
  });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
      for (const c of live) c.destroySync();
      process.exit(128 + (os.constants.signals[sig] ?? 0));
    });
  }
}

function pidAlive(pid: number | undefined): pid is number {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z /.test(stat); // zombies count as dead
  } catch {
    return false;
  }
}
function readProc(pid: number, file: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return "";
  }
}
function childrenOf(pid: number): number[] {
  const pids: number[] = [];
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      for (const p of readProc(pid, `task/${tid}/children`).trim().split(/\s+/)) if (p) pids.push(Number(p));
    }
  } catch {
    /* gone */
  }
  return pids;
}
function otherPidNs(pid: number): boolean {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/pid`) !== fs.readlinkSync("/proc/self/ns/pid");
  } catch {
    return false;
  }
}
function isMountPoint(p: string): boolean {
  const target = path.resolve(p);
  return fs
    .readFileSync("/proc/self/mounts", "utf8")
    .split("\n")
    .some((l) => l.split(" ")[1]?.replace(/\\040/g, " ") === target);
}
/** Unmount (lazily) everything at or below dir, deepest first. */
function umountBelow(dir: string): void {
  const d = path.resolve(dir);
  const mounts = fs
    .readFileSync("/proc/self/mounts", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[1]?.replace(/\\040/g, " "))
    .filter((m): m is string => !!m && (m === d || m.startsWith(d + "/")))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync("umount", ["-l", m], { stdio: "ignore" });
}
function removeTree(dir: string): void {
  if (!fs.existsSync(dir)) return;
  umountBelow(dir);
  // --one-file-system: never descend into something still mounted.
  const r = spawnSync("rm", ["-rf", "--one-file-system", "--", dir], { stdio: "ignore" });
  if (r.status !== 0) spawnSync("rm", ["-rf", "--one-file-system", "--", dir], { stdio: "ignore" });
}

interface State {
  ownerPid: number;
  nspawnPid?: number;
  initPid?: number;
}
/**
 * Remove work dirs of containers whose owning process died without cleaning
 * up (e.g. SIGKILLed test runner): stop their container, unmount, delete.
 */
export function sweepStale(): string[] {
  const base = workBase();
  const removed: string[] = [];
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(base);
  } catch {
    return removed;
  }
  for (const e of entries) {
    const dir = path.join(base, e);
    let st: State | undefined;
    try {
      st = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")) as State;
    } catch {
      // no state yet: only sweep if clearly old (a creator may be writing it right now)
      try {
        if (Date.now() - fs.statSync(dir).mtimeMs < 10 * 60_000) continue;
      } catch {
        continue;
      }
    }
    if (st && pidAlive(st.ownerPid)) continue;
    if (st?.initPid && pidAlive(st.initPid) && otherPidNs(st.initPid)) process.kill(st.initPid, "SIGKILL");
    if (st?.nspawnPid && pidAlive(st.nspawnPid) && readProc(st.nspawnPid, "cmdline").includes(dir)) process.kill(st.nspawnPid, "SIGKILL");
    removeTree(dir);
    removed.push(dir);
  }
  return removed;
}

// ---------------------------------------------------------------- container
export class Container {
  readonly name: string;
  /** Host directory holding everything of this container. */
  readonly workDir: string;
  /** Host path of the container's root directory (the overlay mount or the copy). */
  readonly root: string;
  readonly consoleLogPath: string;
  readonly mode: "overlay" | "copy";
  readonly timings: Timings = {};
  readonly instanceId: string;
  private readonly opts: ContainerOptions;
  private nspawn: ChildProcess | undefined;
  private nspawnExit: Promise<number> | undefined;
  private initPid: number | undefined;
  private bootStartedAt = 0;
  private bootCount = 0;
  private destroyed = false;

  private constructor(opts: ContainerOptions, name: string, workDir: string, root: string, mode: "overlay" | "copy", instanceId: string) {
    this.opts = opts;
    this.name = name;
    this.workDir = workDir;
    this.root = root;
    this.mode = mode;
    this.instanceId = instanceId;
    this.consoleLogPath = path.join(workDir, "console.log");
  }

  /** Prepare an ephemeral root (not booted yet): copy/overlay, NoCloud seed, files. */
  static async create(opts: ContainerOptions = {}): Promise<Container> {
    if (process.getuid?.() !== 0) throw new Error("boot tests must run as root (systemd-nspawn, mount)");
    installExitHandlers();
    sweepStale();
    const verbose = opts.verbose ?? envFlag("CODEWHALE_BOOT_VERBOSE");
    const timings: Timings = {};
    let baseRoot = opts.baseRoot;
    if (!baseRoot) {
      const r = await ensureRootfs();
      baseRoot = r.root;
      timings.rootfsMs = r.ms;
    }
    const name = opts.name ?? `cw-${randomBytes(4).toString("hex")}`;
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) throw new Error(`bad container name '${name}'`);
    fs.mkdirSync(workBase(), { recursive: true, mode: 0o700 });
    const workDir = fs.mkdtempSync(path.join(workBase(), `${name}.`));
    fs.writeFileSync(path.join(workDir, "state.json"), JSON.stringify({ ownerPid: process.pid } satisfies State));

    const t0 = now();
    const wanted = (process.env.CODEWHALE_BOOT_COPY_MODE as CopyMode | undefined) ?? opts.mode ?? "auto";
    let mode: "overlay" | "copy" = "copy";
    let root = path.join(workDir, "root");
    if (wanted === "overlay" || wanted === "auto") {
      const ov = path.join(workDir, "overlay");
      for (const d of ["upper", "work", "merged"]) fs.mkdirSync(path.join(ov, d), { recursive: true });
      const merged = path.join(ov, "merged");
      const r = spawnSync(
        "mount",
        ["-t", "overlay", "overlay", "-o", `lowerdir=${baseRoot},upperdir=${path.join(ov, "upper")},workdir=${path.join(ov, "work")}`, merged],
        { encoding: "utf8" },
      );
      if (r.status === 0) {
        mode = "overlay";
        root = merged;
      } else if (wanted === "overlay") {
        removeTree(workDir);
        throw new Error(`overlay mount failed: ${r.stderr}`);
      } else {
        removeTree(ov);
      }
    }
    if (mode === "copy") {
      const r = spawnSync("cp", ["-a", "--reflink=auto", baseRoot, root], { encoding: "utf8" });
      if (r.status !== 0) {
        removeTree(workDir);
        throw new Error(`copying the root failed: ${r.stderr}`);
      }
    }
    timings.prepareMs = now() - t0;
    const instanceId = opts.meta?.instanceId ?? `iid-codewhale-boot-${randomBytes(4).toString("hex")}`;
    const c = new Container({ ...opts, verbose }, name, workDir, root, mode, instanceId);
    Object.assign(c.timings, timings);
    live.add(c);
    try {
      if (opts.userData !== undefined) c.seedNoCloud(opts.userData, { ...opts.meta, instanceId });
      for (const f of opts.files ?? []) c.putFile(f);
    } catch (e) {
      await c.destroy();
      throw e;
    }
    c.log(`prepared ${mode} root ${root} in ${fmtMs(timings.prepareMs)}`);
    return c;
  }

  private log(msg: string): void {
    if (this.opts.verbose) process.stderr.write(`[nspawn ${this.name}] ${msg}\n`);
  }

  private saveState(): void {
    const st: State = { ownerPid: process.pid, nspawnPid: this.nspawn?.pid, initPid: this.initPid };
    try {
      fs.writeFileSync(path.join(this.workDir, "state.json"), JSON.stringify(st));
    } catch {
      /* destroyed */
    }
  }

  // ------------------------------------------------------------ files
  /**
   * Host path for an absolute container path, resolving symlinks inside the
   * container root (an absolute link target is taken relative to the root, so
   * nothing escapes to the host). Missing trailing components are kept as is.
   */
  hostPath(containerPath: string): string {
    if (!containerPath.startsWith("/")) throw new Error(`container path must be absolute: ${containerPath}`);
    const pending = containerPath.split("/").filter((p) => p !== "" && p !== ".");
    const resolved: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift() as string;
      if (part === "..") {
        resolved.pop();
        continue;
      }
      const candidate = path.join(this.root, ...resolved, part);
      let st: fs.Stats | undefined;
      try {
        st = fs.lstatSync(candidate);
      } catch {
        st = undefined;
      }
      if (st?.isSymbolicLink()) {
        if (++hops > 40) throw new Error(`too many symlinks resolving ${containerPath}`);
        const target = fs.readlinkSync(candidate);
        if (target.startsWith("/")) resolved.length = 0;
        pending.unshift(...target.split("/").filter((p) => p !== "" && p !== "."));
        continue;
      }
      resolved.push(part);
    }
    return path.join(this.root, ...resolved);
  }

  /** Write or copy a file (or directory) into the root. Works before boot and while running. */
  putFile(spec: FileSpec): void {
    const dest = this.hostPath(spec.path);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    if (spec.from !== undefined) {
      const r = spawnSync("cp", ["-a", "--no-preserve=ownership", "-T", spec.from, dest], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`copy ${spec.from} -> ${spec.path} failed: ${r.stderr}`);
    } else {
      fs.writeFileSync(dest, spec.content ?? "");
    }
    if (spec.mode !== undefined) fs.chmodSync(dest, spec.mode);
    const owner = spec.owner ?? "root:root";
    const { uid, gid } = this.resolveOwner(owner);
    const r = spawnSync("chown", ["-R", "-h", `${uid}:${gid}`, dest]);
    if (r.status !== 0) throw new Error(`chown ${spec.path} failed`);
  }

  writeFile(containerPath: string, content: string | Buffer, opts: { mode?: number; owner?: string } = {}): void {
    this.putFile({ path: containerPath, content, ...opts });
  }

  copyIn(hostSrc: string, containerPath: string, opts: { mode?: number; owner?: string } = {}): void {
    this.putFile({ path: containerPath, from: hostSrc, ...opts });
  }

  /**
   * Read from the root file system. Note: /run, /tmp (if tmp.mount), /proc,
   * /dev and /sys of a *running* container are its own mounts and not visible
   * here: use readInside() for those.
   */
  readFile(containerPath: string): Buffer {
    return fs.readFileSync(this.hostPath(containerPath));
  }

  readText(containerPath: string): string {
    return this.readFile(containerPath).toString("utf8");
  }

  /** Read a file through the running container (sees its /run, /tmp, /proc ...). */
  async readInside(containerPath: string): Promise<string> {
    const r = await this.exec(["cat", "--", containerPath], { check: true });
    return r.stdout;
  }

  exists(containerPath: string): boolean {
    return fs.existsSync(this.hostPath(containerPath));
  }

  /** Copy a file or directory out of the root to the host. */
  copyOut(containerPath: string, hostDest: string): void {
    const r = spawnSync("cp", ["-a", "-T", this.hostPath(containerPath), hostDest], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`copy out ${containerPath} failed: ${r.stderr}`);
  }

  /** "user", "user:group", "uid:gid" -> numbers, using the container's passwd/group. */
  resolveOwner(owner: string): { uid: number; gid: number } {
    const [u = "root", g] = owner.split(":");
    const table = (file: string): string[][] => {
      try {
        return this.readText(file)
          .split("\n")
          .map((l) => l.split(":"));
      } catch {
        return [];
      }
    };
    const passwd = table("/etc/passwd");
    let uid: number;
    let primaryGid: number | undefined;
    if (/^\d+$/.test(u)) uid = Number(u);
    else {
      const row = passwd.find((r) => r[0] === u);
      if (!row) throw new Error(`no user '${u}' in the container's /etc/passwd`);
      uid = Number(row[2]);
      primaryGid = Number(row[3]);
    }
    let gid: number;
    if (g === undefined || g === "") {
      if (primaryGid === undefined) primaryGid = Number(passwd.find((r) => Number(r[2]) === uid)?.[3] ?? uid);
      gid = primaryGid;
    } else if (/^\d+$/.test(g)) gid = Number(g);
    else {
      const row = table("/etc/group").find((r) => r[0] === g);
      if (!row) throw new Error(`no group '${g}' in the container's /etc/group`);
      gid = Number(row[2]);
    }
    return { uid, gid };
  }

  /**
   * Seed cloud-init's NoCloud datasource: /var/lib/cloud/seed/nocloud/{user-data,meta-data}
   * and /etc/cloud/cloud.cfg.d/99-datasource.cfg (datasource_list: [NoCloud, None]).
   */
  seedNoCloud(userData: string, meta: NoCloudMeta = {}): void {
    const instanceId = meta.instanceId ?? this.instanceId;
    const hostname = meta.localHostname ?? "codewhale-test";
    this.writeFile("/var/lib/cloud/seed/nocloud/user-data", userData, { mode: 0o600 });
    this.writeFile("/var/lib/cloud/seed/nocloud/meta-data", `instance-id: ${instanceId}\nlocal-hostname: ${hostname}\n`, { mode: 0o600 });
    this.writeFile("/var/lib/cloud/seed/nocloud/vendor-data", "", { mode: 0o600 });
    this.writeFile("/etc/cloud/cloud.cfg.d/99-datasource.cfg", "datasource_list: [NoCloud, None]\n", { mode: 0o644 });
  }

  // ------------------------------------------------------------ lifecycle
  get running(): boolean {
    return this.nspawn !== undefined && this.nspawn.exitCode === null && this.nspawn.signalCode === null;
  }

  /**
   * Host directory holding every file created or changed in the container's disk since create(): the
   * overlay's upper dir (small), or the whole copy. (Not /run, /tmp or other tmpfs of a running container.)
   */
  get writtenFilesDir(): string {
    return this.mode === "overlay" ? path.join(this.workDir, "overlay", "upper") : this.root;
  }

  /** Milliseconds since systemd-nspawn was started for the current boot. */
  msSinceBoot(): number {
    return now() - this.bootStartedAt;
  }

  /** PID (host namespace) of the container's systemd, once booted. */
  get pid(): number | undefined {
    return this.initPid;
  }

  /**
   * Start systemd-nspawn in the background and wait until the container's
   * systemd finished starting up (`systemctl is-system-running --wait` answers
   * running or degraded). Does not wait for cloud-init: see waitForCloudInit().
   */
  async boot(opts: { timeoutMs?: number } = {}): Promise<{ ms: number; state: string }> {
    if (this.destroyed) throw new Error("container destroyed");
    if (this.running) throw new Error("already running");
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const args = [
      "-D", this.root,
      "-M", this.name,
      "--register=no",
      "--keep-unit",
      "--console=read-only",
      "--resolv-conf=off",
      "--timezone=off",
      "--link-journal=no",
      "--suppress-sync=yes",
      ...(this.opts.networkNamespacePath
        ? [`--network-namespace-path=${this.opts.networkNamespacePath}`]
        : this.opts.privateNetwork === false
          ? []
          : ["--private-network"]),
      ...(this.opts.nspawnArgs ?? []),
      "-b",
    ];
    this.bootCount += 1;
    const logFd = fs.openSync(this.consoleLogPath, "a");
    fs.writeSync(logFd, `\n===== codewhale boot harness: boot #${this.bootCount} at ${new Date().toISOString()}: systemd-nspawn ${args.join(" ")}\n`);
    this.bootStartedAt = now();
    const child = spawn("systemd-nspawn", args, { stdio: ["ignore", logFd, logFd], detached: true });
    fs.closeSync(logFd);
    this.nspawn = child;
    this.initPid = undefined;
    this.nspawnExit = new Promise((resolve) => {
      child.on("close", (code, signal) => resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0)));
      child.on("error", () => resolve(127));
    });
    this.saveState();
    const deadline = this.bootStartedAt + timeoutMs;

    // 1. the container's PID 1 = child of systemd-nspawn, in another PID
    //    namespace, once it has exec'd systemd.
    while (this.initPid === undefined) {
      if (!this.running) throw new Error(`systemd-nspawn exited (${await this.nspawnExit}) during boot\n${this.consoleTail()}`);
      if (now() > deadline) throw new Error(`no container init after ${timeoutMs} ms\n${this.consoleTail()}`);
      for (const p of childrenOf(child.pid as number)) {
        if (otherPidNs(p) && readProc(p, "comm").trim() === "systemd") this.initPid = p;
      }
      if (this.initPid === undefined) await sleep(50);
    }
    this.saveState();

    // 2. systemd finished starting up.
    let state = "";
    await this.waitFor(
      async () => {
        if (!this.running) throw new Error(`systemd-nspawn exited (${await this.nspawnExit}) during boot\n${this.consoleTail()}`);
        const left = Math.max(1000, deadline - now());
        const r = await this.exec(["systemctl", "is-system-running", "--wait"], { timeoutMs: left });
        state = r.stdout.trim();
        return ["running", "degraded", "maintenance", "stopping"].includes(state);
      },
      Math.max(1000, deadline - now()),
      { intervalMs: 100, what: "systemd to finish starting up" },
    );
    const ms = now() - this.bootStartedAt;
    if (this.bootCount === 1) this.timings.bootMs = ms;
    this.log(`booted (${state}) in ${fmtMs(ms)}`);
    return { ms, state };
  }

  /**
   * `cloud-init status --wait --long` inside the container (the status of
   * *this* boot: /run is a fresh tmpfs every boot), plus the errors from
   * /run/cloud-init/result.json. Does not throw on status "error": check it.
   */
  async waitForCloudInit(timeoutMs = 300_000): Promise<CloudInitResult> {
    const r = await this.exec(["cloud-init", "status", "--wait", "--long"], { timeoutMs });
    if (r.timedOut) throw new Error(`cloud-init not done after ${timeoutMs} ms\n${r.stdout}${r.stderr}`);
    const sinceBootMs = now() - this.bootStartedAt;
    if (this.bootCount === 1 && this.timings.cloudInitDoneMs === undefined) this.timings.cloudInitDoneMs = sinceBootMs;
    const status = /^status:\s*(.+)$/m.exec(r.stdout)?.[1]?.trim() ?? "unknown";
    let errors: string[] = [];
    // /run is the container's own tmpfs: read it from inside, not via hostPath().
    const j = await this.exec(["cat", "/run/cloud-init/result.json"]);
    try {
      errors = ((JSON.parse(j.stdout) as { v1?: { errors?: unknown[] } }).v1?.errors ?? []).map(String);
    } catch {
      /* not written (cloud-init failed before its final stage) */
    }
    return { status, code: r.code, errors, long: r.stdout + r.stderr, sinceBootMs };
  }

  /** Run a command inside the booted container. */
  async exec(cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (!this.running || this.initPid === undefined) throw new Error(`container ${this.name} is not running`);
    if (cmd.length === 0) throw new Error("empty command");
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const env: Record<string, string> = { PATH: CONTAINER_PATH, HOME: "/root", LANG: "C.UTF-8", TERM: "dumb", ...opts.env };
    const secs = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
    let inner: string[];
    if ((opts.via ?? "nsenter") === "unit") {
      inner = [
        "/usr/bin/env", "-i", `PATH=${CONTAINER_PATH}`,
        "systemd-run", "--wait", "--pipe", "--quiet", "--collect", "--service-type=exec",
        `--property=RuntimeMaxSec=${secs}`,
        ...(opts.user ? [`--uid=${opts.user}`] : []),
        ...(opts.cwd ? [`--working-directory=${opts.cwd}`] : []),
        ...Object.entries(env).map(([k, v]) => `--setenv=${k}=${v}`),
        "--", ...cmd,
      ];
    } else {
      inner = [
        "/usr/bin/env", "-i", ...(opts.cwd ? [`--chdir=${opts.cwd}`] : []), ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
        // coreutils timeout inside, so the command dies in the container too.
        "timeout", "--kill-after=5", secs,
        ...(opts.user ? ["runuser", "-u", opts.user, "--"] : []),
        ...cmd,
      ];
    }
    // -r / -w without a path: the root and cwd of the container's PID 1. (A
    // path given to --root=/--wd= would be opened in the *host* namespace.)
    const args = ["-t", String(this.initPid), "-a", "-r", "-w", "--", ...inner];
    const r = await run("nsenter", args, { input: opts.input, timeoutMs: timeoutMs + 10_000 });
    // timeout(1) exits 124 when it had to kill the command.
    if (r.code === 124) r.timedOut = true;
    if (opts.check && r.code !== 0) {
      throw new Error(`command failed in ${this.name} (exit ${r.code}${r.timedOut ? ", timed out" : ""}): ${cmd.join(" ")}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
    }
    return r;
  }

  /** exec(["/bin/sh", "-c", script]) */
  sh(script: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.exec(["/bin/sh", "-c", script], opts);
  }

  /**
   * Poll predicate until it returns true (exceptions count as false, the last
   * one is reported). Throws after timeoutMs.
   */
  async waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, opts: { intervalMs?: number; what?: string } = {}): Promise<void> {
    return waitFor(predicate, timeoutMs, { ...opts, onTimeout: () => this.consoleTail() });
  }

  /** Wait until a unit is in `state` (default "active"); returns `systemctl show` properties. */
  async waitForUnit(unit: string, timeoutMs = 60_000, state = "active"): Promise<Record<string, string>> {
    let props: Record<string, string> = {};
    await this.waitFor(
      async () => {
        props = await this.unitProperties(unit);
        return props.ActiveState === state;
      },
      timeoutMs,
      { intervalMs: 250, what: `${unit} to be ${state}` },
    ).catch(async (e: unknown) => {
      throw new Error(`${(e as Error).message}\nlast: ${JSON.stringify(props)}\n--- journal\n${await this.journal(unit, 60)}`);
    });
    return props;
  }

  async unitProperties(unit: string): Promise<Record<string, string>> {
    const r = await this.exec(["systemctl", "show", unit, "--no-pager", "-p", "LoadState,ActiveState,SubState,Result,ExecMainStatus,NRestarts,MainPID,User,UnitFileState"]);
    const props: Record<string, string> = {};
    for (const line of r.stdout.split("\n")) {
      const i = line.indexOf("=");
      if (i > 0) props[line.slice(0, i)] = line.slice(i + 1);
    }
    return props;
  }

  /** journalctl of this boot (optionally one unit), last `lines` lines. */
  async journal(unit?: string, lines = 200): Promise<string> {
    const r = await this.exec(["journalctl", "-b", "--no-pager", "-o", "short-monotonic", "-n", String(lines), ...(unit ? ["-u", unit] : [])]);
    return r.stdout + r.stderr;
  }

  /** Console output of all boots so far (ANSI colours stripped). */
  consoleLog(): string {
    try {
      return stripAnsi(fs.readFileSync(this.consoleLogPath, "utf8"));
    } catch {
      return "";
    }
  }

  consoleTail(lines = 40): string {
    return `--- console (${this.consoleLogPath}), last ${lines} lines\n${this.consoleLog().split("\n").slice(-lines).join("\n")}`;
  }

  /**
   * `systemctl reboot` inside, wait for systemd-nspawn to exit with 133 (its
   * "reboot requested" code), start it again on the same root, wait for boot.
   */
  async reboot(opts: { timeoutMs?: number } = {}): Promise<{ ms: number }> {
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const t0 = now();
    const exit = this.nspawnExit as Promise<number>;
    await this.exec(["systemctl", "reboot"], { timeoutMs: 10_000 }).catch(() => undefined);
    const code = await within(exit, timeoutMs, -1);
    if (code === -1) throw new Error(`container did not shut down for reboot within ${timeoutMs} ms\n${this.consoleTail()}`);
    if (code !== NSPAWN_REBOOT_EXIT) throw new Error(`systemd-nspawn exited ${code} instead of ${NSPAWN_REBOOT_EXIT} (reboot)\n${this.consoleTail()}`);
    await this.boot({ timeoutMs: Math.max(10_000, timeoutMs - (now() - t0)) });
    const ms = now() - t0;
    this.timings.rebootMs = ms;
    return { ms };
  }

  /** Power the container off (SIGTERM to nspawn = clean shutdown), SIGKILL after timeoutMs. */
  async stop(opts: { timeoutMs?: number } = {}): Promise<void> {
    if (!this.running || !this.nspawn) return;
    const t0 = now();
    const exit = this.nspawnExit as Promise<number>;
    this.nspawn.kill("SIGTERM");
    const code = await within(exit, opts.timeoutMs ?? 30_000, -1);
    if (code === -1) {
      this.log("clean shutdown timed out: SIGKILL");
      this.killSync();
      await within(exit, 5000, -1);
    }
    this.timings.stopMs = now() - t0;
    this.initPid = undefined;
    this.saveState();
  }

  private killSync(): void {
    if (this.initPid && pidAlive(this.initPid) && otherPidNs(this.initPid)) {
      try {
        process.kill(this.initPid, "SIGKILL"); // kills the whole PID namespace
      } catch {
        /* gone */
      }
    }
    if (this.nspawn?.pid && this.running) {
      try {
        process.kill(this.nspawn.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  }

  /** Stop (if running), unmount and delete the ephemeral root. Idempotent. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    try {
      await this.stop({ timeoutMs: 15_000 });
    } finally {
      this.destroySync();
    }
  }

  /** Synchronous last-resort cleanup (process exit / signals): SIGKILL, unmount, delete. */
  destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    live.delete(this);
    this.killSync();
    if (this.opts.keep || envFlag("CODEWHALE_BOOT_KEEP")) {
      if (this.mode === "overlay" && isMountPoint(this.root)) spawnSync("umount", ["-l", this.root]);
      process.stderr.write(`[nspawn ${this.name}] kept ${this.workDir} (overlay upper dir / copy + console.log)\n`);
      return;
    }
    removeTree(this.workDir);
  }
}

/** Poll predicate until true; exceptions count as false (last one reported). */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  opts: { intervalMs?: number; what?: string; onTimeout?: () => string } = {},
): Promise<void> {
  const deadline = now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await predicate()) return;
      last = undefined;
    } catch (e) {
      last = e;
      // a dead container will not come back: fail fast
      if (e instanceof Error && /systemd-nspawn exited|not running/.test(e.message)) throw e;
    }
    if (now() >= deadline) {
      const why = last instanceof Error ? `: ${last.message}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what ?? "condition"}${why}${opts.onTimeout ? `\n${opts.onTimeout()}` : ""}`);
    }
    await sleep(opts.intervalMs ?? 250);
  }
}

/** Create, hand to fn, always destroy (also on failure / timeout of fn). */
export async function withContainer<T>(opts: ContainerOptions, fn: (c: Container) => Promise<T>): Promise<T> {
  const c = await Container.create(opts);
  try {
    return await fn(c);
  } finally {
    await c.destroy();
  }
}
