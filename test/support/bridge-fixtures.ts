/**
 * The bridge TEST FIXTURES (test/fixtures/boot/bridge-repo: upstream's bridges, their config validators and
 * the Lark SDK, modelled at the pinned tags), run without booting anything: upstream's
 * `scripts/validate-config.mjs` on env files as a host holds them, and the settings each bridge resolves from
 * its env file. The boot test runs the same validators inside the booted host.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { bridges } from "../../bridges/registry";
import type { ConfigFile, EnvEntry } from "../../host/model";
import { PROVIDER_KEY_SECRET, RUNTIME_TOKEN_SECRET } from "../../config/spec";
import { FAKE_SECRETS } from "./stack";

export const BRIDGE_INTEGRATIONS = path.resolve(__dirname, "..", "fixtures", "boot", "bridge-repo", "integrations");

export interface ValidatorItem {
  readonly code: string;
  readonly message: string;
}

export interface ValidatorResult {
  readonly ok: boolean;
  readonly errors: readonly ValidatorItem[];
  readonly warnings: readonly ValidatorItem[];
  readonly info: readonly ValidatorItem[];
}

export interface ValidatorRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The --json report, when the script printed one. */
  readonly result?: ValidatorResult;
}

/** Secret id -> the test value a host would hold: the fake secrets of `rawConfig`, and this runtime token. */
export function fakeSecretValues(runtimeToken: string): Map<string, string> {
  const values = new Map<string, string>([
    [RUNTIME_TOKEN_SECRET, runtimeToken],
    [PROVIDER_KEY_SECRET, FAKE_SECRETS.providerApiKey],
  ]);
  for (const b of bridges) for (const s of b.secrets) values.set(s.secretId, FAKE_SECRETS[s.configKey as keyof typeof FAKE_SECRETS]);
  return values;
}

/** An env file's text as the host holds it (`NAME=value` lines, secret references replaced by their values). */
export function envFileText(entries: readonly EnvEntry[], secrets: ReadonlyMap<string, string>): string {
  return entries
    .map((e) => {
      if (e.secret === undefined) return `${e.name}=${e.value}\n`;
      const value = secrets.get(e.secret);
      if (value === undefined) throw new Error(`no test value for secret ${e.secret}`);
      return `${e.name}=${value}\n`;
    })
    .join("");
}

/** The text of the named env file among a payload's config files. */
export function envFileOf(files: readonly ConfigFile[], name: string, secrets: ReadonlyMap<string, string>): string {
  const file = files.find((f) => f.name === name);
  if (file?.format !== "env") throw new Error(`no env file ${name}`);
  return envFileText(file.entries, secrets);
}

