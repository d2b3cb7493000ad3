/**
 * What the boot test boots: the host payload exactly as the program renders it, for one flavour x bridge,
 * with its install sources pointed at the test fixtures and recognisable fake secrets. Nothing here is
 * hand-written host content: specs come from `loadSpec` on raw stack configs (like every other test), the
 * payloads from `renderAzurePayload` and from `buildHostPayload` + `renderShellBootstrap` + `fillSecrets`.
 */
import { randomBytes } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { renderAzurePayload } from "../../components/azure/cloud-init-payload";
import { commonArtifacts } from "../../host/bundle";
import { envFileDelivery } from "../../host/delivery";
import { HOST_CONFIG_SECRET } from "../../components/azure/key-vault-delivery";
import { referencedSecrets } from "../../host/host-payload";
import type { ConfigFile, HostPayload } from "../../host/model";
import { fillSecrets } from "../../host/render-shell";
import { renderLighthousePayload } from "../../components/lighthouse/bootstrap";
import { LIGHTHOUSE_SSH_USER } from "../../components/lighthouse/ssh-user";
import { cloudTargets } from "../../components/targets";
import { loadSpec } from "../../contract";
import { RUNTIME_TOKEN_SECRET, type StackSpec } from "../../config/spec";
import { bridgeIds } from "../../bridges/registry";
import type { AzureSettings } from "../../components/azure/settings";
import { rawConfig } from "../support/stack";

/**
 * "azure": #cloud-config through NoCloud + Key Vault delivery; "shell": the bootstrap (Lighthouse, manual installs);
 * "ssh": the bootstrap sent over SSH by the existing-host target's own commands (ssh.boot.test.ts).
 */
export type Flavour = "azure" | "shell" | "ssh";
export const FLAVOURS: readonly Flavour[] = ["azure", "shell"];

/**
 * The hosts the boot test boots. Telegram and Feishu boot on both flavours; each later bridge boots once, on the
 * flavour that exercises what is new about it, so a bridge adds one host, not two: WeCom's secret travels through
 * Key Vault (azure), Weixin has no secret and keeps a login on the host across the shell flavour's re-runs,
 * manual install and upgrade gate (shell).
 */
export const BOOT_CASES: readonly { readonly flavour: Flavour; readonly bridge: string }[] = [
  ...FLAVOURS.flatMap((flavour) => ["telegram", "feishu"].map((bridge) => ({ flavour, bridge }))),
  { flavour: "azure", bridge: "wecom" },
  { flavour: "shell", bridge: "weixin" },
];
const unbooted = bridgeIds.filter((id) => !BOOT_CASES.some((c) => c.bridge === id));
if (unbooted.length > 0) throw new Error(`boot test: no host boots bridge ${unbooted.join(", ")}; add it to BOOT_CASES`);

/**
 * Test-only: the env that points a bridge (and the watchdog) at the fake platform instead of the real one, by
 * bridge: the names upstream's bridges read where they have one (TELEGRAM_API_BASE, FEISHU_DOMAIN), else the
 * fixture's own knob (the WeCom SDK's built-in WebSocket URL, Weixin's constant login host; see the fixtures).
 */
export const FAKE_PLATFORM_ENV: Readonly<Record<string, (platformUrl: string) => Record<string, string>>> = {
  telegram: (url) => ({ TELEGRAM_API_BASE: url }),
  feishu: (url) => ({ FEISHU_DOMAIN: url }),
  wecom: (url) => ({ CODEWHALE_FIXTURE_WECOM_WS_URL: `${url}/fixture-wecom` }),
  weixin: (url) => ({ CODEWHALE_FIXTURE_ILINK_LOGIN_BASE: url }),
};

/** Where the test puts its fixtures inside the container; the stack config points the installer here. */
export const FIXTURE_ROOT = "/srv/codewhale-boot-fixtures";
export const FIXTURE_RELEASES = `${FIXTURE_ROOT}/releases`;
export const FIXTURE_REPO = `${FIXTURE_ROOT}/codewhale.git`;
/** The release the fixtures stand in for: the `codewhale` fixture reports it, the fixture repo is tagged with it. */
export const FIXTURE_VERSION = "0.9.10";
/** A release that installs and runs but fails its health check (the upgrade gate's test). */
export const BROKEN_FIXTURE_VERSION = "0.9.11";

