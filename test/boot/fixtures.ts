/**
 * The install sources the boot test hands the payload instead of GitHub: a release directory laid out like
 * upstream's (<base>/v<version>/codewhale-linux-<arch> + codewhale-artifacts-sha256.txt) holding the
 * `codewhale` TEST FIXTURE, and the bridge checkout TEST FIXTURE as a bare git repository tagged
 * v<version>. Built once per run on the host, copied into each container under FIXTURE_ROOT.
 */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { FIXTURES_DIR } from "./nspawn";
import { BROKEN_FIXTURE_VERSION, FIXTURE_VERSION } from "./payloads";

/** Both arches upstream ships: the container runs whichever the host is. */
const ARCHES = ["x64", "arm64"] as const;

export interface InstallSources {
  /** Host directory to copy to FIXTURE_RELEASES. */
  readonly releases: string;
  /** Host bare repository to copy to FIXTURE_REPO. */
  readonly repo: string;
  /** The commit the fixture tag points to: the stack pins it (codewhaleCommit), as it pins real releases. */
  readonly commit: string;
  /** Bytes of the fixture tree outside integrations/ (what a host must never fetch). */
  readonly bytesOutsideIntegrations: number;
  /** A release that installs and starts but whose /health fails (the upgrade gate's test), and its tag's commit. */
  readonly broken: { readonly version: string; readonly commit: string };
}

function writeRelease(releases: string, version: string, binary: Buffer): void {
  const versionDir = path.join(releases, `v${version}`);
  fs.mkdirSync(versionDir, { recursive: true });
  const digest = createHash("sha256").update(binary).digest("hex");
  for (const arch of ARCHES) fs.writeFileSync(path.join(versionDir, `codewhale-linux-${arch}`), binary, { mode: 0o755 });
  // sha256sum's format, as upstream publishes it.
  fs.writeFileSync(path.join(versionDir, "codewhale-artifacts-sha256.txt"), ARCHES.map((a) => `${digest}  codewhale-linux-${a}\n`).join(""));
}

export function buildInstallSources(dir: string): InstallSources {
  const releases = path.join(dir, "releases");
  const binary = fs.readFileSync(path.join(FIXTURES_DIR, "codewhale-fixture.mjs"), "utf8");
  writeRelease(releases, FIXTURE_VERSION, Buffer.from(binary));
  const broken = binary.replace(`const VERSION = "${FIXTURE_VERSION}";`, `const VERSION = "${BROKEN_FIXTURE_VERSION}";`).replace("const HEALTHY = true;", "const HEALTHY = false;");
  if (!broken.includes("const HEALTHY = false;") || !broken.includes(BROKEN_FIXTURE_VERSION)) throw new Error("codewhale-fixture.mjs: cannot build the broken release");
  writeRelease(releases, BROKEN_FIXTURE_VERSION, Buffer.from(broken));

  const repo = path.join(dir, "codewhale.git");
  const r = spawnSync("bash", [path.join(FIXTURES_DIR, "make-bridge-repo.sh"), repo, `v${FIXTURE_VERSION}`, "--extra-tag", `v${BROKEN_FIXTURE_VERSION}`], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`make-bridge-repo.sh failed:\n${r.stderr}`);
  const git = (...args: string[]): string => {
    const g = spawnSync("git", ["-C", repo, ...args], { encoding: "utf8" });
    if (g.status !== 0) throw new Error(`git ${args.join(" ")} failed:\n${g.stderr}`);
    return g.stdout.trim();
  };
  const commit = git("rev-parse", `v${FIXTURE_VERSION}^{commit}`);
  const sizes = git("ls-tree", "-r", "-l", commit)
    .split("\n")
    .map((l) => /^\S+ blob \S+\s+(\d+)\t(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && !m[2]!.startsWith("integrations/"))
    .map((m) => Number(m[1]));
  return { releases, repo, commit, bytesOutsideIntegrations: sizes.reduce((a, b) => a + b, 0), broken: { version: BROKEN_FIXTURE_VERSION, commit: git("rev-parse", `v${BROKEN_FIXTURE_VERSION}^{commit}`) } };
}