/** `node scripts/validate-config.mjs <args>` in the bridge fixture's folder, with a bare environment. */
export function runValidatorScript(integrationDir: string, args: readonly string[]): ValidatorRun {
  const cwd = path.join(BRIDGE_INTEGRATIONS, integrationDir);
  const r = spawnSync(process.execPath, ["scripts/validate-config.mjs", ...args], { cwd, encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
  let result: ValidatorResult | undefined;
  try {
    result = JSON.parse(r.stdout) as ValidatorResult;
  } catch {
    result = undefined;
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ...(result ? { result } : {}) };
}

/**
 * Upstream's README (both bridges): from the bridge's folder,
 * `npm run validate:config -- --env <bridge.env> --runtime-env <runtime.env> --workspace-root <dir>`, the npm
 * script being `node scripts/validate-config.mjs` (package.json). `--json` makes the report readable here;
 * `--check-filesystem` is left to the boot test, where the paths exist.
 */
export function runFixtureValidator(integrationDir: string, files: { readonly bridgeEnv: string; readonly runtimeEnv: string }, workspaceRoot: string): ValidatorRun {
  const dir = mkdtempSync(path.join(tmpdir(), "codewhale-validator-"));
  try {
    const bridgeEnv = path.join(dir, "bridge.env");
    const runtimeEnv = path.join(dir, "runtime.env");
    writeFileSync(bridgeEnv, files.bridgeEnv, { mode: 0o600 });
    writeFileSync(runtimeEnv, files.runtimeEnv, { mode: 0o600 });
    return runValidatorScript(integrationDir, ["--env", bridgeEnv, "--runtime-env", runtimeEnv, "--workspace-root", workspaceRoot, "--json"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface FixtureBridgeLib {
  bridgeConfig(env: Record<string, string>): Record<string, unknown>;
  parseEnvText(text: string): Record<string, string>;
  validateBridgeConfig?(env: Record<string, string>): ValidatorResult;
}

async function bridgeLib(integrationDir: string): Promise<FixtureBridgeLib> {
  return (await import(pathToFileURL(path.join(BRIDGE_INTEGRATIONS, integrationDir, "src", "lib.mjs")).href)) as FixtureBridgeLib;
}

/** The settings the bridge fixture resolves from this env file, as upstream's bridge does at start (it throws where upstream does). */
export async function fixtureBridgeConfig(integrationDir: string, bridgeEnv: string): Promise<Record<string, unknown>> {
  const lib = await bridgeLib(integrationDir);
  return lib.bridgeConfig(lib.parseEnvText(bridgeEnv));
}

/** What the Lark SDK fixture's WSClient does with an app id: "connecting", or "refused" (it logged `[ws] invalid appId`). */
export async function larkSdkFixtureVerdict(appId: string): Promise<{ state: string; logged: string }> {
  const sdk = (await import(pathToFileURL(path.join(BRIDGE_INTEGRATIONS, "feishu-bridge", "vendor", "lark-sdk-fixture", "index.mjs")).href)) as {
    WSClient: new (p: Record<string, unknown>) => { start(p: Record<string, unknown>): Promise<void>; fixtureState: string; sweeper: NodeJS.Timeout };
    EventDispatcher: new (p: Record<string, unknown>) => { register(h: Record<string, unknown>): unknown };
  };
  const lines: string[] = [];
  const original = { log: console.log, info: console.info, warn: console.warn };
  const capture = (...parts: unknown[]) => void lines.push(parts.map((p) => (Array.isArray(p) ? p.join(" ") : String(p))).join(" "));
  Object.assign(console, { log: capture, info: capture, warn: capture });
  try {
    const client = new sdk.WSClient({ appId, appSecret: "fixture-secret" });
    clearInterval(client.sweeper);
    await client.start({ eventDispatcher: new sdk.EventDispatcher({}).register({}) });
    return { state: client.fixtureState, logged: lines.join("\n") };
  } finally {
    Object.assign(console, original);
  }
}

/**
 * What upstream gives operators to check a bridge's config, as the fixture folder models it: a
 * `scripts/validate-config.mjs` (telegram, feishu), only a library `validateBridgeConfig(env)` of the bridge's
 * env (wecom: src/lib.mjs, no script, no runtime file), or nothing (weixin).
 */
export function upstreamValidatorKind(integrationDir: string): "script" | "library" | "none" {
  const dir = path.join(BRIDGE_INTEGRATIONS, integrationDir);
  if (existsSync(path.join(dir, "scripts", "validate-config.mjs"))) return "script";
  return /^export function validateBridgeConfig\(/m.test(readFileSync(path.join(dir, "src", "lib.mjs"), "utf8")) ? "library" : "none";
}

/**
 * The verdict of upstream's own check on these env files, whichever kind the bridge has; a bridge with none is
 * judged by its start-up (the settings it resolves must not throw). status 0 means it passes.
 */
export async function fixtureConfigVerdict(
  integrationDir: string,
  files: { readonly bridgeEnv: string; readonly runtimeEnv: string },
  workspaceRoot: string,
): Promise<{ kind: string; status: number | null; errors: string[]; warnings: string[] }> {
  const kind = upstreamValidatorKind(integrationDir);
  const codes = (items: readonly ValidatorItem[] | undefined) => (items ?? []).map((i) => i.code).sort();
  if (kind === "script") {
    const run = runFixtureValidator(integrationDir, files, workspaceRoot);
    return { kind, status: run.status, errors: run.result ? codes(run.result.errors) : [`no report: ${run.stderr}`], warnings: codes(run.result?.warnings) };
  }
  const lib = await bridgeLib(integrationDir);
  const env = lib.parseEnvText(files.bridgeEnv);
  if (kind === "library") {
    const result = lib.validateBridgeConfig!(env);
    return { kind, status: result.ok ? 0 : 1, errors: codes(result.errors), warnings: codes(result.warnings) };
  }
  try {
    lib.bridgeConfig(env);
    return { kind, status: 0, errors: [], warnings: [] };
  } catch (e) {
    return { kind, status: 1, errors: [e instanceof Error ? e.message : String(e)], warnings: [] };
  }
}
