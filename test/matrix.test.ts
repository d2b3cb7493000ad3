/**
 * Every bridge x provider renders on every implemented cloud (under mocks), and what it renders passes the
 * real consumers: `cloud-init schema`, `systemd-analyze verify` (any stderr fails: it only warns on unknown
 * directives), `shellcheck`. The same plans prove no fake secret leaks into the plan or the bundle.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { bridges, findBridge } from "../bridges/registry";
import type { ConfigFile } from "../host/model";
import { CONFIG_FILES, WORKSPACE_DIR } from "../host/model";
import { CLOUD_CONFIG_KEYS } from "../host/render-cloud-config";
import { fillSecrets, secretPlaceholder } from "../host/render-shell";
import { RUNTIME_TOKEN_SECRET } from "../config/spec";
import { modelProviders } from "../config/model-providers";
import { cloudTargets } from "../components/targets";
import { offlineMocks } from "../scripts/offline-mocks";
import { planStack, type Plan } from "../scripts/offline-plan";
import { envFileOf, fakeSecretValues, fixtureConfigVerdict } from "./support/bridge-fixtures";
import { FAKE_SECRETS, providerOverrides, rawConfig, withDecodedBase64 } from "./support/stack";

interface Combo {
  readonly cloud: string;
  readonly bridge: string;
  readonly provider: string;
  readonly overrides: Record<string, unknown>;
}

/**
 * Azure Backup adds nine resources to an Azure plan (about a third more planning time) and changes no host
 * artifact but the runbook's day-2 lines: the default provider's combos keep the default (backups on), the
 * others plan without, so the matrix stays within its time budget. test/azure-backup.test.ts covers backups.
 */
const DEFAULT_PROVIDER = "deepseek";
const withoutBackup = (cloud: string, provider: string) => (cloud === "azure" && provider !== DEFAULT_PROVIDER ? { azure: { backup: false } } : {});

const combos: Combo[] = Object.keys(cloudTargets).flatMap((cloud) =>
  bridges.flatMap((b) =>
    modelProviders
      .filter((p) => !p.unusable)
      .map((p) => ({ cloud, bridge: b.id, provider: p.id, overrides: { cloud, bridge: b.id, ...cloudTargets[cloud]!.sampleConfig, ...withoutBackup(cloud, p.id), ...providerOverrides(p.id) } })),
  ),
);

const plans = new Map<Combo, Plan>();
const work = mkdtempSync(path.join(tmpdir(), "codewhale-matrix-"));
const runtimeTokenValue = String((offlineMocks.newResource({ type: "random:index/randomPassword:RandomPassword", name: "runtime-token", inputs: { length: 48 } }) as unknown as { state: { result: string } }).state.result);

