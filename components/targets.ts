/** Every cloud target, one row each. Adding a cloud adds a row (and its folder), nothing else. */
import { azureTarget } from "./azure/target";
import { lighthouseTarget } from "./lighthouse/target";
import type { CloudTarget } from "./target";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each row is typed by its own settings
export const cloudTargets: Readonly<Record<string, CloudTarget<any>>> = {
  azure: azureTarget,
  lighthouse: lighthouseTarget,
};
