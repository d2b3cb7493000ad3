/**
 * Azure VM sizes, read from their names, against what this target asks of a VM (Trusted Launch, a Gen2
 * Ubuntu image of the chosen architecture).
 *
 * Azure size names follow `Standard_<family><vCPUs>[-<constrained>]<features>[_<accelerator>][_v<version>]`,
 * where the feature letters include `p` (Arm64 processor), `a` (AMD), `l` (low memory), `s` (premium
 * storage), `d` (local disk), `t` (tiny memory). The rules below read only the `p` letter and the version,
 * which is why a hand-written parser (a dozen lines) beats a size catalogue that would age.
 *
 * Facts the rules encode (Azure Trusted Launch and size-series docs):
 * - Arm64 sizes before v6 run on Ampere Altra (Bpsv2, Dpsv5, Dplsv5, Epsv5 ...) and do not support Trusted
 *   Launch; creating such a VM with `securityType: TrustedLaunch` fails.
 * - Arm64 v6 sizes run on Azure Cobalt 100 (Dpsv6, Dplsv6, Dpdsv6, Epsv6 ...) and support it.
 * - An Arm64 image boots only on an Arm64 size and an x64 image only on an x64 size.
 * - Trusted Launch needs a Generation 2 VM (the Ubuntu images used here are Gen2). Azure's "Support for
 *   generation 2 VMs" table lists as Generation 1 only, among current sizes: Av2, Dv2, Dv3, Ev3 (the
 *   premium-storage variants DSv2, Dsv3, Esv3 support both).
 */
import type { ConfigProblem } from "../../config/errors";
import { setCommand } from "../../config/keys";
import type { AzureSettings } from "./settings";

export type Architecture = AzureSettings["architecture"];

/**
 * Default size per architecture: current generation, 2 vCPUs, Trusted Launch capable.
 * - x64 `Standard_B2as_v2` (Basv2, AMD EPYC, burstable): the successor of the previous-generation
 *   `Standard_B2s` with the same 2 vCPUs and 40% CPU baseline, and 8 GiB instead of 4 GiB.
 * - arm64 `Standard_D2pls_v6` (Dplsv6, Azure Cobalt 100): 2 vCPUs, 4 GiB; the smallest Arm64 size that
 *   supports Trusted Launch (the burstable Arm64 Bpsv2 series is Ampere and does not).
 */
export const DEFAULT_VM_SIZE: Readonly<Record<Architecture, string>> = { x64: "Standard_B2as_v2", arm64: "Standard_D2pls_v6" };

/** Sizes the error messages recommend, per architecture. */
export const RECOMMENDED_VM_SIZES: Readonly<Record<Architecture, readonly string[]>> = {
  x64: ["Standard_B2as_v2", "Standard_B2als_v2", "Standard_D2as_v6", "Standard_D2s_v6"],
  arm64: ["Standard_D2pls_v6", "Standard_D2ps_v6", "Standard_D4pls_v6"],
};

export interface ParsedVmSize {
  readonly family: string;
  readonly vcpus: number;
  readonly features: string;
  /** 1 when the name has no `_v<n>` suffix (first-generation series such as `Standard_B2s`). */
  readonly version: number;
  readonly arm64: boolean;
}

// family, vCPUs, constrained vCPUs, feature letters, accelerator (`_T4`, never `_v<n>`), version.
const SIZE = /^Standard_([A-Z]+)(\d+)(?:-\d+)?([a-z]*)(?:_(?!v\d)[A-Za-z0-9]+)?(?:_v(\d+))?$/;

/** Undefined when the name does not follow Azure's naming convention (then no rule below applies). */
export function parseVmSize(size: string): ParsedVmSize | undefined {
  const m = SIZE.exec(size);
  if (!m) return undefined;
  const features = m[3] ?? "";
  return { family: m[1]!, vcpus: Number(m[2]), features, version: m[4] ? Number(m[4]) : 1, arm64: features.includes("p") };
}

/** Av2, Dv2, Dv3, Ev3: the Gen1-only rows of Azure's generation 2 table (their `s` variants are Gen2). */
function generation1Only(p: ParsedVmSize): boolean {
  if (p.family === "A") return true;
  return (p.family === "D" || p.family === "E") && (p.version === 2 || p.version === 3) && !p.features.includes("s");
}

/** The size the VM gets: the configured one, else the architecture's default. */
export function resolveVmSize(settings: Pick<AzureSettings, "vmSize" | "architecture">): string {
  return settings.vmSize ?? DEFAULT_VM_SIZE[settings.architecture];
}

const KEY = "codewhale-remote:azure.vmSize";

/** Architecture x size rules; empty when the pair can boot this target's VM. */
export function vmSizeProblems(settings: Pick<AzureSettings, "vmSize" | "architecture">): ConfigProblem[] {
  const arch = settings.architecture;
  const size = resolveVmSize(settings);
  const parsed = parseVmSize(size);
  if (!parsed) return [];
  const recommended = RECOMMENDED_VM_SIZES[arch].join(", ");
  const fix = setCommand(["azure", "vmSize"], DEFAULT_VM_SIZE[arch]);
  if (parsed.arm64 !== (arch === "arm64")) {
    return [
      {
        key: KEY,
        problem: `'${size}' is an ${parsed.arm64 ? "Arm64" : "x64"} size, but azure.architecture is ${arch}: the ${arch} Ubuntu image cannot boot on it`,
        expected: `an ${arch} size (${arch === "arm64" ? "with" : "without"} 'p' in its feature letters), e.g. ${recommended}`,
        fix: `${fix}, or set azure.architecture to ${parsed.arm64 ? "arm64" : "x64"}`,
      },
    ];
  }
  if (generation1Only(parsed)) {
    return [
      {
        key: KEY,
        problem: `'${size}' is a Generation 1 only size; this target's Trusted Launch VM and Gen2 image need Generation 2`,
        expected: `a Generation 2 size, e.g. ${recommended}`,
        fix,
      },
    ];
  }
  if (parsed.arm64 && parsed.version < 6) {
    return [
      {
        key: KEY,
        problem: `'${size}' is an Ampere Altra Arm64 size (v${parsed.version}), which does not support Trusted Launch; this target always creates a Trusted Launch VM`,
        expected: `an Azure Cobalt 100 Arm64 size (v6 series: Dplsv6, Dpsv6, Epsv6 ...), e.g. ${recommended}`,
        fix,
      },
    ];
  }
  return [];
}
