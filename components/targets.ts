/** Every cloud target, one row each. Adding a cloud adds a row (and its folder), nothing else. */
import { azureTarget } from "./azure/target";
import { lighthouseTarget } from "./lighthouse/target";
import type { CloudTarget } from "./target";

export const cloudTargets: Readonly<Record<string, CloudTarget>> = {
  azure: azureTarget,
  lighthouse: lighthouseTarget,
};
