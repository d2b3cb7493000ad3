/** Names and commands the Lighthouse row and its deploy module both use (no cloud SDK). */

/**
 * Where the data disk appears: the virtio serial is the disk id on Tencent's KVM hosts; the first data disk is
 * /dev/vdb otherwise. prepare-data only ever formats a device with no filesystem signature at all.
 */
export function lighthouseDataDevices(diskId: string | undefined): string[] {
  return diskId ? [`/dev/disk/by-id/virtio-${diskId}`, "/dev/vdb"] : [];
}


/** Prints what the ssh delivery's key prelude printed: the host's public keys, one of which to pin. */
export function hostKeysCommand(region: string, invocationId: string): string {
  return `tccli tat DescribeInvocationTasks --region ${region} --Filters '[{"Name":"invocation-id","Values":["${invocationId}"]}]' --HideOutput False --filter 'InvocationTaskSet[0].TaskResult.Output' --output text | base64 -d`;
}

/** Prints the instance's public address from the API: a fallback for `publicIp` (e.g. after a manual change). */
export function publicIpCommand(region: string, instanceId: string): string {
  return `tccli lighthouse DescribeInstances --region ${region} --InstanceIds '["${instanceId}"]' --filter 'InstanceSet[0].PublicAddresses[0]' --output text`;
}
