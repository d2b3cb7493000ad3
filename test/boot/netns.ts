/**
 * A network namespace the test owns, handed to systemd-nspawn (--network-namespace-path) so that a process
 * started on the host side can serve on the container's own loopback. The boot test runs the fake Azure IMDS
 * + Key Vault this way: the listening socket is on the container's 127.0.0.1 (the fetcher's rule: plain http
 * only to loopback), while the fake, its TypeScript source and the vault's secret values stay on the host,
 * outside the "VM" disk, like the real cloud. The namespace also outlives container reboots, so the fetcher
 * finds its vault again on the second boot. No network device but lo: the container stays offline.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as path from "node:path";

const live = new Set<NetworkNamespace>();
let exitHookInstalled = false;

export class NetworkNamespace {
  readonly name: string;
  private readonly children = new Set<ChildProcess>();
  private deleted = false;

  private constructor(name: string) {
    this.name = name;
  }

  /** Path for systemd-nspawn --network-namespace-path=. */
  get path(): string {
    return path.join("/run/netns", this.name);
  }

  static create(): NetworkNamespace {
    sweepStale();
    const ns = new NetworkNamespace(`cw-boot-${process.pid}-${randomBytes(3).toString("hex")}`);
    const add = spawnSync("ip", ["netns", "add", ns.name], { encoding: "utf8" });
    if (add.status !== 0) throw new Error(`ip netns add ${ns.name} failed: ${add.stderr}`);
    live.add(ns);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on("exit", () => {
        for (const n of live) n.deleteSync();
      });
    }
    const up = spawnSync("ip", ["-n", ns.name, "link", "set", "lo", "up"], { encoding: "utf8" });
    if (up.status !== 0) {
      ns.deleteSync();
      throw new Error(`bringing lo up in ${ns.name} failed: ${up.stderr}`);
    }
    return ns;
  }

  /** Adds an address (a /32) to the namespace's lo: the container then has that address as its own. */
  addAddress(address: string): void {
    const r = spawnSync("ip", ["-n", this.name, "addr", "add", `${address}/32`, "dev", "lo"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`ip addr add ${address} in ${this.name} failed: ${r.stderr}`);
  }

  /**
   * Start a host command inside the namespace; resolves once a line of its stdout matches `ready`
   * (returning the match), rejects if it exits first or after timeoutMs. Killed by delete().
   */
  async start(cmd: string[], opts: { ready: RegExp; cwd?: string; timeoutMs?: number }): Promise<RegExpMatchArray> {
    const child = spawn("ip", ["netns", "exec", this.name, ...cmd], { cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
    this.children.add(child);
    let out = "";
    let err = "";
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(`not ready after ${opts.timeoutMs ?? 30_000} ms`), opts.timeoutMs ?? 30_000);
      const fail = (why: string): void => {
        clearTimeout(timer);
        child.kill("SIGKILL");
        reject(new Error(`${cmd.join(" ")} in netns ${this.name}: ${why}\n--- stdout\n${out}\n--- stderr\n${err}`));
      };
      child.stderr.on("data", (b: Buffer) => (err += b.toString()));
      child.stdout.on("data", (b: Buffer) => {
        out += b.toString();
        const m = opts.ready.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      });
      child.on("exit", (code) => fail(`exited ${code}`));
    });
  }

  /** Kill what start() started and delete the namespace. Idempotent. */
  deleteSync(): void {
    if (this.deleted) return;
    this.deleted = true;
    live.delete(this);
    for (const c of this.children) if (c.exitCode === null) c.kill("SIGKILL");
    spawnSync("ip", ["netns", "delete", this.name], { stdio: "ignore" });
  }
}

/** Namespaces (and what runs in them) left by a test run that was killed: their owner pid is gone. */
function sweepStale(): void {
  const list = spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout ?? "";
  for (const m of list.matchAll(/^cw-boot-(\d+)-[0-9a-f]+/gm)) {
    const owner = Number(m[1]);
    if (owner === process.pid || pidAlive(owner)) continue;
    const pids = spawnSync("ip", ["netns", "pids", m[0]], { encoding: "utf8" }).stdout ?? "";
    for (const pid of pids.split(/\s+/).filter(Boolean)) spawnSync("kill", ["-KILL", pid]);
    spawnSync("ip", ["netns", "delete", m[0]], { stdio: "ignore" });
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
