/**
 * Once per `npm run test:boot`: the cached Debian root (built on first use: minutes), the fixture install
 * sources, and a results file the cases append their timings and exposure scores to, printed at the end.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { TestProject } from "vitest/node";
import { buildInstallSources, type InstallSources } from "./fixtures";
import { ensureRootfs, fmtMs } from "./nspawn";
import { formatReport } from "./report";

declare module "vitest" {
  export interface ProvidedContext {
    bootRoot: string;
    bootSources: InstallSources;
    bootReportFile: string;
    /** The cloud admin's SSH key pair (private key file; `.pub` beside it): the stacks' sshPublicKey. */
    bootAdminKey: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  if (process.getuid?.() !== 0) {
    throw new Error("npm run test:boot must run as root: it boots containers with systemd-nspawn and mounts overlays");
  }
  const rootfs = await ensureRootfs();
  process.stdout.write(`[boot] root file system ready in ${fmtMs(rootfs.ms)}: ${rootfs.root}\n`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "codewhale-boot-run-"));
  const reportFile = path.join(work, "report.jsonl");
  fs.writeFileSync(reportFile, "");
  project.provide("bootRoot", rootfs.root);
  project.provide("bootSources", buildInstallSources(path.join(work, "sources")));
  project.provide("bootReportFile", reportFile);
  const adminKey = path.join(work, "admin_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "codewhale-boot-admin", "-f", adminKey]);
  project.provide("bootAdminKey", adminKey);
  return () => {
    process.stdout.write(formatReport(fs.readFileSync(reportFile, "utf8")));
    fs.rmSync(work, { recursive: true, force: true });
  };
}