beforeAll(async () => {
  for (const c of combos) plans.set(c, await planStack({ stack: "matrix", raw: rawConfig(c.overrides, "matrix") }));
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Distinct contents of one artifact across the matrix, written to files for the tools. */
function distinct(pick: (p: Plan) => Record<string, string>): string[] {
  const seen = new Map<string, string>();
  for (const plan of plans.values()) {
    for (const [name, content] of Object.entries(pick(plan))) {
      if ([...seen.values()].includes(content)) continue;
      const file = path.join(work, `${seen.size}-${path.basename(name)}`);
      writeFileSync(file, content);
      seen.set(file, content);
    }
  }
  return [...seen.keys()];
}

describe("the matrix", () => {
  it("covers every cloud target x bridge x usable provider", () => {
    const usable = modelProviders.filter((p) => !p.unusable).length;
    expect(plans.size).toBe(Object.keys(cloudTargets).length * bridges.length * usable);
    expect(usable).toBeGreaterThanOrEqual(41);
    for (const plan of plans.values()) expect(plan.resources.some((r) => r.custom)).toBe(true);
  });

  it("renders cloud-config that cloud-init's own schema accepts, with only the keys we mean", () => {
    const files = distinct((p): Record<string, string> => (p.artifacts["cloud-config.yaml"] ? { "cloud-config.yaml": p.artifacts["cloud-config.yaml"] } : {}));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const result = spawnSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" });
      expect(result.status, `${file}: ${result.stdout}${result.stderr}`).toBe(0);
      // cloud-init accepts unknown top-level keys silently; hold the output to the keys we emit on purpose.
      const doc = parseYaml(execFileSync("cat", [file], { encoding: "utf8" })) as Record<string, unknown>;
      expect(Object.keys(doc).filter((k) => !(CLOUD_CONFIG_KEYS as readonly string[]).includes(k))).toEqual([]);
    }
  });

  it("renders units that systemd-analyze verify accepts without a word on stderr", () => {
    const isDropIn = (k: string) => /^units\/[^/]+\.d\/[^/]+\.conf$/.test(k);
    const units = distinct((p) => Object.fromEntries(Object.entries(p.artifacts).filter(([k]) => k.startsWith("units/") && !isDropIn(k))));
    const dropIns = new Map<string, string>();
    for (const plan of plans.values()) for (const [k, v] of Object.entries(plan.artifacts)) if (isDropIn(k)) dropIns.set(`${k}\0${v}`, v);
    expect(dropIns.size, "the Key Vault producer's drop-in").toBeGreaterThan(0);
    // verify checks that every ExecStart binary exists: give it a root with the system units and stubs.
    const root = path.join(work, "root");
    mkdirSync(path.join(root, "etc/systemd/system"), { recursive: true });
    mkdirSync(path.join(root, "usr/lib"), { recursive: true });
    cpSync("/usr/lib/systemd", path.join(root, "usr/lib/systemd"), { recursive: true, verbatimSymlinks: true });
    // The binaries a Debian/Ubuntu host has (nftables is a payload package), and the payload's own helpers.
    const hostBinaries = ["usr/bin/node", "usr/sbin/nft", "usr/bin/systemctl", "usr/bin/mkdir"];
    const helpers = ["prepare-data", "prepare-install", "install-codewhale", "rollback-codewhale", "fetch-host-config.mjs", "watchdog.mjs", "apply", "wait-runtime"].map((s) => `usr/local/lib/codewhale-remote/${s}`);
    for (const stub of ["opt/codewhale/current/bin/codewhale", ...hostBinaries, ...helpers]) {
      mkdirSync(path.dirname(path.join(root, stub)), { recursive: true });
      writeFileSync(path.join(root, stub), "#!/bin/sh\n");
      chmodSync(path.join(root, stub), 0o755);
    }
    for (const file of units) {
      const name = path.basename(file).replace(/^\d+-/, "");
      cpSync(file, path.join(root, "etc/systemd/system", name));
      const result = spawnSync("systemd-analyze", ["verify", `--root=${root}`, `/etc/systemd/system/${name}`], { encoding: "utf8" });
      expect(result.stderr, name).toBe("");
      expect(result.status, name).toBe(0);
    }
    // Each distinct drop-in, in place beside its unit, verified with it.
    for (const [key, content] of dropIns) {
      const rel = key.slice("units/".length, key.indexOf("\0"));
      const unit = rel.slice(0, rel.indexOf(".d/"));
      mkdirSync(path.join(root, "etc/systemd/system", `${unit}.d`), { recursive: true });
      writeFileSync(path.join(root, "etc/systemd/system", rel), content);
      const result = spawnSync("systemd-analyze", ["verify", `--root=${root}`, `/etc/systemd/system/${unit}`], { encoding: "utf8" });
      expect(result.stderr, rel).toBe("");
      expect(result.status, rel).toBe(0);
      rmSync(path.join(root, "etc/systemd/system", rel));
    }
  });

  it("renders shell bootstraps that shellcheck passes", () => {
    const scripts = distinct((p) => Object.fromEntries(Object.entries(p.artifacts).filter(([k]) => k.endsWith(".sh"))));
    // Every plan has its scripts; identical ones are checked once (a manual bootstrap names no cloud device, so
    // the two clouds can render the same one).
    for (const p of plans.values()) expect(Object.keys(p.artifacts)).toEqual(expect.arrayContaining(["bootstrap.sh", "fill-secrets.sh"]));
    expect(scripts.length).toBeGreaterThan(combos.length / 2);
    const result = spawnSync("shellcheck", ["-s", "sh", "-S", "style", ...scripts], { encoding: "utf8" });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
    // One shellcheck run over every distinct script of 4 bridges x 2 clouds x every provider (about 650 files):
    // a minute on a quiet 2-core machine, twice that on a busy one.
  }, 300_000);
});

describe("no secret leaks", () => {
  const fakes = [...Object.values(FAKE_SECRETS), runtimeTokenValue];

  it("keeps every fake secret out of the plan JSON, outputs and bundle of every combination", () => {
    for (const [combo, plan] of plans) {
      const text = withDecodedBase64(JSON.stringify(plan));
      for (const fake of fakes) expect(text.includes(fake), `${combo.cloud}/${combo.bridge}/${combo.provider}`).toBe(false);
    }
  });

  it("keeps them out of the decoded customData", () => {
    for (const plan of plans.values()) {
      for (const r of plan.resources.filter((x) => x.type === "azure-native:compute:VirtualMachine")) {
        const decoded = gunzipSync(Buffer.from(String((r.inputs.osProfile as { customData: string }).customData), "base64")).toString();
        for (const fake of fakes) expect(decoded).not.toContain(fake);
      }
    }
  });

  it("writes the runtime token under every name a bridge or its validator reads, only as a secret reference", () => {
    // Feishu's validator reads the legacy name in both files (bridges/feishu.ts): the entries this checks.
    expect(findBridge("feishu")!.runtimeFileTokenEnv).toContain("DEEPSEEK_RUNTIME_TOKEN");
    const ref = secretPlaceholder(RUNTIME_TOKEN_SECRET);
    for (const [combo, plan] of plans) {
      const bridge = findBridge(combo.bridge)!;
      const where = `${combo.cloud}/${combo.bridge}/${combo.provider}`;
      const lines = (file: string) => (plan.artifacts[`config/${file}`] ?? "").split("\n");
      for (const name of ["CODEWHALE_RUNTIME_TOKEN", ...bridge.runtimeFileTokenEnv]) expect(lines(CONFIG_FILES.runtime), `${where}: runtime.env ${name}`).toContain(`${name}=${ref}`);
      for (const name of bridge.runtimeTokenEnv) expect(lines(CONFIG_FILES.bridge), `${where}: bridge.env ${name}`).toContain(`${name}=${ref}`);
      // Azure: the manifest (a Key Vault secret, but read by the fetcher as config) names secrets, never holds them.
      const manifest = plan.artifacts["host-config.json"];
      if (manifest === undefined) continue;
      const entries = (JSON.parse(manifest) as { files: ConfigFile[] }).files.flatMap((f) => (f.format === "env" ? f.entries : []));
      const secretLike = entries.filter((e) => /TOKEN|SECRET|API_KEY/.test(e.name));
      expect(secretLike.length, where).toBeGreaterThanOrEqual(bridge.runtimeTokenEnv.length + bridge.runtimeFileTokenEnv.length);
      for (const e of secretLike) expect(Object.keys(e).sort(), `${where}: manifest ${e.name}`).toEqual(["name", "secret"]);
    }
  });

  it("marks every secret-bearing input as secret rather than dropping it", () => {
    const plan = [...plans.values()][0]!;
    expect(JSON.stringify(plan)).toContain("[secret]");
    expect(plan.artifacts["config/runtime.env"]).toMatch(/^CODEWHALE_RUNTIME_TOKEN=@@CODEWHALE_SECRET:runtime-token@@$/m);
  });
});

/**
 * The env files each stack's cloud delivers, secrets filled in as the host holds them: on Azure what
 * codewhale-config writes from the `host-config` manifest, elsewhere what the bootstrap writes (the bundle's
 * config/ files are the same text, placeholders included).
 */
function deliveredEnvFiles(plan: Plan): { bridgeEnv: string; runtimeEnv: string } {
  // Not the offline mock's token: it is padded with x, which upstream's validators take for a placeholder.
  const secrets = fakeSecretValues("matrixRuntimeToken0123456789abcdefABCDEF0123");
  const manifest = plan.artifacts["host-config.json"];
  if (manifest !== undefined) {
    const files = (JSON.parse(manifest) as { files: ConfigFile[] }).files;
    return { bridgeEnv: envFileOf(files, CONFIG_FILES.bridge, secrets), runtimeEnv: envFileOf(files, CONFIG_FILES.runtime, secrets) };
  }
  const text = (name: string) => fillSecrets(plan.artifacts[`config/${name}`] ?? "", secrets);
  return { bridgeEnv: text(CONFIG_FILES.bridge), runtimeEnv: text(CONFIG_FILES.runtime) };
}

describe("the bridges' own config validators", () => {
  // Upstream's own check of each bridge (TEST FIXTURES of v0.9.5-v0.9.9, test/fixtures/boot/bridge-repo;
  // test/bridges.test.ts proves they refuse what upstream's do): scripts/validate-config.mjs as its README tells
  // operators to run it (telegram, feishu), the library validateBridgeConfig (wecom, which has no script), or,
  // for a bridge with no validator at all (weixin), its start-up reading of the settings.
  it("pass the env files of every stack, every bridge, on every cloud", async () => {
    const verdicts = new Map<string, { status: number | null; errors: string[] }>();
    const checked = new Map<string, number>();
    for (const [combo, plan] of plans) {
      checked.set(combo.bridge, (checked.get(combo.bridge) ?? 0) + 1);
      const bridge = findBridge(combo.bridge)!;
      const files = deliveredEnvFiles(plan);
      expect(files.bridgeEnv, `${combo.cloud}/${combo.bridge}: no bridge env file`).toContain("=");
      const key = `${bridge.integrationDir}\0${files.bridgeEnv}\0${files.runtimeEnv}`;
      if (!verdicts.has(key)) {
        const v = await fixtureConfigVerdict(bridge.integrationDir, files, WORKSPACE_DIR);
        verdicts.set(key, { status: v.status, errors: v.errors });
      }
      expect(verdicts.get(key), `${combo.cloud}/${combo.bridge}/${combo.provider}`).toEqual({ status: 0, errors: [] });
    }
    for (const b of bridges) expect(checked.get(b.id), b.id).toBe(combos.filter((c) => c.bridge === b.id).length);
  });
});