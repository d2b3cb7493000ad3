import * as pulumi from "@pulumi/pulumi";
import { envFileDelivery } from "../../host/delivery";
import type { SecretDelivery } from "../../host/model";

export interface SecretStoreArgs {
  /** Secret id -> value, for every secret the host references; every value must already be a Pulumi secret. */
  readonly secrets: ReadonlyMap<string, pulumi.Input<string>>;
}

/**
 * The secret store of a Lighthouse host: env files in /etc/codewhale (0640 root:codewhale), because Lighthouse
 * has no instance identity a secret service could trust (no CAM role input). Pulumi side, the store is the set of
 * values the payload fills its placeholders with, kept secret as one Output; it reaches the host only inside the
 * TAT command, which is itself a Pulumi secret (HostBootstrap). No other input ever carries a value.
 */
export class SecretStore extends pulumi.ComponentResource {
  /** How the payload gets config files and secrets onto the host. */
  readonly delivery: SecretDelivery = envFileDelivery();
  /** Secret id -> value, as one secret Output. */
  readonly values: pulumi.Output<Readonly<Record<string, string>>>;
  readonly secretIds: readonly string[];

  constructor(name: string, args: SecretStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("codewhale-remote:lighthouse:SecretStore", name, {}, opts);
    this.secretIds = [...args.secrets.keys()].sort();
    const entries = this.secretIds.map((id) => pulumi.output(args.secrets.get(id)!).apply((v) => [id, v] as const));
    this.values = pulumi.secret(pulumi.all(entries).apply((pairs) => Object.fromEntries(pairs)));
    // Only the ids are registered as outputs: the values stay out of the component's state.
    this.registerOutputs({ configDir: this.delivery.configDir, secretIds: this.secretIds });
  }
}
