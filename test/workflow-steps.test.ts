/**
 * The workflows' own scripts, run: the strict offline plan step (its verdict in the job summary and in the
 * file the PR comment reads), the PR comment (created once, then edited in place), the drift check's look for
 * unfinished deploys, and the health check's verdict on what the host reports. Each runs the `run:` text of
 * the workflow as GitHub does (bash -e -o pipefail), with stand-ins for gh and az (test/fixtures/bin).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { OPS_COMMAND } from "../host/units";

const root = path.resolve(__dirname, "..");
const bin = path.join(__dirname, "fixtures/bin");
type Step = { name?: string; id?: string; run?: string; env?: Record<string, string> };
type Jobs = Record<string, { steps: Step[] }>;
const jobs = (f: string) => (parseYaml(readFileSync(path.join(root, ".github/workflows", f), "utf8")) as { jobs: Jobs }).jobs;
const stack = jobs("stack.yml");
const step = (job: string, id: string) => stack[job]!.steps.find((s) => s.id === id || s.name === id)!;

const tmp = mkdtempSync(path.join(tmpdir(), "codewhale-steps-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

function run(script: string, env: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmp, `run${n++}-`));
  const summary = path.join(dir, "summary.md");
  writeFileSync(summary, "");
  const r = spawnSync("bash", ["-e", "-o", "pipefail", "-c", script], {
    cwd: root,
    encoding: "utf8",
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME ?? dir, RUNNER_TEMP: dir, GITHUB_STEP_SUMMARY: summary, GITHUB_REPOSITORY: "me/cw", ...env },
  });
  return { status: r.status, out: r.stdout + r.stderr, summary: readFileSync(summary, "utf8"), dir };
}

describe("the strict offline plan step", () => {
  it("fails on the example stack's missing secrets, and puts the whole report in the summary and the comment file", () => {
    for (const job of ["read", "write"]) expect(step(job, "plan").run).toBe(step("read", "plan").run);
    const r = run(step("read", "plan").run!, { STACK: "dev" });
    expect(r.status).toBe(1);
    expect(r.summary).toContain("### Offline plan and policies of dev: failed (exit 1)");
    expect(r.summary).toContain("codewhale-remote:telegramBotToken: is required and not set");
    // The plan's own report only: no npm banner (`> codewhale-remote@... plan`), no npm error trailer.
    expect(r.summary).not.toMatch(/^> |npm (error|ERR)/m);
    expect(readFileSync(path.join(r.dir, "plan.md"), "utf8")).toBe(r.summary);
  }, 60_000);
});

describe("the PR comment", () => {
  it("is created once, then edited in place, with the offline plan and the outcomes, even with no plan file", () => {
    const comment = step("read", "Offline plan on the pull request").run!;
    const dir = mkdtempSync(path.join(tmp, "pr-"));
    const store = path.join(dir, "gh.json");
    writeFileSync(store, JSON.stringify({ comments: [{ id: 1, issue: 7, body: "#### :tropical_drink: `preview` on codewhale-remote/prod" }], runs: [] }));
    const env = { GH_TOKEN: "t", PR: "7", STACK: "prod", FAKE_GH_STORE: store };
    const once = (plan: string | undefined) => {
      const d = mkdtempSync(path.join(tmp, "rt-"));
      if (plan !== undefined) writeFileSync(path.join(d, "plan.md"), plan);
      writeFileSync(path.join(d, "outcome.md"), "| pulumi preview | failure |\n");
      const r = spawnSync("bash", ["-e", "-o", "pipefail", "-c", comment], { cwd: root, encoding: "utf8", env: { PATH: `${bin}:${process.env.PATH}`, RUNNER_TEMP: d, GITHUB_REPOSITORY: "me/cw", ...env } });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(readFileSync(store, "utf8")) as { comments: { id: number; body: string }[] };
    };
    const first = once("### Offline plan and policies of prod: passed\n");
    expect(first.comments).toHaveLength(2);
    expect(first.comments[1]!.body).toContain("<!-- codewhale-remote offline plan: prod -->\n### Offline plan and policies of prod: passed");
    expect(first.comments[1]!.body).toContain("| pulumi preview | failure |");
    const second = once(undefined);
    expect(second.comments).toHaveLength(2);
    expect(second.comments[1]!.body).toContain("The offline plan of prod did not run.");
    // pulumi/actions' own comment is left alone.
    expect(second.comments[0]!.body).toBe("#### :tropical_drink: `preview` on codewhale-remote/prod");
  });
});

describe("the drift check's look for unfinished deploys", () => {
  const look = jobs("drift.yml").deploys!.steps[0]!.run!;
  it.each([
    [[{ status: "completed" }, { status: "completed" }], "busy=false"],
    [[{ status: "completed" }, { status: "waiting" }], "busy=true"],
    [[{ status: "queued" }], "busy=true"],
    [[], "busy=false"],
  ])("runs %j: %s", (runs, expected) => {
    const store = path.join(mkdtempSync(path.join(tmp, "gh-")), "gh.json");
    writeFileSync(store, JSON.stringify({ comments: [], runs }));
    const output = path.join(tmp, `out${n++}`);
    writeFileSync(output, "");
    const r = run(look, { GH_TOKEN: "t", FAKE_GH_STORE: store, GITHUB_OUTPUT: output });
    expect(r.status, r.out).toBe(0);
    expect(readFileSync(output, "utf8")).toBe(`${expected}\n`);
  });
});

describe("the SSH health check (ops status)", () => {
  const health = step("write", "health-ssh");
  const check = (env: Record<string, string>) => {
    const dir = mkdtempSync(path.join(tmp, "ssh-"));
    const argv = path.join(dir, "argv");
    const r = run(health.run!, {
      STACK: "prod",
      PUBLIC_IP: "203.0.113.9",
      SSH_COMMAND: "ssh azureuser@203.0.113.9",
      OPS_SSH_KEY: "-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n-----END OPENSSH PRIVATE KEY-----",
      OPS_SSH_KNOWN_HOSTS: "203.0.113.9 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJwX2hG8bAcD8aPw9xUcSMcK2ZSCwzTPyPmqm9RFvvO",
      OPS_HEALTH_TRIES: "2",
      OPS_HEALTH_PAUSE: "0",
      FAKE_SSH_ARGV: argv,
      ...env,
    });
    return { ...r, calls: () => readFileSync(argv, "utf8").split("\n==end==\n").filter(Boolean).map((c) => c.split("\n")) };
  };

  it("runs the CLI's status over ssh with the pinned host key and the key, then removes the key; healthy on exit 0", () => {
    const r = check({ FAKE_SSH_STDOUT: "host cw: healthy\n", FAKE_SSH_EXIT: "0" });
    expect(r.status, r.out).toBe(0);
    expect(r.summary).toContain("### Host health of prod (ops status over SSH to 203.0.113.9): healthy");
    expect(r.summary).toContain("host cw: healthy");
    const [call] = r.calls();
    expect(call).toEqual(expect.arrayContaining(["StrictHostKeyChecking=yes", "BatchMode=yes", `UserKnownHostsFile=${path.join(r.dir, "ops_known_hosts")}`]));
    expect(call!.slice(call!.indexOf("--"))).toEqual(["--", "azureuser@203.0.113.9", OPS_COMMAND, "status"]);
    expect(() => readFileSync(path.join(r.dir, "ops_key")), "the key is removed").toThrow(/ENOENT/);
  }, 60_000);

  it("tries again while the host reports a unit down, then fails and says UNHEALTHY", () => {
    const r = check({ FAKE_SSH_STDOUT: "host cw: UNHEALTHY (codewhale-runtime.service failed)\n", FAKE_SSH_EXIT: "1" });
    expect(r.status).toBe(1);
    expect(r.calls().length).toBe(2);
    expect(r.summary).toContain("): UNHEALTHY (exit 1)");
  }, 60_000);

  it("refuses a host key it does not know (ssh exits 255, as for a host not up yet: tried again, then failed)", () => {
    const r = check({ OPS_SSH_KNOWN_HOSTS: "198.51.100.1 ssh-ed25519 AAAA" });
    expect(r.status).toBe(1);
    expect(r.calls().length).toBe(2);
    expect(r.summary).toContain("UNHEALTHY (exit 255)");
    expect(r.summary).toContain("the host key of 203.0.113.9 is not in known_hosts");
  }, 60_000);

  it("fails, saying so, without the key", () => {
    const r = check({ OPS_SSH_KEY: "" });
    expect(r.status).toBe(1);
    expect(r.summary).toContain("not checked (OPS_SSH_KNOWN_HOSTS is set, but the OPS_SSH_KEY secret");
  });
});

describe("the Azure health check", () => {
  const health = step("write", "health-azure");
  const units = (runtime: string, bridge: string) =>
    [
      "codewhale-config.service          loaded active   exited  Write CodeWhale config from Key Vault",
      "codewhale-data.service            loaded active   exited  Prepare the CodeWhale data disk",
      `codewhale-runtime.service         loaded ${runtime} CodeWhale runtime`,
      `codewhale-telegram-bridge.service loaded ${bridge} CodeWhale Telegram bridge`,
    ].join("\n");
  const check = (stdout: string, group = "agentd4f0bc5a") => {
    const dir = mkdtempSync(path.join(tmp, "az-"));
    return {
      ...run(health.run!, { STACK: "prod", RESOURCE_GROUP: group, HOST_SCRIPT: health.env!.HOST_SCRIPT!, FAKE_AZ_VMS: "vm-agent", FAKE_AZ_STDOUT: stdout, FAKE_AZ_SCRIPT: path.join(dir, "script") }),
      script: () => readFileSync(path.join(dir, "script"), "utf8"),
    };
  };

  it("passes when the runtime runs and no unit failed, sending the host script as it is in the workflow", () => {
    const r = check(units("active   running", "active   running"));
    expect(r.status, r.out).toBe(0);
    expect(r.summary).toContain("### Host health of prod (systemd on VM vm-agent, through Azure Run Command): healthy");
    expect(r.summary).toContain("codewhale-runtime.service");
    expect(r.script()).toBe(health.env!.HOST_SCRIPT);
  });

  it.each([
    ["a unit failed", units("active   running", "failed   failed")],
    ["the runtime is not running", units("activating start", "active   running")],
    ["no unit reported", ""],
  ])("fails and says UNHEALTHY when %s", (_why, stdout) => {
    const r = check(stdout);
    expect(r.status).toBe(1);
    expect(r.summary).toContain("): UNHEALTHY");
  });

  it("fails, saying so, without a resource group to look in", () => {
    const r = check(units("active   running", "active   running"), "");
    expect(r.status).toBe(1);
    expect(r.summary).toBe("### Host health of prod: not checked (no resourceGroupName output)\n");
  });
});
