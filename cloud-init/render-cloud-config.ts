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
      {
        name: payload.user.name,
        system: true,
        homedir: payload.user.home,
        no_create_home: true,
        shell: "/usr/sbin/nologin",
        lock_passwd: true,
      },
    ],
    ssh_pwauth: false,
    disable_root: true,
    // Deferred: written in the final stage, after packages and the service user exist.
    write_files: payload.files.map((f) => ({
      path: f.path,
      owner: `${f.owner}:${f.group}`,
      permissions: f.mode,
      defer: true,
      content: f.content,
    })),
    // --no-block: the config fetch may retry for minutes (fresh role assignment); cloud-init need not wait.
    runcmd: [["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", "--no-block", ...payload.units]],
  };
  return "#cloud-config\n" + stringify(doc, { lineWidth: 0 });
}
