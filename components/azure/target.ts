/**
 * The Azure target's row: its settings, region key, rules and offline stand-ins. The deploy module (deploy.ts,
 * azure-native) loads only for a stack on Azure.
 */
import type { ConfigProblem } from "../../config/errors";
import { setCommand } from "../../config/keys";
import type { StackSpec } from "../../config/spec";
import { parseCidr } from "../../config/values";
import { ipv6CidrProblems } from "../rules";
import type { CloudTarget } from "../target";
import { azureMocks } from "./mocks";
import { AZURE_LOCATION_KEY, azureSettingsSchema, type AzureSettings } from "./settings";
import { vmSizeProblems } from "./vm-sizes";

function validate(spec: StackSpec<AzureSettings>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!spec.target.region) {
    problems.push({
      key: AZURE_LOCATION_KEY,
      problem: "is not set: Azure needs a region for every resource",
      expected: "an Azure region name such as westeurope, eastus2 or southeastasia",
      fix: "pulumi config set azure-native:location westeurope",
    });
  }
  problems.push(...ipv6CidrProblems(spec, "the Azure host has an IPv4 public address only"));
  const vnet = parseCidr(spec.target.settings.vnetCidr);
  if (!vnet.cidr || vnet.cidr.family !== "ipv4" || vnet.cidr.prefix > 28) {
    problems.push({
      key: "codewhale-remote:azure.vnetCidr",
      problem: `'${spec.target.settings.vnetCidr}' ${vnet.problem ?? "must be an IPv4 CIDR of /28 or larger"}`,
      expected: "a private IPv4 range like 10.42.0.0/24",
      fix: setCommand(["azure", "vnetCidr"], vnet.suggestion ?? "10.42.0.0/24"),
    });
  }
  problems.push(...vmSizeProblems(spec.target.settings));
  return problems;
}

export const azureTarget: CloudTarget<AzureSettings> = {
  id: "azure",
  displayName: "Azure VM",
  settingsKey: "azure",
  settingsDescription: "A VM with a managed identity, secrets in Key Vault, the workspace on its own data disk.",
  settingsSchema: azureSettingsSchema,
  region: { key: AZURE_LOCATION_KEY },
  validate,
  sampleConfig: { [AZURE_LOCATION_KEY]: "westeurope" },
  mocks: azureMocks,
  hostType: "azure-native:compute:VirtualMachine",
  load: () => import("./deploy.js"),
};
