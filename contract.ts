/**
 * The stack config contract of this program: the common keys plus every target and bridge row. The loader,
 * `Pulumi.yaml`'s `config:` block and the README's key tables (scripts/contract.ts) all read it from here.
 */
import { bridges } from "./bridges/registry";
import { cloudTargets } from "./components/targets";
import { contractKeys, type Contract } from "./config/contract";
import { loadSpecWith, rawConfigFromPulumi as rawFrom, type LoadOptions, type LoadedSpec, type RawConfig } from "./config/load";

export const CONTRACT: Contract = { targets: Object.values(cloudTargets), bridges };

/** Every key of the namespace, by name. */
export const CONFIG_KEYS = contractKeys(CONTRACT);
/** Full keys of the secret ones. */
export const SECRET_KEYS = Object.entries(CONFIG_KEYS).filter(([, k]) => k.secret === true).map(([n]) => n);

/** Validates the whole stack config against the contract (see config/load.ts). */
export const loadSpec = (raw: RawConfig, opts?: LoadOptions): LoadedSpec => loadSpecWith(CONTRACT, raw, opts);

/** The config the Pulumi engine handed this program. */
export const rawConfigFromPulumi = (): RawConfig => rawFrom(CONTRACT);
