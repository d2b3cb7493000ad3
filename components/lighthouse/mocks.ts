/** What the offline plan answers in place of Tencent Cloud Lighthouse and TAT. */
import { createHash } from "node:crypto";
import type { TargetMocks } from "../target";

const short = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 8);
/** Tencent resource ids look like `<prefix>-<8 chars>`; derived from the name so they are stable run to run. */
const tencentId = (prefix: string) => (name: string) => `${prefix}-${short(name)}`;

export const lighthouseMocks: TargetMocks = {
  outputs: {
    // The instance reports a zone even when none was asked for (the service picks one), and its addresses (the
    // provider's Read sets public_addresses / private_addresses from DescribeInstances).
    "tencentcloud:Lighthouse/instance:Instance": (_name, i) => ({ zone: i.zone ?? "ap-offline-1", publicAddresses: ["203.0.113.20"], privateAddresses: ["10.0.0.20"] }),
  },
  ids: {
    "tencentcloud:Lighthouse/instance:Instance": tencentId("lhins"),
    "tencentcloud:Lighthouse/firewallTemplate:FirewallTemplate": tencentId("lhft"),
    "tencentcloud:Lighthouse/keyPair:KeyPair": tencentId("lhkp"),
    "tencentcloud:Lighthouse/disk:Disk": tencentId("lhdisk"),
    // TAT invocation attachments are `<invocation id>#<instance id>` upstream.
    "tencentcloud:Tat/invocationCommandAttachment:InvocationCommandAttachment": (name, i) => `inv-${short(name)}#${String(i.instanceId)}`,
  },
};
