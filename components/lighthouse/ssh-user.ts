/** Login user of Tencent's Ubuntu images; the bootstrap installs the owner's key for it, and sshd admits only it. */
export const LIGHTHOUSE_SSH_USER = "ubuntu";
