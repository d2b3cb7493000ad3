/**
 * The README as a newcomer reads it: what it promises about the offline plan matches what the plan does, the
 * commands it gives are the ones that work, and the sections a first deploy needs are there.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { planStack, type Plan } from "../scripts/offline-plan";

const root = path.resolve(__dirname, "..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");
const section = (title: string) => {
  const start = readme.indexOf(`\n${title}\n`);
  expect(start, title).toBeGreaterThanOrEqual(0);
  const level = title.split(" ")[0]!;
  // Headings outside code blocks only (a shell comment is not a heading); blanked to keep the offsets.
  const prose = readme.replace(/```[\s\S]*?```/g, (block) => block.replace(/[^\n]/g, " "));
  const next = prose.slice(start + title.length + 2).search(new RegExp(`\\n#{1,${level.length}} `));
  return readme.slice(start, next < 0 ? undefined : start + title.length + 2 + next);
};

let plan: Plan;
beforeAll(async () => {
  plan = await planStack({ stack: "dev" });
}, 60_000);

describe("README", () => {
  it("lists every field of the JSON plan and of its resources", () => {
    const text = section("## Try it (fresh machine, no cloud account, no Pulumi CLI)").replace(/\s+/g, " ");
    const m = /`\{project, stack, resources:\[\{([^\]]+)\}\], ([^`]+)\}`/.exec(text);
    expect(m, "the JSON shape line").not.toBeNull();
    expect(m![1]!.split(",").map((s) => s.trim()).sort()).toEqual(Object.keys(plan.resources[0]!).sort());
    expect(["project", "stack", "resources", ...m![2]!.split(",").map((s) => s.trim())].sort()).toEqual(Object.keys(plan).sort());
  });

  it("asks for the IPv4 address everywhere it builds an SSH CIDR", () => {
    expect(readme).not.toMatch(/curl (-s )?https:\/\/ifconfig\.me/);
    expect(readme.match(/curl -4 -s https:\/\/ifconfig\.me\)\/32/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it("documents `npm run -s plan` for JSON, and --json-out", () => {
    expect(readme).toContain("npm run -s plan -- --stack dev --json > plan.json");
    expect(readme).toContain("--json-out plan.json");
  });

  it("has what a first deploy needs before it starts: per target accounts, roles, CLIs, quotas, cost and billing", () => {
    const before = section("## Before you deploy");
    for (const text of ["@BotFather", "az login", "Role Based Access Control Administrator", "az provider register", "az vm list-usage", "pay as you go", "tccli", "QcloudTATFullAccess", "prepaid monthly", "NOTIFY_AND_AUTO_RENEW", "renew automatically", "DescribeBundles"]) {
      expect(before, text).toContain(text);
    }
  });

  it("says how to use it, what to do when the bot is silent, and how to tear it down", () => {
    const use = section("## Use it");
    for (const text of ["/allow <id>", "/deny <id>", "/new", "/threads", "approvalPolicy"]) expect(use, text).toContain(text);
    const trouble = section("## Troubleshooting");
    for (const text of ["journalctl -u codewhale-runtime", "journalctl -u codewhale-telegram-bridge", "curl -s http://127.0.0.1:7878/health", "systemctl is-active codewhale-runtime", "sudo systemctl restart <bridge unit>"]) {
      expect(trouble, text).toContain(text);
    }
    const down = section("## Tear down");
    for (const text of ["pulumi destroy", "pulumi stack rm <stack>", "/deletebot", '"Destroy" subsection']) expect(down, text).toContain(text);
    // Each target has the Destroy subsection the tear-down points to.
    expect(section("### Azure")).toContain("#### Destroy");
    expect(section("### Tencent Cloud Lighthouse")).toContain("#### Destroy");
  });

  it("its own --out example is ignored by git", () => {
    expect(readme).toContain("--out bundle/");
    const r = spawnSync("git", ["check-ignore", "-q", "bundle/RUNBOOK.md"], { cwd: root });
    expect(r.status).toBe(0);
  });
});
