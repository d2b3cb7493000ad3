/** Every policy of the pack, one row each; the offline plan and the CrossGuard pack both read this list. */
import type { AgentPolicy, StackPolicy } from "./agent-policy";
import { backupRolesForBackupVault, keyVaultRbacPurgeProtection, noPasswordLogin, roleAssignmentReadSecretsOnly, vmManagedIdentity } from "./host-access-policies";
import { inboundSshOnly, runtimePortClosed, sshNotWorldOpen, sshWorldOpenOptIn } from "./network-policies";
import { noSecretInUserData, remoteCommandStdin, secretInputsAreSecrets } from "./secret-policies";

export const PACK_NAME = "codewhale-remote";

export const agentPolicies: readonly AgentPolicy[] = [
  inboundSshOnly,
  sshNotWorldOpen,
  sshWorldOpenOptIn,
  runtimePortClosed,
  noPasswordLogin,
  vmManagedIdentity,
  keyVaultRbacPurgeProtection,
  roleAssignmentReadSecretsOnly,
  noSecretInUserData,
  secretInputsAreSecrets,
  remoteCommandStdin,
];

/** Rules over several resources at once (CrossGuard stack policies), after the resource policies. */
export const stackPolicies: readonly StackPolicy[] = [backupRolesForBackupVault];
