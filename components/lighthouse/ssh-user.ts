/** Login user of Tencent's Ubuntu images; the Lighthouse key pair is bound to it, and sshd admits only it. */
export const LIGHTHOUSE_SSH_USER = "ubuntu";
