import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeAzure, type FakeAzure, type Fault, type Route } from "./fixtures/fake-azure-metadata";

// The host-side fetcher (components/azure/assets/fetch-host-config.mjs) runs on the VM as a child process of
// systemd; here it runs as a child process of the test, against a fake IMDS + Key Vault on 127.0.0.1.

const SCRIPT = path.resolve(__dirname, "../components/azure/assets/fetch-host-config.mjs");

// Recognizable fake secrets: none of them may ever appear in the fetcher's output.
const PROVIDER_KEY = "sk-LEAKCHECK-provider-9f2c71d04e";
const RUNTIME_TOKEN = "rt-LEAKCHECK-runtime-5be3a8c1";
const TELEGRAM_TOKEN = "tg-LEAKCHECK-telegram-77aa0b2f";
const FEISHU_SECRET = "fs-LEAKCHECK-feishu-31c9e6d2";
const LEAK_MARKERS = [PROVIDER_KEY, RUNTIME_TOKEN, TELEGRAM_TOKEN, FEISHU_SECRET, "LEAKCHECK"];

type Entry = { name: string; value: string } | { name: string; secret: string };
type ManifestFile =
  | { name: string; format: "env"; entries: Entry[] }
  | { name: string; format: "raw"; content: string };

const RUNTIME_ENV: ManifestFile = {
  name: "runtime.env",
  format: "env",
  entries: [
    { name: "CODEWHALE_PROVIDER", value: "deepseek" },
    { name: "CODEWHALE_RUNTIME_TOKEN", secret: "runtime-token" },
    { name: "DEEPSEEK_API_KEY", secret: "provider-api-key" },
  ],
};
const INSTALL_ENV: ManifestFile = {
  name: "install.env",
  format: "env",
  entries: [
    { name: "CODEWHALE_VERSION", value: "0.9.10" },
    // systemd keeps an inline "#" in the value, so it is written verbatim, not quoted or stripped.
    { name: "CODEWHALE_NOTE", value: "a # b" },
  ],
};
const CONFIG_TOML: ManifestFile = { name: "config.toml", format: "raw", content: 'provider = "custom"\n' };
const TELEGRAM_ENV: ManifestFile = {
  name: "telegram.env",
  format: "env",
  entries: [
    { name: "TELEGRAM_BOT_TOKEN", secret: "telegram-bot-token" },
    // The same secret twice in a manifest is read once.
    { name: "CODEWHALE_RUNTIME_TOKEN", secret: "runtime-token" },
  ],
};
const FEISHU_ENV: ManifestFile = {
  name: "feishu.env",
  format: "env",
  entries: [{ name: "FEISHU_APP_SECRET", secret: "feishu-app-secret" }],
};

const manifest = (...files: ManifestFile[]): string => JSON.stringify({ schema: 1, files });
const STANDARD_MANIFEST = manifest(RUNTIME_ENV, INSTALL_ENV, CONFIG_TOML);
const EXPECTED_RUNTIME_ENV = `CODEWHALE_PROVIDER=deepseek\nCODEWHALE_RUNTIME_TOKEN=${RUNTIME_TOKEN}\nDEEPSEEK_API_KEY=${PROVIDER_KEY}\n`;
const EXPECTED_INSTALL_ENV = "CODEWHALE_VERSION=0.9.10\nCODEWHALE_NOTE=a # b\n";

const standardSecrets = (): Record<string, string> => ({
  "host-config": STANDARD_MANIFEST,
  "runtime-token": RUNTIME_TOKEN,
  "provider-api-key": PROVIDER_KEY,
  "telegram-bot-token": TELEGRAM_TOKEN,
  "feishu-app-secret": FEISHU_SECRET,
});

