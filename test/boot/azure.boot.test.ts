// Azure flavour: the #cloud-config through cloud-init's NoCloud datasource, config from a fake Key Vault.
import { BOOT_CASES } from "./payloads";
import { describeBootCase } from "./suite";

for (const { bridge } of BOOT_CASES.filter((c) => c.flavour === "azure")) describeBootCase("azure", bridge);
