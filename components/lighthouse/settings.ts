/**
 * The Lighthouse target's settings object (`codewhale-remote:lighthouse`): its schema and defaults. No cloud SDK
 * here, so the config loader and the offline tools read it without loading the Tencent provider.
 */
import { z } from "zod";

export const TENCENT_REGION_KEY = "tencentcloud:region";
/** The provider reads the region from this variable when the config has none; so does the loader. */
export const TENCENT_REGION_ENV = "TENCENTCLOUD_REGION";

export const lighthouseSettingsSchema = z
  .object({
    // Required by the Lighthouse target (its validate says how to list the plans on sale); no default is verified.
    bundleId: z.string().regex(/^bundle[A-Za-z0-9_-]+$/, "must be a Lighthouse bundle id (BundleId of DescribeBundles, e.g. bundle2022_gen_01)").optional(),
    // Required by the Lighthouse target (its validate says how to find one).
    blueprintId: z.string().regex(/^lhbp-[a-z0-9]+$/, "must be a Lighthouse blueprint id like lhbp-xxxxxxxx").optional(),
    zone: z.string().regex(/^[a-z]+-[a-z]+-\d+$/, "must be a zone like ap-singapore-1").optional(),
    renewFlag: z.enum(["NOTIFY_AND_AUTO_RENEW", "NOTIFY_AND_MANUAL_RENEW", "DISABLE_NOTIFY_AND_AUTO_RENEW"]).default("NOTIFY_AND_AUTO_RENEW"),
    period: z.number().int().min(1).max(60).default(1),
    /** 0 = no data disk (state then dies with the instance). */
    dataDiskSizeGb: z.number().int().min(0).max(4000).refine((n) => n === 0 || n >= 10, "must be 0 (no data disk) or at least 10").default(20),
    instanceName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$/, "must be 1-60 letters, digits, - or _").optional(),
    // tat: the bootstrap with its secrets runs through TAT (which keeps every invocation's content); ssh: TAT
    // installs only the SSH key, and the deployer sends the bootstrap over SSH (bootstrap.ts).
    secretDelivery: z.enum(["tat", "ssh"]).default("tat"),
    /** The host's SSH public host key (one `known_hosts`-style key): the ssh delivery connects only to it. */
    sshHostKey: z.string().optional(),
  })
  .strict();

export type LighthouseSettings = z.infer<typeof lighthouseSettingsSchema>;
