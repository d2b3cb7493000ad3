import * as compute from "@pulumi/azure-native/compute";
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import type { AzureSettings } from "./settings";
import { resolveVmSize } from "./vm-sizes";

export interface AgentVmArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: pulumi.Input<string>;
  readonly networkSecurityGroupId: pulumi.Input<string>;
  readonly settings: AzureSettings;
  /** The workspace disk (a WorkspaceDisk in its own resource group), attached at LUN 0; absent: no data disk. */
  readonly dataDiskId?: pulumi.Input<string>;
  readonly computerName: string;
  readonly sshPublicKey: string;
  /** Base64 cloud-config. Holds no secret; stable across day-2 changes (a change replaces the VM). */
  readonly customData: pulumi.Input<string>;
  readonly tags?: Record<string, string>;
}

/** Ubuntu 24.04 LTS, per architecture (Canonical's Gen2 images; Trusted Launch needs Gen2). */
const UBUNTU_2404 = {
  x64: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
  arm64: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server-arm64", version: "latest" },
} as const;

/**
 * VM inputs Azure sets only at creation: it refuses a PUT that changes customData, adminUsername or the SSH
 * public keys of an existing VM, and azure-native does not always flag such inputs as replacing
 * (pulumi-azure-native #577). With `replaceOnChanges` Pulumi replaces the VM instead; a path covers every
 * path below it (engine: pkg/resource/deploy/step_generator.go applyReplaceOnChanges, PropertyPath.Contains).
 * Replacing is safe because the VM holds no state: the workspace disk is a separate resource, detached when
 * the old VM is deleted (deleteBeforeReplace) and attached to the new one, and the rollout re-runs there.
 * - customData: changes only when the bridge or this program's host layout changes, never on day-2 config.
 * - adminUsername, ssh.publicKeys: rotating the SSH key or renaming the login user replaces the VM.
 * - imageReference: a change of architecture (x64 <-> arm64 image) needs a new OS disk.
 */
export const VM_CREATE_ONLY_INPUTS = [
  "osProfile.customData",
  "osProfile.adminUsername",
  "osProfile.linuxConfiguration.ssh.publicKeys",
  "storageProfile.imageReference",
] as const;

/** Where the data disk appears on the VM: azure-vm-utils' name first (SCSI and NVMe), the agent's after. */
export const AZURE_DATA_DEVICES = ["/dev/disk/azure/data/by-lun/0", "/dev/disk/azure/scsi1/lun0"] as const;

/**
 * The agent VM and its network edge: VNet and subnet (behind the SSH-only NSG, with a Key Vault service
 * endpoint so the vault firewall can admit this subnet alone), a static Standard public IP, a NIC, and the VM
 * itself: SSH keys only, system-assigned identity, Trusted Launch, managed boot diagnostics, platform
 * patching. The workspace disk is not this component's: it lives in its own resource group (WorkspaceDisk)
 * and the VM only attaches it, so the VM can be replaced at will.
 */
export class AgentVm extends pulumi.ComponentResource {
  readonly vmName: pulumi.Output<string>;
  readonly vmId: pulumi.Output<string>;
  readonly principalId: pulumi.Output<string>;
  readonly publicIp: pulumi.Output<string>;
  readonly subnetId: pulumi.Output<string>;

  constructor(name: string, args: AgentVmArgs, opts?: pulumi.ComponentResourceOptions) {
    super("codewhale-remote:azure:AgentVm", name, {}, opts);
    const s = args.settings;
    const common = { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags };

    const vnet = new network.VirtualNetwork(`${name}-vnet`, { ...common, addressSpace: { addressPrefixes: [s.vnetCidr] } }, { parent: this, ignoreChanges: ["subnets"] });
    const subnet = new network.Subnet(
      `${name}-subnet`,
      {
        resourceGroupName: args.resourceGroupName,
        virtualNetworkName: vnet.name,
        addressPrefix: s.vnetCidr,
        networkSecurityGroup: { id: args.networkSecurityGroupId },
        serviceEndpoints: [{ service: "Microsoft.KeyVault" }],
        defaultOutboundAccess: false,
      },
      { parent: this },
    );
    const ip = new network.PublicIPAddress(
      `${name}-ip`,
      {
        ...common,
        sku: { name: network.PublicIPAddressSkuName.Standard, tier: network.PublicIPAddressSkuTier.Regional },
        publicIPAllocationMethod: network.IPAllocationMethod.Static,
        publicIPAddressVersion: network.IPVersion.IPv4,
      },
      { parent: this },
    );
    const nic = new network.NetworkInterface(
      `${name}-nic`,
      {
        ...common,
        ipConfigurations: [{ name: "primary", primary: true, subnet: { id: subnet.id }, publicIPAddress: { id: ip.id }, privateIPAllocationMethod: network.IPAllocationMethod.Dynamic }],
      },
      { parent: this },
    );

    const vm = new compute.VirtualMachine(
      `${name}-vm`,
      {
        ...common,
        hardwareProfile: { vmSize: resolveVmSize(s) },
        identity: { type: compute.ResourceIdentityType.SystemAssigned },
        networkProfile: { networkInterfaces: [{ id: nic.id, primary: true }] },
        osProfile: {
          computerName: args.computerName,
          adminUsername: s.adminUsername,
          customData: args.customData,
          linuxConfiguration: {
            disablePasswordAuthentication: true,
            provisionVMAgent: true,
            ssh: { publicKeys: [{ path: `/home/${s.adminUsername}/.ssh/authorized_keys`, keyData: args.sshPublicKey }] },
            patchSettings: {
              patchMode: compute.LinuxVMGuestPatchMode.AutomaticByPlatform,
              assessmentMode: compute.LinuxPatchAssessmentMode.AutomaticByPlatform,
            },
          },
        },
        securityProfile: {
          securityType: compute.SecurityTypes.TrustedLaunch,
          uefiSettings: { secureBootEnabled: true, vTpmEnabled: true },
          ...(s.encryptionAtHost ? { encryptionAtHost: true } : {}),
        },
        diagnosticsProfile: { bootDiagnostics: { enabled: true } },
        storageProfile: {
          imageReference: UBUNTU_2404[s.architecture],
          osDisk: {
            createOption: compute.DiskCreateOptionTypes.FromImage,
            deleteOption: compute.DiskDeleteOptionTypes.Delete,
            diskSizeGB: s.osDiskSizeGb,
            managedDisk: { storageAccountType: compute.StorageAccountTypes.StandardSSD_LRS },
          },
          // Detach, never Delete: deleting the VM (a replacement, a destroy) leaves the workspace disk alone.
          dataDisks: args.dataDiskId
            ? [{ lun: 0, createOption: compute.DiskCreateOptionTypes.Attach, deleteOption: compute.DiskDeleteOptionTypes.Detach, managedDisk: { id: args.dataDiskId } }]
            : [],
        },
      },
      {
        parent: this,
        replaceOnChanges: [...VM_CREATE_ONLY_INPUTS],
        // The data disk attaches to one VM at a time: the old VM must be gone before the new one attaches it.
        deleteBeforeReplace: true,
      },
    );

    this.vmName = vm.name;
    this.vmId = vm.id;
    this.principalId = vm.identity.apply((i) => {
      if (!i?.principalId) throw new Error("the VM has no system-assigned identity principal");
      return i.principalId;
    });
    this.publicIp = ip.ipAddress.apply((a) => a ?? "");
    this.subnetId = subnet.id;
    this.registerOutputs({ vmName: this.vmName, vmId: this.vmId, principalId: this.principalId, publicIp: this.publicIp, subnetId: this.subnetId });
  }
}