const isRoot = process.getuid?.() === 0;
/** A real group other than root when there is one, so the test proves the group is applied. */
const FILE_GROUP = ["daemon", "nogroup", "users"].find((g) => readFileSync("/etc/group", "utf8").split("\n").some((l) => l.startsWith(`${g}:`))) ?? "root";
const FILE_GID = Number(
  readFileSync("/etc/group", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${FILE_GROUP}:`))
    ?.split(":")[2] ?? 0,
);

interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Every output of every run of the fetcher in this file, and every token the fakes issued: for the leak test. */
const allOutputs: string[] = [];
const issuedTokens: string[] = [];

let fake: FakeAzure;
let secrets: Record<string, string>;
let workDir: string;
let outDir: string;

/** Runs the fetcher against the fake (asynchronously: the fake lives in this process's event loop). */
async function runFetcher(env: Record<string, string> = {}): Promise<RunResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [SCRIPT], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      CODEWHALE_VAULT_URL: fake.url,
      CODEWHALE_IMDS_ENDPOINT: fake.url,
      CODEWHALE_CONFIG_DIR: outDir,
      CODEWHALE_FILE_GROUP: FILE_GROUP,
      CODEWHALE_FETCH_DEADLINE_SECONDS: "10",
      CODEWHALE_FETCH_REQUEST_TIMEOUT_SECONDS: "2",
      CODEWHALE_FETCH_BACKOFF_BASE_MS: "5",
      CODEWHALE_FETCH_BACKOFF_CAP_MS: "40",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  allOutputs.push(stdout, stderr);
  // Checked on every run, successful or not; the last test checks them all once more.
  for (const marker of [...LEAK_MARKERS, fake.token]) {
    expect(stdout + stderr).not.toContain(marker);
  }
  return { code, stdout, stderr, ms: Date.now() - started };
}

const read = (name: string): string => readFileSync(path.join(outDir, name), "utf8");
const listDir = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);
/** Contents and mtimes of every file in the output dir, to prove a failed run touched nothing. */
const snapshot = (): Record<string, { content: string; mtimeMs: number; ino: number }> =>
  Object.fromEntries(
    listDir(outDir).map((n) => {
      const st = statSync(path.join(outDir, n));
      return [n, { content: read(n), mtimeMs: st.mtimeMs, ino: st.ino }];
    }),
  );

const tmpRoot = mkdtempSync(path.join(os.tmpdir(), "fetch-host-config-"));

beforeEach(async () => {
  secrets = standardSecrets();
  fake = await startFakeAzure({ secrets: () => secrets });
  issuedTokens.push(fake.token);
  workDir = mkdtempSync(path.join(tmpRoot, "case-"));
  outDir = path.join(workDir, "run", "codewhale");
});

afterEach(async () => {
  await fake.close();
});

afterAll(() => {
  rmSync(tmpRoot, { recursive: true, force: true });
});

describe("fetch-host-config.mjs: happy path", () => {
  it("writes every manifest file as exact NAME=value lines: env files 0600 root:root, raw files 0640 root:<group>, in a 0711 dir it creates", async () => {
    const r = await runFetcher();

    expect(r.code).toBe(0);
    expect(read("runtime.env")).toBe(EXPECTED_RUNTIME_ENV);
    expect(read("install.env")).toBe(EXPECTED_INSTALL_ENV);
    expect(read("config.toml")).toBe('provider = "custom"\n');
    expect(listDir(outDir)).toEqual([".managed", "config.toml", "install.env", "runtime.env"]);
    expect(read(".managed")).toBe("runtime.env\ninstall.env\nconfig.toml\n");

    // Env files are read by systemd as root only, so no service reads another's secrets; config.toml (no
    // secret) is read by the runtime. Unprivileged (no group to give), config.toml stays 0600 too.
    for (const name of ["runtime.env", "install.env", ".managed"]) {
      const st = statSync(path.join(outDir, name));
      expect(st.mode & 0o777, name).toBe(0o600);
      expect(st.uid, name).toBe(isRoot ? 0 : process.getuid?.());
      expect(st.gid, name).toBe(isRoot ? 0 : process.getgid?.());
    }
    const toml = statSync(path.join(outDir, "config.toml"));
    expect(toml.mode & 0o777).toBe(isRoot ? 0o640 : 0o600);
    expect(toml.gid).toBe(isRoot ? FILE_GID : process.getgid?.());
    const dirStat = statSync(outDir);
    expect(dirStat.mode & 0o777).toBe(0o711);

    expect(r.stderr).toContain("codewhale-config: wrote runtime.env, install.env, config.toml (3 secrets)");
    expect(r.stdout).toBe("");
  });

  it("fetches one managed identity token and reads each distinct secret once", async () => {
    secrets["host-config"] = manifest(RUNTIME_ENV, TELEGRAM_ENV);

    const r = await runFetcher();

    expect(r.code).toBe(0);
    expect(fake.count("token")).toBe(1);
    expect(fake.count("secret/host-config")).toBe(1);
    expect(fake.count("secret/runtime-token")).toBe(1);
    expect(fake.count("secret/provider-api-key")).toBe(1);
    expect(fake.count("secret/telegram-bot-token")).toBe(1);
    expect(fake.requests.map((q) => q.route)).not.toContain("secret/feishu-app-secret");
    expect(read("telegram.env")).toBe(`TELEGRAM_BOT_TOKEN=${TELEGRAM_TOKEN}\nCODEWHALE_RUNTIME_TOKEN=${RUNTIME_TOKEN}\n`);
    expect(r.stderr).toContain("wrote runtime.env, telegram.env (4 secrets)");
  });

  it("rewrites the files on a later run (day-2 rollout) with the new values", async () => {
    expect((await runFetcher()).code).toBe(0);
    secrets["provider-api-key"] = `${PROVIDER_KEY}-rotated`;

    expect((await runFetcher()).code).toBe(0);

    expect(read("runtime.env")).toContain(`DEEPSEEK_API_KEY=${PROVIDER_KEY}-rotated\n`);
    expect(listDir(outDir)).toEqual([".managed", "config.toml", "install.env", "runtime.env"]);
  });
});

describe("fetch-host-config.mjs: transient failures are retried until they clear", () => {
  interface TransientCase {
    readonly title: string;
    readonly route: Route;
    readonly fault: Fault;
    readonly times: number;
    readonly logged: string;
    readonly env?: Record<string, string>;
  }
  const cases: TransientCase[] = [
    { title: "IMDS 410 x3 (metadata service still starting)", route: "token", fault: { status: 410 }, times: 3, logged: "GET token -> 410" },
    { title: "IMDS 404 x2", route: "token", fault: { status: 404 }, times: 2, logged: "GET token -> 404" },
    { title: "IMDS 429 then OK", route: "token", fault: { status: 429 }, times: 1, logged: "GET token -> 429" },
    { title: "IMDS 500 then OK", route: "token", fault: { status: 500 }, times: 1, logged: "GET token -> 500" },
    {
      title: "vault 403 for a while (role assignment not propagated yet)",
      route: "secret/provider-api-key",
      fault: { status: 403 },
      times: 6,
      logged: "GET secret provider-api-key -> 403 (ForbiddenByRbac), retrying in",
    },
    {
      title: "vault 404 for a while (secret not created yet)",
      route: "secret/runtime-token",
      fault: { status: 404 },
      times: 4,
      logged: "GET secret runtime-token -> 404 (SecretNotFound), retrying in",
    },
    { title: "vault 404 for the manifest itself", route: "secret/host-config", fault: { status: 404 }, times: 3, logged: "GET secret host-config -> 404" },
    { title: "vault 429 then OK", route: "secret/provider-api-key", fault: { status: 429 }, times: 1, logged: "GET secret provider-api-key -> 429" },
    { title: "vault 500 then OK", route: "secret/runtime-token", fault: { status: 500 }, times: 1, logged: "GET secret runtime-token -> 500" },
    { title: "vault 503 then OK", route: "secret/host-config", fault: { status: 503 }, times: 2, logged: "GET secret host-config -> 503" },
    {
      title: "a vault request that is accepted and never answered (per-request timeout)",
      route: "secret/provider-api-key",
      fault: { hang: true },
      times: 1,
      logged: "GET secret provider-api-key -> timed out after 0.3s",
      env: { CODEWHALE_FETCH_REQUEST_TIMEOUT_SECONDS: "0.3" },
    },
    {
      title: "an IMDS request that is accepted and never answered",
      route: "token",
      fault: { hang: true },
      times: 1,
      logged: "GET token -> timed out after 0.3s",
      env: { CODEWHALE_FETCH_REQUEST_TIMEOUT_SECONDS: "0.3" },
    },
  ];

  it.each(cases)("$title", async ({ route, fault, times, logged, env }) => {
    fake.inject(route, fault, times);

    const r = await runFetcher(env);

    expect(r.code).toBe(0);
    expect(fake.count(route)).toBe(times + 1);
    expect(r.stderr).toContain(logged);
    expect(r.stderr).toMatch(new RegExp(`retrying in [0-9.]+m?s \\(attempt ${times}\\)`));
    expect(read("runtime.env")).toBe(EXPECTED_RUNTIME_ENV);
    expect(r.stderr).toContain("wrote runtime.env, install.env, config.toml (3 secrets)");
  });

  it("a hung request costs one request timeout, not the whole deadline", async () => {
    fake.inject("secret/runtime-token", { hang: true });

    const r = await runFetcher({ CODEWHALE_FETCH_REQUEST_TIMEOUT_SECONDS: "0.5", CODEWHALE_FETCH_DEADLINE_SECONDS: "20" });

    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(500);
    expect(r.ms).toBeLessThan(5000);
  });

  it("a vault 401 makes it fetch a fresh token, then the read succeeds", async () => {
    fake.inject("secret/provider-api-key", { status: 401 });

    const r = await runFetcher();

    expect(r.code).toBe(0);
    expect(fake.count("token")).toBe(2);
    expect(fake.count("secret/provider-api-key")).toBe(2);
    expect(read("runtime.env")).toBe(EXPECTED_RUNTIME_ENV);
  });

  it("sends Metadata: true and the vault resource to IMDS, and the issued bearer token to the vault", async () => {
    const r = await runFetcher();

    // The fake answers 400 without the header or resource, and 401 to any other bearer token.
    expect(r.code).toBe(0);
    expect(fake.requests.every((q) => q.outcome === 200)).toBe(true);
    const tokenRequest = fake.requests.find((q) => q.route === "token");
    expect(tokenRequest?.url).toBe("/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net");
    expect(fake.requests.filter((q) => q.route !== "token").map((q) => q.url)).toEqual([
      "/secrets/host-config?api-version=7.4",
      "/secrets/runtime-token?api-version=7.4",
      "/secrets/provider-api-key?api-version=7.4",
    ]);
  });
});

describe("fetch-host-config.mjs: permanent failures", () => {
  it("a permanent vault 403 exits 2 after the deadline, names the secret and the likely fix, and leaves the previous files untouched", async () => {
    expect((await runFetcher()).code).toBe(0);
    const before = snapshot();
    fake.inject("secret/provider-api-key", { status: 403 }, Infinity);

    const r = await runFetcher({ CODEWHALE_FETCH_DEADLINE_SECONDS: "1.2" });

    expect(r.code).toBe(2);
    expect(r.ms).toBeGreaterThanOrEqual(1000);
    expect(r.ms).toBeLessThan(6000);
    const last = r.stderr.trimEnd().split("\n").at(-1) ?? "";
    expect(last).toMatch(/^codewhale-config: gave up after [0-9.]+s, \d+ attempts: GET secret provider-api-key -> 403/);
    expect(last).toContain("the VM identity lacks 'Key Vault Secrets User' on the vault, or the role assignment has not propagated yet");
    expect(fake.count("secret/provider-api-key")).toBeGreaterThan(5);
    expect(snapshot()).toEqual(before);
  });

  it("a permanent 403 on the first boot writes nothing at all", async () => {
    fake.inject("secret/*", { status: 403 }, Infinity);

    const r = await runFetcher({ CODEWHALE_FETCH_DEADLINE_SECONDS: "0.5" });

    expect(r.code).toBe(2);
    expect(r.stderr).toContain("GET secret host-config -> 403");
    expect(existsSync(outDir)).toBe(false);
  });

  it("a last attempt cut short by the deadline gives up with the last real answer, not its own timeout", async () => {
    // 410 first, then IMDS hangs: the retry after it has only what is left of the deadline, far less than
    // the request timeout (10 s), and runs out of it.
    fake.inject("token", { status: 410 }, 1);
    fake.inject("token", { hang: true }, Infinity);

    const r = await runFetcher({ CODEWHALE_FETCH_DEADLINE_SECONDS: "2.5" });

    expect(r.code).toBe(2);
    const last = r.stderr.trim().split("\n").at(-1)!;
    expect(last).toMatch(/gave up after .*GET token -> 410/);
    expect(last).not.toMatch(/timed out/);
  });

  it("IMDS that never becomes ready exits 2 and says so", async () => {
    fake.inject("token", { status: 410 }, Infinity);

    // Long enough for node to start and see one 410 on a loaded machine; the schedule gives up on its own.
    const r = await runFetcher({ CODEWHALE_FETCH_DEADLINE_SECONDS: "3" });

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/gave up after .*GET token -> 410/);
    expect(r.stderr).toContain("managed identity");
    expect(existsSync(outDir)).toBe(false);
  });

  it("IMDS 400 (no managed identity on the VM) fails at once with exit 1", async () => {
    fake.inject("token", { status: 400, body: JSON.stringify({ error: "invalid_request", error_description: "Identity not found" }) });

    const r = await runFetcher({ CODEWHALE_FETCH_DEADLINE_SECONDS: "30" });

    expect(r.code).toBe(1);
    expect(fake.count("token")).toBe(1);
    expect(r.stderr).toContain("GET token -> 400 (invalid_request): is a managed identity assigned to the VM?");
    expect(r.ms).toBeLessThan(5000);
  });

  it("a vault 400 is not retried", async () => {
    fake.inject("secret/runtime-token", { status: 400 });

    const r = await runFetcher({ CODEWHALE_FETCH_DEADLINE_SECONDS: "30" });

    expect(r.code).toBe(1);
    expect(fake.count("secret/runtime-token")).toBe(1);
    expect(r.stderr).toContain("GET secret runtime-token -> 400");
    expect(existsSync(outDir)).toBe(false);
  });

  it("a vault that refuses connections exits 2 after the deadline", async () => {
    const r = await runFetcher({ CODEWHALE_VAULT_URL: "http://127.0.0.1:1", CODEWHALE_FETCH_DEADLINE_SECONDS: "0.5" });

    expect(r.code).toBe(2);
    expect(r.stderr).toContain("GET secret host-config -> ECONNREFUSED");
    expect(r.stderr).toContain("unreachable");
  });
});

describe("fetch-host-config.mjs: validation happens before anything is written", () => {
  it.each([
    ["a newline", `${PROVIDER_KEY}\nEVIL=1`],
    ["a trailing newline", `${PROVIDER_KEY}\n`],
    ["a carriage return", `${PROVIDER_KEY}\r`],
    ["a NUL", `${PROVIDER_KEY}\u0000x`],
  ])("a secret value containing %s exits 1, names the secret, writes nothing", async (_what, value) => {
    secrets["provider-api-key"] = value;

    const r = await runFetcher();

    expect(r.code).toBe(1);
    expect(r.stderr).toContain("runtime.env: DEEPSEEK_API_KEY (secret provider-api-key) contains a newline, carriage return or NUL");
    expect(existsSync(outDir)).toBe(false);
  });

  it("a bad secret value leaves the files of a previous run untouched", async () => {
    expect((await runFetcher()).code).toBe(0);
    const before = snapshot();
    secrets["runtime-token"] = `${RUNTIME_TOKEN}\n`;

    const r = await runFetcher();

    expect(r.code).toBe(1);
    expect(r.stderr).toContain("secret runtime-token");
    expect(snapshot()).toEqual(before);
  });

  it.each([
    ["a backslash", `${PROVIDER_KEY}\\n`],
    ["a leading quote", `"${PROVIDER_KEY}"`],
    ["a trailing space", `${PROVIDER_KEY} `],
  ])("a secret value systemd would not read verbatim (%s) exits 1", async (_what, value) => {
    secrets["provider-api-key"] = value;

    const r = await runFetcher();

    expect(r.code).toBe(1);
    expect(r.stderr).toContain("(secret provider-api-key) has a backslash, leading quote or edge whitespace");
    expect(existsSync(outDir)).toBe(false);
  });

  it("a literal value with a newline is rejected, naming the entry", async () => {
    secrets["host-config"] = manifest({ name: "install.env", format: "env", entries: [{ name: "CODEWHALE_VERSION", value: "1\nEVIL=1" }] });

    const r = await runFetcher();

    expect(r.code).toBe(1);
    expect(r.stderr).toContain("install.env: CODEWHALE_VERSION contains a newline");
    expect(r.stderr).not.toContain("EVIL");
    expect(existsSync(outDir)).toBe(false);
  });

  it.each(["../escape.env", "sub/file.env", "/etc/evil.env", "..", ".", ".hidden", ".managed", "", "a\nb"])(
    "a manifest file name %j is rejected before anything is fetched or written",
    async (name) => {
      secrets["host-config"] = manifest(RUNTIME_ENV, { name, format: "raw", content: "x\n" });

      const r = await runFetcher();

      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`manifest host-config: bad or duplicate file name ${JSON.stringify(name)}`);
      expect(fake.count("secret/provider-api-key")).toBe(0);
      expect(existsSync(outDir)).toBe(false);
      expect(readdirSync(workDir)).toEqual([]);
    },
  );

  it.each([
    ["an env entry name that is not an identifier", manifest({ name: "a.env", format: "env", entries: [{ name: "BAD-NAME", value: "x" }] }), "a.env: bad or duplicate entry name"],
    ["a duplicate env entry", manifest({ name: "a.env", format: "env", entries: [{ name: "X", value: "1" }, { name: "X", value: "2" }] }), "a.env: bad or duplicate entry name \"X\""],
    ["a duplicate file", manifest(CONFIG_TOML, CONFIG_TOML), "bad or duplicate file name \"config.toml\""],
    ["a secret name that is a path", manifest({ name: "a.env", format: "env", entries: [{ name: "X", secret: "../keys/k" }] }), "a.env: X: bad secret name"],
    ["an entry with both value and secret", JSON.stringify({ schema: 1, files: [{ name: "a.env", format: "env", entries: [{ name: "X", value: "1", secret: "s" }] }] }), "a.env: X needs either"],
    ["an unknown format", JSON.stringify({ schema: 1, files: [{ name: "a.env", format: "yaml", content: "" }] }), "a.env: needs format"],
    ["schema 2", JSON.stringify({ schema: 2, files: [CONFIG_TOML] }), "needs schema 1"],
    ["no files", JSON.stringify({ schema: 1, files: [] }), "needs schema 1 and a non-empty files list"],
    ["a manifest that is not JSON", "not json LEAKCHECK", "manifest host-config is not a JSON object"],
  ])("%s is rejected with exit 1", async (_what, hostConfig, message) => {
    secrets["host-config"] = hostConfig;

    const r = await runFetcher();

    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(existsSync(outDir)).toBe(false);
  });

  it("refuses to send the token to a plain-http vault that is not on loopback", async () => {
    const r = await runFetcher({ CODEWHALE_VAULT_URL: "http://kv-example.vault.azure.net" });

    expect(r.code).toBe(1);
    expect(r.stderr).toContain("CODEWHALE_VAULT_URL must be set to the https:// vault URL");
    expect(fake.requests).toEqual([]);
  });

  it("fails with exit 1 when CODEWHALE_VAULT_URL is unset", async () => {
    const r = await runFetcher({ CODEWHALE_VAULT_URL: "" });

    expect(r.code).toBe(1);
    expect(r.stderr).toContain("CODEWHALE_VAULT_URL");
  });
});

describe("fetch-host-config.mjs: files it no longer manages", () => {
  it("removes a file the previous manifest wrote and this one does not list, and keeps files it never wrote", async () => {
    secrets["host-config"] = manifest(RUNTIME_ENV, TELEGRAM_ENV);
    expect((await runFetcher()).code).toBe(0);
    expect(read("telegram.env")).toContain("TELEGRAM_BOT_TOKEN=");
    writeFileSync(path.join(outDir, "operator-notes.txt"), "mine\n");

    secrets["host-config"] = manifest(RUNTIME_ENV, FEISHU_ENV);
    const r = await runFetcher();

    expect(r.code).toBe(0);
    expect(listDir(outDir)).toEqual([".managed", "feishu.env", "operator-notes.txt", "runtime.env"]);
    expect(read("feishu.env")).toBe(`FEISHU_APP_SECRET=${FEISHU_SECRET}\n`);
    expect(read(".managed")).toBe("runtime.env\nfeishu.env\n");
    expect(r.stderr).toContain("removed stale telegram.env");
  });

  it("removes tmp files left by a run that crashed mid-write", async () => {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, ".runtime.env.tmp-424242"), "CODEWHALE_RUNTIME_TOKEN=half");
    writeFileSync(path.join(outDir, "..managed.tmp-77"), "");

    const r = await runFetcher();

    expect(r.code).toBe(0);
    expect(listDir(outDir)).toEqual([".managed", "config.toml", "install.env", "runtime.env"]);
  });

  it("ignores names in .managed that are not plain file names", async () => {
    mkdirSync(outDir, { recursive: true });
    const outside = path.join(workDir, "outside.env");
    writeFileSync(outside, "KEEP=1\n");
    writeFileSync(path.join(outDir, ".managed"), `../../outside.env\n${outside}\n`);

    const r = await runFetcher();

    expect(r.code).toBe(0);
    expect(readFileSync(outside, "utf8")).toBe("KEEP=1\n");
    expect(read(".managed")).toBe("runtime.env\ninstall.env\nconfig.toml\n");
  });

  it("tightens an existing output dir to 0711 (traversable, not listable)", async () => {
    mkdirSync(outDir, { recursive: true, mode: 0o777 });

    expect((await runFetcher()).code).toBe(0);

    expect(statSync(outDir).mode & 0o777).toBe(0o711);
  });
});

describe("fetch-host-config.mjs: never prints a secret or a token", () => {
  it("even when a vault error response body echoes secret values", async () => {
    const echo = JSON.stringify({ error: { code: "InternalError", message: `oops ${PROVIDER_KEY} ${RUNTIME_TOKEN}` } });
    fake.inject("secret/provider-api-key", { status: 500, body: echo }, Infinity);

    const r = await runFetcher({ CODEWHALE_FETCH_DEADLINE_SECONDS: "0.4" });

    expect(r.code).toBe(2);
    expect(r.stderr).toContain("GET secret provider-api-key -> 500 (InternalError)");
    // runFetcher itself asserts that no LEAKCHECK marker and no token is in the output.
  });

  it("even when a secret response is not JSON", async () => {
    fake.inject("secret/runtime-token", { status: 200, body: `{"value": "${RUNTIME_TOKEN}" broken` });

    const r = await runFetcher();

    expect(r.code).toBe(1);
    expect(r.stderr).toContain("secret runtime-token response is not a JSON object");
  });

  it("no run in this file printed a fake secret or an issued token", () => {
    // Runs last: vitest runs the tests of a file in order.
    expect(allOutputs.length).toBeGreaterThan(40);
    const everything = allOutputs.join("\n");
    expect(everything).toContain("codewhale-config:");
    for (const marker of [...LEAK_MARKERS, ...issuedTokens]) expect(everything).not.toContain(marker);
  });
});
