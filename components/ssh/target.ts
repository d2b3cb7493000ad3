/**
 * The `ssh` target's row: an existing host (Ubuntu 22.04/24.04 or Debian 12, x64 or arm64) reached over SSH from
 * the deployer. Its settings, its secret (the key Pulumi connects with), rules and offline stand-ins; the deploy
 * module (deploy.ts, pulumi-command) loads only for a stack on this target.
 */
import type { ConfigProblem } from "../../config/errors";
import type { StackSpec } from "../../config/spec";
import { SERVICE_USERS } from "../../host/host-payload";
import type { CloudTarget } from "../target";
import { sshMocks } from "./mocks";
import { SSH_PRIVATE_KEY_CONFIG, SSH_PRIVATE_KEY_SECRET, SSH_SETTINGS_KEY, sshSettingsSchema, type SshSettings } from "./settings";
import { privateKeyProblem, validateSshSettings } from "./validate";

function validate(spec: StackSpec<SshSettings>): ConfigProblem[] {
  return validateSshSettings(spec.target.settings, SERVICE_USERS.map((u) => u.name));
}

export const sshTarget: CloudTarget<SshSettings> = {
  id: "ssh",
  displayName: "Existing host (SSH)",
  settingsKey: SSH_SETTINGS_KEY,
  settingsDescription: "A host you already have (Ubuntu 22.04/24.04 or Debian 12, x64 or arm64), converged over SSH from the deployer as a non-root sudo user; destroy keeps the data unless removeDataOnDestroy.",
  settingsSchema: sshSettingsSchema,
  secretKeys: [
    {
      configKey: SSH_PRIVATE_KEY_CONFIG,
      secretId: SSH_PRIVATE_KEY_SECRET,
      description: "Private key Pulumi logs in to ssh.host with (unencrypted); unset: the deployer's ssh-agent (SSH_AUTH_SOCK)",
      required: false,
      multiline: true,
      // One PEM block; privateKeyProblem then checks it as pulumi-command's parser will.
      pattern: /^\s*-----BEGIN [A-Z0-9 ]+-----[\s\S]+-----END [A-Z0-9 ]+-----\s*$|^\s*(?:ssh-|ecdsa-|sk-)\S+ AAAA/,
      problem: privateKeyProblem,
      expected: "the whole unencrypted private key file of ssh.user (pulumi config set --secret sshPrivateKey < ~/.ssh/id_ed25519), or unset to use ssh-agent",
    },
  ],
  validate,
  sampleConfig: { "codewhale-remote:ssh": JSON.stringify({ host: "agent.example.com", user: "deploy", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJwX2hG8bAcD8aPw9xUcSMcK2ZSCwzTPyPmqm9RFvvO" }) },
  mocks: sshMocks,
  load: () => import("./deploy.js"),
};
