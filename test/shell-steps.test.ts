/**
 * Two steps of the shell bootstrap, run for real with stand-ins for the system tools they call (a fixture `bin/`
 * first on PATH), so each behaviour is seen, not just the text:
 * - the package step waits for other package runs (first boot: apt-daily, unattended-upgrades) and repairs an
 *   interrupted dpkg before installing, and fails at once on any other error;
 * - the admin user's authorized_keys is written by that user, exactly the configured keys, 0600 in a 0700
 *   ~/.ssh, unchanged when unchanged, never through a symlink.
 * The fixtures print what the real tools print when another process holds the lock (apt 2.x "Could not get
 * lock", dpkg "locked by another process").
 */
import { spawnSync } from "node:child_process";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { APT_LOCK_WAIT_SECONDS, renderAuthorizedKeys, renderPackageStep } from "../host/render-shell";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "codewhale-shell-steps-"));
  mkdirSync(path.join(dir, "bin"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tool(name: string, body: string): void {
  const file = path.join(dir, "bin", name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

/** Runs the step under `set -eu` with the fixtures first on PATH; `calls` lists each fixture's argv. */
function run(lines: readonly string[], stdin = ""): { status: number | null; out: string; calls: string[] } {
  const script = path.join(dir, "step.sh");
  writeFileSync(script, ["#!/bin/sh", "set -eu", ...lines, ""].join("\n"));
  const r = spawnSync("sh", [script], { input: stdin, encoding: "utf8", env: { ...process.env, PATH: `${dir}/bin:${process.env.PATH}`, CALLS: path.join(dir, "calls") } });
  let calls: string[] = [];
  try {
    calls = readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n").filter(Boolean);
  } catch {
    calls = [];
  }
  return { status: r.status, out: r.stdout + r.stderr, calls };
}

/** A fixture that fails with `message` its first `failures` times, then succeeds; every call is logged. */
function flaky(name: string, failures: number, message: string): void {
  tool(
    name,
    [
      `echo "${name} $*" >>"$CALLS"`,
      `n=$(cat "$CALLS.${name}" 2>/dev/null || echo 0); echo $((n + 1)) >"$CALLS.${name}"`,
      `if [ "$n" -lt ${failures} ]; then echo '${message}' >&2; exit 100; fi`,
    ].join("\n"),
  );
}

describe("package step", () => {
  beforeEach(() => {
    tool("dpkg-query", "exit 1"); // nothing installed
    tool("sleep", 'echo "sleep $*" >>"$CALLS"');
  });

  it("waits out the lock holders, repairs dpkg first, then updates and installs with apt's own lock wait", () => {
    flaky("dpkg", 2, "dpkg: error: dpkg frontend lock was locked by another process with pid 4242");
    tool("apt-get", [
      'echo "apt-get $*" >>"$CALLS"',
      'case "$*" in *" update "*|*" update") n=$(cat "$CALLS.update" 2>/dev/null || echo 0); echo $((n + 1)) >"$CALLS.update"',
      "  if [ \"$n\" -lt 1 ]; then echo 'E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4243 (apt-get)' >&2; exit 100; fi;;",
      "esac",
    ].join("\n"));
    const r = run(renderPackageStep(["curl", "git"]));
    expect(r.status, r.out).toBe(0);
    const wait = `-o DPkg::Lock::Timeout=${APT_LOCK_WAIT_SECONDS}`;
    expect(r.calls).toEqual([
      "dpkg --force-confdef --force-confold --configure -a",
      "sleep 10",
      "dpkg --force-confdef --force-confold --configure -a",
      "sleep 10",
      "dpkg --force-confdef --force-confold --configure -a",
      `apt-get ${wait} update -q`,
      "sleep 10",
      `apt-get ${wait} update -q`,
      `apt-get ${wait} install -y -q --no-install-recommends curl git`,
    ]);
    expect(r.out).toContain("waits for another package run");
  });

  it("fails at once, without retrying, on an error that is not a held lock", () => {
    tool("dpkg", 'echo "dpkg $*" >>"$CALLS"');
    tool("apt-get", ['echo "apt-get $*" >>"$CALLS"', 'case "$*" in *install*) echo "E: Unable to locate package git" >&2; exit 100;; esac'].join("\n"));
    const r = run(renderPackageStep(["curl", "git"]));
    expect(r.status).not.toBe(0);
    expect(r.calls.filter((c) => c.startsWith("apt-get") && c.includes(" install "))).toHaveLength(1);
    expect(r.calls).not.toContain("sleep 10");
    expect(r.out).toContain("Unable to locate package git");
  });

  it("gives up on a lock still held at the deadline", () => {
    flaky("dpkg", 1000, "dpkg: error: dpkg frontend lock was locked by another process with pid 4242");
    // A clock already past the deadline on its second reading.
    tool("date", `n=$(cat "$CALLS.date" 2>/dev/null || echo 0); echo $((n + 1)) >"$CALLS.date"; if [ "$n" -eq 0 ]; then echo 1000; else echo ${1000 + APT_LOCK_WAIT_SECONDS + 1}; fi`);
    const r = run(renderPackageStep(["curl"]));
    expect(r.status).not.toBe(0);
    expect(r.calls).toEqual(["dpkg --force-confdef --force-confold --configure -a"]);
  });

  it("touches no package state on a host that has everything", () => {
    tool("dpkg-query", "echo 'install ok installed'");
    tool("dpkg", 'echo "dpkg $*" >>"$CALLS"');
    tool("apt-get", 'echo "apt-get $*" >>"$CALLS"');
    const r = run(renderPackageStep(["curl", "git"]));
    expect(r.status, r.out).toBe(0);
    expect(r.calls).toEqual([]);
  });
});

describe("authorized keys", () => {
  const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJwX2hG8bAcD8aPw9xUcSMcK2ZSCwzTPyPmqm9RFvvO owner@example";
  const ROTATED = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDKh6vkTh3rPDRQxTlcfBfrOoQS8bJXO7d1YJ3rotated owner@example";
  let home: string;
  beforeEach(() => {
    home = path.join(dir, "home-ubuntu");
    mkdirSync(home);
    tool("getent", `[ "$1 $2" = "passwd ubuntu" ] && echo "ubuntu:x:1000:1000::${home}:/bin/bash"`);
    // runuser -u USER -- CMD...: logs the user, then runs CMD (as the test's own user).
    tool("runuser", ['echo "runuser $1 $2 $3" >>"$CALLS"', '[ "$1" = -u ] && [ "$3" = -- ] || exit 2', "shift 3", 'exec "$@"'].join("\n"));
  });
  const keysFile = () => path.join(home, ".ssh", "authorized_keys");

  it("writes exactly the keys as the login user, 0600 in a 0700 ~/.ssh, and leaves them untouched when unchanged", () => {
    const first = run(renderAuthorizedKeys({ user: "ubuntu", keys: [KEY] }));
    expect(first.status, first.out).toBe(0);
    expect(first.calls).toEqual(["runuser -u ubuntu --"]);
    expect(readFileSync(keysFile(), "utf8")).toBe(`${KEY}\n`);
    expect(statSync(keysFile()).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(home, ".ssh")).mode & 0o777).toBe(0o700);
    const before = statSync(keysFile());
    expect(run(renderAuthorizedKeys({ user: "ubuntu", keys: [KEY] })).status).toBe(0);
    const after = statSync(keysFile());
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it("replaces the old key on rotation", () => {
    run(renderAuthorizedKeys({ user: "ubuntu", keys: [KEY] }));
    expect(run(renderAuthorizedKeys({ user: "ubuntu", keys: [ROTATED] })).status).toBe(0);
    expect(readFileSync(keysFile(), "utf8")).toBe(`${ROTATED}\n`);
  });

  it("replaces a symlinked authorized_keys instead of writing through it", () => {
    const target = path.join(dir, "elsewhere");
    writeFileSync(target, "do not touch\n");
    mkdirSync(path.join(home, ".ssh"), { mode: 0o700 });
    symlinkSync(target, keysFile());
    expect(run(renderAuthorizedKeys({ user: "ubuntu", keys: [KEY] })).status).toBe(0);
    expect(readFileSync(target, "utf8")).toBe("do not touch\n");
    expect(lstatSync(keysFile()).isSymbolicLink()).toBe(false);
    expect(readFileSync(keysFile(), "utf8")).toBe(`${KEY}\n`);
  });

  it("refuses a symlinked ~/.ssh and writes nothing there", () => {
    const elsewhere = path.join(dir, "elsewhere-dir");
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, path.join(home, ".ssh"));
    const r = run(renderAuthorizedKeys({ user: "ubuntu", keys: [KEY] }));
    expect(r.status).not.toBe(0);
    expect(r.out).toContain(".ssh is a symlink");
    expect(spawnSync("ls", ["-A", elsewhere], { encoding: "utf8" }).stdout).toBe("");
  });

  it("stops the bootstrap when the login user does not exist (not an Ubuntu image)", () => {
    tool("getent", "exit 2");
    const r = run(renderAuthorizedKeys({ user: "ubuntu", keys: [KEY] }));
    expect(r.status).not.toBe(0);
    expect(r.out).toContain("login user ubuntu or its home is missing");
    expect(r.calls).toEqual([]);
  });

  it("refuses keys that would not stay one line of the heredoc", () => {
    expect(() => renderAuthorizedKeys({ user: "ubuntu", keys: [`${KEY}\nCODEWHALE_REMOTE_EOF`] })).toThrow(/one non-empty line/);
    expect(() => renderAuthorizedKeys({ user: "ubuntu", keys: [] })).toThrow(/no key/);
    expect(() => renderAuthorizedKeys({ user: "bad user", keys: [KEY] })).toThrow(/not a login user name/);
  });
});
