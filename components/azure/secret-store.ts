import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";

/** What an unused slot holds: not a credential, and a value the host never references. */
export const TOMBSTONE = "unused: not referenced by this stack's config";

/** Built-in role "Key Vault Secrets User": read secret values, nothing else. */
export const KEY_VAULT_SECRETS_USER_ROLE = "4633458b-17de-408a-b874-0445c86b69e6";

/** Vault inputs Azure sets at creation only; Pulumi ignores later changes to them (README says so). */
export const VAULT_CREATE_ONLY_INPUTS = ["properties.softDeleteRetentionInDays"] as const;

/** Role assignment inputs Azure sets at creation only. */
export const ROLE_ASSIGNMENT_CREATE_ONLY_INPUTS = ["principalId", "scope"] as const;

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
  /** Secret id -> value of the secrets the host uses now; every value must already be a Pulumi secret. */
  readonly secrets: ReadonlyMap<string, pulumi.Input<string>>;
  /**
   * Every secret id this program may ever put in the vault (a superset of `secrets`' keys). Each gets a
   * secret resource on every `up`, holding TOMBSTONE while unused: a secret is never dropped (see below).
   */
  readonly slots: readonly string[];
  /** Soft-delete retention; Azure sets it at vault creation only (later changes are ignored, see below). */
  readonly retentionDays: number;
  readonly tags?: Record<string, string>;
}

/**
 * Azure Key Vault with the secure defaults of Azure Verified Modules: RBAC authorization (no access
 * policies), soft delete with purge protection, firewall default Deny with no trusted-service bypass and
 * only the VM subnet admitted. Secrets are written through ARM (management plane), which the vault firewall
 * does not block, so `pulumi up` needs no network path to the vault. The VM identity gets "Key Vault
 * Secrets User" on this vault only.
 *
 * Secrets are never deleted by Pulumi, because the deployer cannot delete them:
 * - azure-native creates and updates `keyvault.Secret` through ARM but deletes it through the vault's data
 *   plane (provider/pkg/resources/customresources/custom_keyvault.go, keyVaultSecret's Delete calls
 *   azsecrets DeleteSecret on https://<vault>.vault.azure.net). The firewall admits only the VM subnet and
 *   the deployer holds no data-plane role, so that call fails (403) from any deployer, on every run.
 * - So every secret is `retainOnDelete` (the engine drops it from state and calls no Delete:
 *   pkg/resource/deploy/step.go DeleteStep.Apply) and `deletedWith` the vault (its deletion goes with the
 *   vault's, which ARM performs; a vault replacement replaces its secrets, step_generator.go).
 * - A retained secret still exists, and azure-native refuses to create an existing one (provider.go
 *   customCreate / crud CanCreate: "cannot create already existing resource"); a deleted one would be
 *   soft-deleted and conflict on re-creation. So a secret the stack stops using (bridge switch, keyless
 *   provider) is not dropped either: every slot keeps its resource and an unused one holds TOMBSTONE. A
 *   later switch back overwrites the tombstone (an ARM update, a new version).
 * Key Vault keeps earlier versions of a secret until the vault is purged; only the VM identity can read
 * them, and the agent cannot reach the identity endpoint.
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
      // Azure takes the soft-delete retention at creation only and refuses to change it later.
      { parent: this, ignoreChanges: [...VAULT_CREATE_ONLY_INPUTS] },
    );

    const unknown = [...args.secrets.keys()].filter((id) => !args.slots.includes(id));
    if (unknown.length > 0) throw new Error(`secrets ${unknown.join(", ")} have no vault slot: add them to the target's slot list`);
    const secrets = [...args.slots].sort().map(
      (id) =>
        new keyvault.Secret(
          `${name}-${id}`,
          {
            resourceGroupName: args.resourceGroupName,
            vaultName: vault.name,
            secretName: id,
            properties: { value: pulumi.secret(args.secrets.get(id) ?? TOMBSTONE), contentType: "text/plain" },
          },
          { parent: this, retainOnDelete: true, deletedWith: vault },
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
      // Azure refuses to update these on an existing assignment (RoleAssignmentUpdateNotPermitted): a new VM
      // identity (the VM was replaced) gets a new assignment.
      { parent: this, replaceOnChanges: [...ROLE_ASSIGNMENT_CREATE_ONLY_INPUTS] },
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
