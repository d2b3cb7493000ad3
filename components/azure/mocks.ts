/**
 * What the offline plan answers in place of Azure: plausible outputs per resource type (documentation IP ranges,
 * zero GUIDs), derived from the inputs so that a change of input shows as a change of output (a Key Vault
 * secret's version URI changes with its value, as in Azure).
 */
import { createHash } from "node:crypto";
import type { TargetMocks } from "../target";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const TENANT = "00000000-0000-0000-0000-00000000feed";
const short = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 8);
type State = Record<string, unknown>;

// The SDK's wire form of a secret value (@pulumi/pulumi runtime/rpc.ts specialSigKey / specialSecretSig).
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const isSecretWire = (v: unknown) => typeof v === "object" && v !== null && (v as State)[SIG_KEY] === SECRET_SIG;

const azureName = (key: string) => (name: string, i: State): State => ({ name: (i[key] as string | undefined) ?? `${name}${short(name)}` });

export const azureMocks: TargetMocks = {
  outputs: {
    "azure-native:resources:ResourceGroup": azureName("resourceGroupName"),
    "azure-native:network:VirtualNetwork": azureName("virtualNetworkName"),
    "azure-native:network:Subnet": azureName("subnetName"),
    "azure-native:network:NetworkSecurityGroup": azureName("networkSecurityGroupName"),
    "azure-native:network:NetworkInterface": azureName("networkInterfaceName"),
    "azure-native:network:PublicIPAddress": (name, i) => ({ ...azureName("publicIpAddressName")(name, i), ipAddress: "203.0.113.10" }),
    "azure-native:compute:Disk": azureName("diskName"),
    "azure-native:compute:VirtualMachine": (name, i) => ({
      ...azureName("vmName")(name, i),
      identity: { ...(i.identity as State), principalId: "00000000-0000-0000-0000-0000000000a1", tenantId: TENANT },
    }),
    "azure-native:keyvault:Vault": (name, i) => ({
      name: i.vaultName ?? name,
      properties: { ...(i.properties as State), vaultUri: `https://${String(i.vaultName ?? name)}.vault.azure.net/` },
    }),
    "azure-native:keyvault:Secret": (name, i) => {
      // `properties` arrives secret-wrapped (it holds the value); keep it wrapped in the returned state.
      const wrapped = isSecretWire(i.properties);
      const props = ((wrapped ? (i.properties as State).value : i.properties) ?? {}) as State;
      const version = short(JSON.stringify(props.value ?? ""));
      const base = `https://${String(i.vaultName)}.vault.azure.net/secrets/${String(i.secretName ?? name)}`;
      const out = { ...props, secretUri: base, secretUriWithVersion: `${base}/${version}` };
      return { name: i.secretName ?? name, properties: wrapped ? { [SIG_KEY]: SECRET_SIG, value: out } : out };
    },
    "azure-native:authorization:RoleAssignment": (name) => ({ name: `00000000-0000-0000-0000-${short(name).padStart(12, "0")}` }),
  },
  calls: {
    "azure-native:authorization:getClientConfig": () => ({
      subscriptionId: SUBSCRIPTION,
      tenantId: TENANT,
      clientId: "00000000-0000-0000-0000-0000000000c1",
      objectId: "00000000-0000-0000-0000-0000000000d1",
    }),
  },
};
