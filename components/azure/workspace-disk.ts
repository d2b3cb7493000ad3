import * as compute from "@pulumi/azure-native/compute";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";

export interface WorkspaceDiskArgs {
  readonly location: pulumi.Input<string>;
  readonly sizeGb: number;
  readonly tags?: Record<string, string>;
}

/**
 * The data disk that holds the workspace and the agent's home, in a resource group of its own.
 *
 * Why a group of its own: deleting a resource group deletes everything in it, whatever Pulumi's options on
 * the resources say (a retained disk in the host's group dies with the group). The host's group is deleted
 * by `pulumi destroy`; this group never holds anything else.
 *
 * Lifecycle (Pulumi engine, pkg/resource/deploy/step.go DeleteStep.Apply; pkg/cmd/pulumi/operations/
 * destroy.go getProtectedExcludes):
 * - The disk is `protect`ed: Pulumi refuses to delete it (DeleteStep.Apply) or to replace it
 *   (step_generator.go: "marked for protection"), so a config change that would replace it (a new location),
 *   or a plain `pulumi destroy`, stops with an error instead of losing the workspace.
 * - `pulumi destroy --exclude-protected` destroys everything except the protected disk and what it depends
 *   on (this group): the workspace stays in the stack, and a later `pulumi up` builds a new host around it.
 * - Disk and group are `retainOnDelete`: once unprotected (`pulumi state unprotect --all`), `pulumi destroy`
 *   drops them from the stack without deleting them in Azure. Deleting the workspace is then an explicit
 *   `az group delete` of this group (README, "Destroy").
 */
export class WorkspaceDisk extends pulumi.ComponentResource {
  readonly diskId: pulumi.Output<string>;
  readonly diskName: pulumi.Output<string>;
  readonly resourceGroupName: pulumi.Output<string>;

  constructor(name: string, args: WorkspaceDiskArgs, opts?: pulumi.ComponentResourceOptions) {
    super("codewhale-remote:azure:WorkspaceDisk", name, {}, opts);
    const group = new resources.ResourceGroup(`${name}-rg`, { location: args.location, tags: args.tags }, { parent: this, retainOnDelete: true });
    const disk = new compute.Disk(
      `${name}-disk`,
      {
        resourceGroupName: group.name,
        location: args.location,
        tags: args.tags,
        sku: { name: compute.DiskStorageAccountTypes.StandardSSD_LRS },
        diskSizeGB: args.sizeGb,
        creationData: { createOption: compute.DiskCreateOption.Empty },
      },
      { parent: this, protect: true, retainOnDelete: true },
    );
    this.diskId = disk.id;
    this.diskName = disk.name;
    this.resourceGroupName = group.name;
    this.registerOutputs({ diskId: this.diskId, resourceGroupName: this.resourceGroupName });
  }
}
