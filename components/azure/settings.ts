/**
 * The Azure target's settings object (`codewhale-remote:azure`): its schema and defaults. No cloud SDK here, so
 * the config loader and the offline tools read it without loading azure-native.
 */
import { z } from "zod";

export const AZURE_LOCATION_KEY = "azure-native:location";

export const azureSettingsSchema = z
  .object({
    // No default here: the Azure target picks one per architecture (vm-sizes.ts).
    vmSize: z.string().regex(/^Standard_[A-Za-z0-9_-]+$/, "must be an Azure VM size like Standard_B2as_v2").optional(),
    architecture: z.enum(["x64", "arm64"]).default("x64"),
    osDiskSizeGb: z.number().int().min(30).max(1024).default(30),
    /** 0 = no data disk (state then dies with the VM). */
    dataDiskSizeGb: z.number().int().min(0).max(4096).refine((n) => n === 0 || n >= 4, "must be 0 (no data disk) or at least 4").default(32),
    adminUsername: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a lowercase Linux user name")
      .refine((u) => !["root", "admin", "administrator", "codewhale", "user", "guest"].includes(u), "is reserved by Azure or by the agent user")
      .default("azureuser"),
    vnetCidr: z.string().default("10.42.0.0/24"),
    encryptionAtHost: z.boolean().default(false),
    keyVaultRetentionDays: z.number().int().min(7).max(90).default(90),
  })
  .strict();

export type AzureSettings = z.infer<typeof azureSettingsSchema>;