export interface BootPayload {
  readonly flavour: Flavour;
  readonly spec: StackSpec;
  readonly payload: HostPayload;
  /** Azure: the #cloud-config (user data). Shell: an empty #cloud-config (the image's own cloud-init still runs). */
  readonly userData: string;
  /** Shell only: the bootstrap with secrets filled in, as the cloud target would send it. */
  readonly bootstrap?: string;
  /** Shell only: the deploy bundle's manual install (bootstrap.sh with placeholders, fill-secrets.sh). */
  readonly bundle?: Readonly<Record<string, string>>;
  /** Azure only: the Key Vault content the fake vault serves (manifest + every referenced secret). */
  readonly vaultSecrets?: Readonly<Record<string, string>>;
  /** The config files and the secret values they reference: what the services must end up with. */
  readonly configFiles: readonly ConfigFile[];
  readonly secretValues: ReadonlyMap<string, string>;
  readonly runtimeToken: string;
}

const resolve = (o: pulumi.Output<string>): Promise<string> => new Promise((r) => o.apply((v) => (r(v), v)));

/** The vault name only shapes the (overridden) vault URL; any valid name does. */
const VAULT_NAME = "cwboottest-fixture";


/**
 * A boot stack's spec and its secret values: `cloud` are the cloud's keys, the rest points the installer at the
 * fixtures. `commit`: what the fixture repository's tag points to, pinned by the stack like a real release's.
 */
export async function bootSpec(
  cloud: Readonly<Record<string, unknown>>,
  bridge: string,
  commit: string,
  adminPublicKey: string,
  stack: string,
  overrides: Readonly<Record<string, unknown>> = {},
): Promise<{ spec: StackSpec; secretValues: Map<string, string>; runtimeToken: string }> {
  const { spec } = loadSpec(
    rawConfig(
      {
        ...cloud,
        bridge,
        codewhaleVersion: FIXTURE_VERSION,
        codewhaleReleaseBaseUrl: `file://${FIXTURE_RELEASES}`,
        codewhaleRepoUrl: `file://${FIXTURE_REPO}`,
        codewhaleCommit: commit,
        sshPublicKey: adminPublicKey,
        chatAllowlist: ["123456789"],
        // No data disk: a container has no block devices to hand out (see README, Boot test).
        azure: { dataDiskSizeGb: 0 },
        ...overrides,
      },
      stack,
    ),
  );
  // Recognisable (the leak checks grep for it) and alphanumeric, like the generated one.
  const runtimeToken = `boottestRuntimeToken${randomBytes(14).toString("hex")}`;
  const secretValues = new Map<string, string>([[RUNTIME_TOKEN_SECRET, runtimeToken]]);
  for (const [id, out] of spec.secrets) secretValues.set(id, await resolve(out));
  return { spec, secretValues, runtimeToken };
}

/** `commit`: what the fixture repository's tag points to, pinned by the stack like a real release's. */
export async function renderBootPayload(flavour: Flavour, bridge: string, commit: string, adminPublicKey: string): Promise<BootPayload> {
  // Each flavour as its target renders it, with the target's own stand-in config (its row's sampleConfig).
  const target = cloudTargets[flavour === "azure" ? "azure" : "lighthouse"]!;
  const cloud = { cloud: target.id, ...target.sampleConfig };
  const { spec, secretValues, runtimeToken } = await bootSpec(cloud, bridge, commit, adminPublicKey, `boot-${flavour}-${bridge}`);

  if (flavour === "azure") {
    const rendered = renderAzurePayload(spec as StackSpec<AzureSettings>, VAULT_NAME);
    const vaultSecrets: Record<string, string> = { [HOST_CONFIG_SECRET]: rendered.manifest };
    for (const id of referencedSecrets(rendered.payload.configFiles)) vaultSecrets[id] = secretValues.get(id)!;
    return { flavour, spec, payload: rendered.payload, userData: rendered.cloudConfig, vaultSecrets, configFiles: rendered.payload.configFiles, secretValues, runtimeToken };
  }
  // As the Lighthouse target renders it: the bootstrap installs the stack's key for the image's login user.
  const { payload, bootstrap: withPlaceholders } = renderLighthousePayload(spec, envFileDelivery(), [], { user: LIGHTHOUSE_SSH_USER, keys: [spec.ssh.publicKey] });
  const bootstrap = fillSecrets(withPlaceholders, secretValues);
  const bundle = commonArtifacts(spec, payload, [], { sshUser: LIGHTHOUSE_SSH_USER, host: "boot-test", secretsParagraph: "" });
  return { flavour, spec, payload, userData: "#cloud-config\n{}\n", bootstrap, bundle, configFiles: payload.configFiles, secretValues, runtimeToken };
}

/** NAME -> value of every env file, secrets resolved: what each service's environment must contain. */
export function expectedEnv(p: BootPayload): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const f of p.configFiles) {
    if (f.format !== "env") continue;
    out.set(f.name, new Map(f.entries.map((e) => [e.name, e.secret !== undefined ? p.secretValues.get(e.secret)! : e.value])));
  }
  return out;
}
