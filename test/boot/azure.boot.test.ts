// Azure flavour: the #cloud-config through cloud-init's NoCloud datasource, config from a fake Key Vault.
import { bridgeIds } from "../../bridges/registry";
import { describeBootCase } from "./suite";

for (const bridge of bridgeIds) describeBootCase("azure", bridge);
