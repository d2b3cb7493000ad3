import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";

/** Built-in role "Key Vault Secrets User": read secret values, nothing else. */
export const KEY_VAULT_SECRETS_USER_ROLE = "4633458b-17de-408a-b874-0445c86b69e6";

export interface SecretStoreArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: pulumi.Input<string>;
  readonly vaultName: pulumi.Input<string>;
  readonly tenantId: pulumi.Input<string>;
  readonly subscriptionId: pulumi.Input<string>;
  /** The only network allowed through the vault firewall. */
  readonly allowedSubnetId: pulumi.Input<string>;
  /** Identity that reads the secrets at service start (the VM's). */
  readonly readerPrincipalId: pulumi.Input<string>;
  /** Secret id -> value; every value must already be a Pulumi secret. */
  readonly secrets: ReadonlyMap<string, pulumi.Input<string>>;
  readonly retentionDays: number;
  readonly tags?: Record<string, string>;
}

/**
 * Azure Key Vault with the secure defaults of Azure Verified Modules: RBAC authorization (no access
 * policies), soft delete with purge protection, firewall default Deny with no trusted-service bypass and
 * only the VM subnet admitted. Secrets are written through ARM (management plane), which the vault firewall
 * does not block, so `pulumi up` needs no network path to the vault. The VM identity gets "Key Vault
 * Secrets User" on this vault only.
 */
export class SecretStore extends pulumi.ComponentResource {
  readonly vaultName: pulumi.Output<string>;
  readonly vaultUri: pulumi.Output<string>;
  /** Versioned URIs of every secret: they change exactly when a value changes (rollout trigger). */
  readonly secretVersions: pulumi.Output<string[]>;
  readonly roleAssignmentId: pulumi.Output<string>;

  constructor(name: string, args: SecretStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("codewhale-remote:azure:SecretStore", name, {}, opts);
    const vault = new keyvault.Vault(
      `${name}-vault`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        vaultName: args.vaultName,
        tags: args.tags,
        properties: {
          tenantId: args.tenantId,
          sku: { family: keyvault.SkuFamily.A, name: keyvault.SkuName.Standard },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: args.retentionDays,
          enablePurgeProtection: true,
          enabledForDeployment: false,
          enabledForDiskEncryption: false,
          enabledForTemplateDeployment: false,
          publicNetworkAccess: "Enabled",
          networkAcls: {
            defaultAction: keyvault.NetworkRuleAction.Deny,
            bypass: keyvault.NetworkRuleBypassOptions.None,
            virtualNetworkRules: [{ id: args.allowedSubnetId, ignoreMissingVnetServiceEndpoint: false }],
          },
        },
      },
      { parent: this },
    );

    const secrets = [...args.secrets].map(
      ([id, value]) =>
        new keyvault.Secret(
          `${name}-${id}`,
          {
            resourceGroupName: args.resourceGroupName,
            vaultName: vault.name,
            secretName: id,
            properties: { value: pulumi.secret(value), contentType: "text/plain" },
          },
          { parent: this },
        ),
    );

    const role = new authorization.RoleAssignment(
      `${name}-reader`,
      {
        scope: vault.id,
        principalId: args.readerPrincipalId,
        // Without principalType a fresh identity can fail with PrincipalNotFound (replication delay).
        principalType: authorization.PrincipalType.ServicePrincipal,
        roleDefinitionId: pulumi.interpolate`/subscriptions/${args.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER_ROLE}`,
        description: "codewhale-remote host reads its config and secrets at service start",
      },
      { parent: this },
    );

    this.vaultName = vault.name;
    this.vaultUri = vault.properties.apply((p) => p.vaultUri ?? "");
    // A version URI names a value, it does not carry it: unsecret it so the rollout trigger stays readable
    // in previews (it inherits secretness from `properties`, which holds the value).
    this.secretVersions = pulumi.unsecret(pulumi.all(secrets.map((s) => s.properties.apply((p) => p.secretUriWithVersion ?? ""))));
    this.roleAssignmentId = role.id;
    this.registerOutputs({ vaultName: this.vaultName, vaultUri: this.vaultUri, roleAssignmentId: this.roleAssignmentId });
  }
}
