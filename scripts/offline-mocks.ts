/**
 * What the offline plan answers in place of the clouds: plausible outputs per resource type (documentation
 * IP ranges, zero GUIDs), derived from the inputs so that a change of input shows as a change of output
 * (a Key Vault secret's version URI changes with its value, as in Azure). Used by `npm run plan` and tests.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import ipaddr from "ipaddr.js";
import { PREFLIGHT_MARKER } from "../components/ssh/preflight";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const TENANT = "00000000-0000-0000-0000-00000000feed";

const short = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 8);

type State = Record<string, unknown>;

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const isSecretWire = (v: unknown) => typeof v === "object" && v !== null && (v as State)[SIG_KEY] === SECRET_SIG;
type Outputs = (name: string, inputs: State) => State;

const azureName = (key: string): Outputs => (name, i) => ({ name: (i[key] as string | undefined) ?? `${name}${short(name)}` });

const byType: Record<string, Outputs> = {
  "random:index/randomString:RandomString": (name, i) => ({ result: short(name).padEnd(Number(i.length ?? 8), "0").slice(0, Number(i.length ?? 8)) }),
  "random:index/randomPassword:RandomPassword": (name, i) => ({ result: `offline${short(name)}`.padEnd(Number(i.length ?? 16), "x") }),
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
  // Lighthouse: the instance reports a zone even when none was asked for (the service picks one), and its
  // addresses (the provider's Read sets public_addresses / private_addresses from DescribeInstances).
  "tencentcloud:Lighthouse/instance:Instance": (_name, i) => ({ zone: i.zone ?? "ap-offline-1", publicAddresses: ["203.0.113.20"], privateAddresses: ["10.0.0.20"] }),
};

/**
 * What a supported host answers to the ssh target's preflight (components/ssh/preflight.ts): Ubuntu 24.04 on
 * x86_64 with passwordless sudo under systemd, the deployer seen at the first address of the first allowed CIDR
 * (the preflight's triggers carry the CIDRs after the bootstrap digest). Every other remote command: no output.
 */
export function offlinePreflightReport(allowedCidrs: readonly string[]): string {
  const first = allowedCidrs[0];
  const client = first ? (first.includes(":") ? ipaddr.IPv6.networkAddressFromCIDR(first) : ipaddr.IPv4.networkAddressFromCIDR(first)).toString() : "";
  return [`client=${client}`, "os=ubuntu 24.04", "arch=x86_64", "sudo=yes", "init=systemd"].join("\n");
}
byType["command:remote:Command"] = (_name, i) =>
  typeof i.stdin === "string" && i.stdin.startsWith(PREFLIGHT_MARKER)
    ? { stdout: offlinePreflightReport(((i.triggers as unknown[] | undefined) ?? []).slice(1).map(String)), stderr: "" }
    : {};

/** Tencent resource ids look like `<prefix>-<8 chars>`; derived from the name so they are stable run to run. */
const tencentId = (prefix: string) => (name: string) => `${prefix}-${short(name)}`;
const idByType: Record<string, (name: string, inputs: State) => string> = {
  "tencentcloud:Lighthouse/instance:Instance": tencentId("lhins"),
  "tencentcloud:Lighthouse/firewallTemplate:FirewallTemplate": tencentId("lhft"),
  "tencentcloud:Lighthouse/keyPair:KeyPair": tencentId("lhkp"),
  "tencentcloud:Lighthouse/disk:Disk": tencentId("lhdisk"),
  // TAT invocation attachments are `<invocation id>#<instance id>` upstream.
  "tencentcloud:Tat/invocationCommandAttachment:InvocationCommandAttachment": (name, i) => `inv-${short(name)}#${String(i.instanceId)}`,
};

export const offlineMocks: pulumi.runtime.Mocks = {
  newResource(args) {
    const extra = byType[args.type]?.(args.name, args.inputs as State) ?? {};
    const id = idByType[args.type]?.(args.name, args.inputs as State) ?? `/subscriptions/${SUBSCRIPTION}/resourceGroups/offline/providers/${args.type}/${args.name}`;
    return { id, state: { ...args.inputs, ...extra } };
  },
  call(args) {
    if (args.token === "azure-native:authorization:getClientConfig") {
      return { subscriptionId: SUBSCRIPTION, tenantId: TENANT, clientId: "00000000-0000-0000-0000-0000000000c1", objectId: "00000000-0000-0000-0000-0000000000d1" };
    }
    return {};
  },
};
