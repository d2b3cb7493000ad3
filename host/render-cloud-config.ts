/**
 * HostPayload -> `#cloud-config`, built as a data structure and serialised with the `yaml` library.
 * Only static content goes in: config files (and so secrets) never do, whatever the delivery says.
 */
import { stringify } from "yaml";
import type { HostPayload } from "./model";

/** Top-level keys we emit. cloud-init accepts unknown keys silently, so tests hold output to this list. */
export const CLOUD_CONFIG_KEYS = ["package_update", "packages", "users", "ssh_pwauth", "disable_root", "write_files", "runcmd"] as const;

export function renderCloudConfig(payload: HostPayload): string {
  if (payload.inlineConfigFiles) {
    throw new Error("renderCloudConfig: this delivery writes config files from the payload; user data must never carry them");
  }
  const doc: Record<(typeof CLOUD_CONFIG_KEYS)[number], unknown> = {
    package_update: true,
    packages: [...payload.packages],
    users: [
      "default",
      ...payload.users.map((u) => ({ name: u.name, system: true, homedir: u.home, no_create_home: true, shell: "/usr/sbin/nologin", lock_passwd: true })),
    ],
    ssh_pwauth: false,
    disable_root: true,
    // Not deferred: every file is root's, and write_files runs in cloud-init's init stage, which is ordered
    // before ssh.service, so sshd enforces our drop-in from its very first start (deferred files are written
    // in the final stage, seconds after sshd already runs with the image's config).
    write_files: payload.files.map((f) => ({
      path: f.path,
      owner: `${f.owner}:${f.group}`,
      permissions: f.mode,
      content: f.content,
    })),
    // --no-block: the config fetch may retry for minutes (fresh role assignment); cloud-init need not wait.
    // The sshd reload is the second layer: whatever started sshd early, it enforces the drop-in from here on.
    runcmd: [
      [payload.prepareCommand],
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", "--now", "--no-block", ...payload.units],
      ["sh", "-c", payload.reloadSshdCommand],
    ],
  };
  return "#cloud-config\n" + stringify(doc, { lineWidth: 0 });
}
