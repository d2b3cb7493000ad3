/**
 * The stack matrix (scripts/stack-matrix.ts): which stacks the pipeline plans, and which of them it may
 * preview against the cloud, deploy and drift-check (only those listed in .github/deploy-stacks), and which
 * need the Azure login whatever their own cloud.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEPLOY_LIST, readDeployList, stackMatrix } from "../scripts/stack-matrix";

const root = path.resolve(__dirname, "..");
const tmp = mkdtempSync(path.join(tmpdir(), "codewhale-stacks-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function repo(files: Record<string, string>): string {
  const d = path.join(tmp, `repo${n++}`);
  mkdirSync(path.join(d, ".github"), { recursive: true });
  writeFileSync(path.join(d, "Pulumi.yaml"), "name: codewhale-remote\n");
  for (const [f, content] of Object.entries(files)) writeFileSync(path.join(d, f), content);
  return d;
}

describe("this repository", () => {
  it("has one entry per Pulumi.<stack>.yaml", () => {
    const stacks = readdirSync(root).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).map((f) => f.slice("Pulumi.".length, -".yaml".length));
    expect(stackMatrix().map((e) => e.stack)).toEqual(stacks.sort());
  });

  it("deploys none of the example stacks: they are planned, never deployed, until a reviewed change lists them", () => {
    expect(stackMatrix()).toEqual([
      { stack: "dev", cloud: "azure", deploy: false, azureLogin: true },
      { stack: "lighthouse-feishu", cloud: "lighthouse", deploy: false, azureLogin: false },
    ]);
    expect(readDeployList()).toEqual([]);
  });

  it("prints the matrices the workflows read (--deployable: the listed stacks only)", () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ["--require", "./scripts/register-ts.cjs", "scripts/stack-matrix.ts", ...args], { cwd: root, encoding: "utf8", env: { ...process.env, PULUMI_BACKEND_URL: "" } });
    const all = run();
    expect(all.status, all.stderr).toBe(0);
    expect(JSON.parse(all.stdout)).toEqual(stackMatrix());
    expect(all.stdout.trim().split("\n")).toHaveLength(1);
    expect(run("--deployable").stdout).toBe("[]\n");
  });
});

describe("the rules", () => {
  it("takes each stack's cloud from its file (default azure), and its deploy flag from the list", () => {
    const d = repo({
      "Pulumi.prod-eu.yaml": "config:\n  codewhale-remote:cloud: lighthouse\n",
      "Pulumi.staging.yaml": "config:\n  codewhale-remote:bridge: feishu\n",
      ".github/deploy-stacks": "# production\nprod-eu   # the EU host\n\n",
    });
    expect(stackMatrix(d)).toEqual([
      { stack: "prod-eu", cloud: "lighthouse", deploy: true, azureLogin: false },
      { stack: "staging", cloud: "azure", deploy: false, azureLogin: true },
    ]);
  });

  it("logs Lighthouse stacks in to Azure when the backend or the secrets provider is in Azure", () => {
    const d = repo({
      "Pulumi.plain.yaml": "config:\n  codewhale-remote:cloud: lighthouse\n",
      "Pulumi.vault.yaml": "secretsprovider: azurekeyvault://cw.vault.azure.net/keys/pulumi\nencryptedkey: abc\nconfig:\n  codewhale-remote:cloud: lighthouse\n",
      "Pulumi.pass.yaml": "encryptionsalt: v1:abc\nconfig:\n  codewhale-remote:cloud: lighthouse\n",
    });
    const login = (env: { backendUrl?: string }) => Object.fromEntries(stackMatrix(d, env).map((e) => [e.stack, e.azureLogin]));
    expect(login({})).toEqual({ pass: false, plain: false, vault: true });
    expect(login({ backendUrl: "azblob://state" })).toEqual({ pass: true, plain: true, vault: true });
    expect(login({ backendUrl: "s3://bucket" })).toEqual({ pass: false, plain: false, vault: true });
  });

  it("refuses a .yml stack file, which the Pulumi CLI would not read next to Pulumi.yaml", () => {
    const d = repo({ "Pulumi.prod.yml": "config:\n  codewhale-remote:cloud: azure\n" });
    expect(() => stackMatrix(d)).toThrow("Pulumi.prod.yml: the Pulumi CLI reads Pulumi.prod.yaml (the extension of Pulumi.yaml) and would ignore this file. Rename it to Pulumi.prod.yaml.");
  });

  it("refuses a file name that is no stack name, saying how to fix it", () => {
    const d = repo({ "Pulumi.a b.yaml": "config: {}\n" });
    expect(() => stackMatrix(d)).toThrow(/Pulumi\.a b\.yaml: 'a b' is not a valid stack name.*Rename the file to Pulumi\.<stack>\.yaml/);
  });

  it("refuses a listed stack without a stack file, a bad name and a duplicate", () => {
    expect(() => stackMatrix(repo({ "Pulumi.dev.yaml": "config: {}\n", [DEPLOY_LIST]: "dev\nprod\n" }))).toThrow(".github/deploy-stacks: 'prod' has no Pulumi.<stack>.yaml at the repository root. Add the stack file or remove the line.");
    expect(() => readDeployList(repo({ [DEPLOY_LIST]: "dev prod\n" }))).toThrow(".github/deploy-stacks: 'dev prod' is not a stack name");
    expect(() => readDeployList(repo({ [DEPLOY_LIST]: "dev\ndev\n" }))).toThrow(".github/deploy-stacks: 'dev' is listed twice");
  });

  it("lists nothing as deployable without the list file", () => {
    const d = repo({ "Pulumi.dev.yaml": "config: {}\n" });
    expect(stackMatrix(d).map((e) => e.deploy)).toEqual([false]);
  });
});
