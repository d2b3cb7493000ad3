/**
 * The `ssh` target's config rules, run before any resource is registered: the host, port, login user and host
 * key of `codewhale-remote:ssh`, and the format of the `sshPrivateKey` secret (privateKeyProblem: the loader runs
 * it where the value is still readable, with the same rules as the provider that will use it; never shown).
 */
import { createPrivateKey } from "node:crypto";
import { isIP } from "node:net";
import type { ConfigProblem } from "../../config/errors";
import { PROJECT, setCommand } from "../../config/keys";
import type { SshSettings } from "./settings";
import { SSH_SETTINGS_KEY } from "./settings";

const key = (field: string) => `${PROJECT}:${SSH_SETTINGS_KEY}.${field}`;
const set = (field: string, example: string) => setCommand([SSH_SETTINGS_KEY, field], example);

/** RFC 1123 host names: labels of letters, digits and hyphens, not starting or ending with a hyphen. */
const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** What is wrong with `ssh.host`, with the value the user most likely meant (URL, user@, :port, [v6]). */
export function hostProblem(host: string | undefined): { problem: string; suggestion?: string } | undefined {
  if (host === undefined || host.trim() === "") return { problem: "is required: the DNS name or IP address of the host to deploy to" };
  if (host !== host.trim()) return { problem: "has leading or trailing white space", suggestion: host.trim() };
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/]+)/i.exec(host);
  if (url) return { problem: `'${host}' is a URL; give the host alone (the user and port have their own fields)`, suggestion: url[1]!.replace(/^\[|\]$/g, "") };
  const at = host.lastIndexOf("@");
  if (at >= 0) return { problem: `'${host}' includes a user; the user goes in ssh.user`, suggestion: host.slice(at + 1) };
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return { problem: `'${host}' is bracketed; give the IPv6 address without brackets (the port goes in ssh.port)`, suggestion: bracketed[1]! };
  if (isIP(host) !== 0) return undefined;
  const withPort = /^([^:]+):(\d+)$/.exec(host);
  if (withPort) return { problem: `'${host}' includes a port; the port goes in ssh.port`, suggestion: withPort[1]! };
  if (/^[\d.]+$/.test(host)) return { problem: `'${host}' is not a valid IPv4 address` };
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  if (name.length > 253 || !name.split(".").every((l) => HOST_LABEL.test(l))) {
    return { problem: `'${host}' is neither an IP address nor a DNS name (letters, digits, hyphens and dots)` };
  }
  return undefined;
}

/** Linux user names useradd accepts by default on Debian and Ubuntu (NAME_REGEX). */
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

/**
 * Why a login user cannot deploy. The host payload's sshd drop-in admits only this user (AllowUsers) and never
 * root (PermitRootLogin no), and the bootstrap runs through `sudo -n`: the user must be an existing non-root
 * user with passwordless sudo, or the first run would lock the deployer (and every later `pulumi up`) out.
 */
export function userProblem(user: string, serviceUsers: readonly string[]): string | undefined {
  if (!USER_NAME.test(user)) return `'${user}' is not a Linux user name (lowercase letters, digits, _ and -, at most 32)`;
  if (user === "root") {
    return "is root (the default). This target's sshd settings refuse root logins (PermitRootLogin no) and admit only ssh.user (AllowUsers), so Pulumi could not connect again after the first run";
  }
  if (serviceUsers.includes(user)) return `'${user}' is one of the service users this program creates (${serviceUsers.join(", ")}), which never log in`;
  return undefined;
}

/** Key types OpenSSH servers use for host keys (ssh-keyscan prints these). */
const HOST_KEY_TYPES = new Set(["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"]);

/**
 * A host key line as `ssh-keyscan` or known_hosts give it (`[host[,host...]] <type> <base64> [comment]`) ->
 * `<type> <base64>`, or the problem with it. pulumi-command parses `connection.hostKey` with x/crypto's
 * ssh.ParseAuthorizedKey and pins it with ssh.FixedHostKey (connection.go SSHConfig, v1.2.1); a leading host
 * field is read there as an authorized_keys options field, which works, but the normalised form depends on no
 * such leniency. Markers (@cert-authority, @revoked) pin nothing and are refused.
 */
export function parseHostKey(line: string): { key?: string; problem?: string } {
  const text = line.trim();
  if (text.includes("\n")) return { problem: "holds more than one line; pin exactly one host key (ssh-keyscan prints one line per key type: take the ssh-ed25519 one)" };
  if (/^SHA256:|^MD5:|^([0-9a-f]{2}:){15}[0-9a-f]{2}$/i.test(text)) {
    return { problem: "is a fingerprint, not the key itself; the provider compares the full key" };
  }
  if (text.startsWith("@")) return { problem: `starts with the marker ${text.split(/\s+/)[0]}, which pins nothing` };
  if (/PRIVATE KEY/.test(text)) return { problem: "is a PRIVATE key. A host key is the public half (ssh_host_*_key.pub); rotate the leaked key" };
  const fields = text.split(/\s+/);
  const at = fields.findIndex((f) => HOST_KEY_TYPES.has(f));
  if (at < 0 || at > 1 || fields[at + 1] === undefined) {
    return { problem: "is not an SSH public host key (expected '[host] <type> <base64> [comment]' with type ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa)" };
  }
  const [type, blob] = [fields[at]!, fields[at + 1]!];
  if (!/^[A-Za-z0-9+/]+={0,3}$/.test(blob)) return { problem: "has a key blob that is not base64" };
  const bytes = Buffer.from(blob, "base64");
  const innerType = bytes.length >= 4 ? bytes.subarray(4, 4 + bytes.readUInt32BE(0)).toString("latin1") : "";
  if (innerType !== type) return { problem: `says ${type} but its blob holds ${innerType || "nothing"}: the key was cut or pasted wrong` };
  return { key: `${type} ${blob}` };
}

/**
 * What is wrong with the `sshPrivateKey` value (never the value itself). pulumi-command parses it with x/crypto's
 * ssh.ParsePrivateKey (connection.go SSHConfig; this program never sets privateKeyPassword), which takes one PEM
 * block of type OPENSSH, RSA, EC, DSA or (PKCS#8) PRIVATE KEY and returns PassphraseMissingError for an
 * encrypted one (ssh/keys.go ParseRawPrivateKey: encryptedBlock, unencryptedOpenSSHKey). ssh2's parser follows
 * the same formats and tells the cases apart.
 */
export function privateKeyProblem(value: string): string | undefined {
  const text = value.trim();
  if (/^(ssh-|ecdsa-|sk-)\S+\s+AAAA/.test(text) || /BEGIN SSH2 PUBLIC KEY/.test(text)) {
    return "is a public key; this secret is the private key Pulumi connects with (the file without .pub)";
  }
  if (/^PuTTY-User-Key-File/.test(text)) return "is a PuTTY key; convert it: puttygen key.ppk -O private-openssh -o key";
  const block = /^-----BEGIN ([A-Z0-9 ]+)-----/.exec(text);
  if (!block) return "is not a PEM private key (expected the whole file, from -----BEGIN ... PRIVATE KEY----- to its END line)";
  const type = block[1]!;
  if (type === "ENCRYPTED PRIVATE KEY" || /^Proc-Type:.*ENCRYPTED/m.test(text)) {
    return "is protected by a passphrase, which the deploy cannot enter; leave sshPrivateKey unset and load the key into ssh-agent (ssh-add), or use a key without a passphrase";
  }
  if (!["OPENSSH PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY", "PRIVATE KEY"].includes(type)) {
    return `is a PEM block of type '${type}', not an SSH private key`;
  }
  if (!new RegExp(`-----END ${type}-----`).test(text)) return "is cut off: its -----END ... PRIVATE KEY----- line is missing";
  const passphrase = "is protected by a passphrase, which the deploy cannot enter; leave sshPrivateKey unset and load the key into ssh-agent (ssh-add), or use a key without a passphrase";
  const damaged = "cannot be parsed as a private key (damaged or cut while pasting): set it from the key file, not by copy and paste";
  if (type !== "OPENSSH PRIVATE KEY") {
    // PKCS#1, SEC1 and PKCS#8 PEM: Node's own parser (OpenSSL) reads all of them, as x/crypto's x509 does.
    try {
      createPrivateKey({ key: text, format: "pem" });
    } catch (e) {
      return (e as { code?: string }).code === "ERR_MISSING_PASSPHRASE" ? passphrase : damaged;
    }
    return undefined;
  }
  // The OpenSSH format (ssh-keygen's default), which OpenSSL does not read: ssh2's parser, loaded only here (a few
  // hundred KiB that stacks on other targets never need).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { utils } = require("ssh2") as typeof import("ssh2");
  const parsed = utils.parseKey(text);
  if (parsed instanceof Error) return /passphrase/i.test(parsed.message) ? passphrase : damaged;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key?.isPrivateKey()) return "is a public key; this secret is the private key Pulumi connects with (the file without .pub)";
  return undefined;
}

/** The `ssh` settings' rules (the private key's are the loader's: `sshPrivateKey` row, privateKeyProblem). */
export function validateSshSettings(settings: SshSettings, serviceUsers: readonly string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const host = hostProblem(settings.host);
  if (host) {
    problems.push({
      key: key("host"),
      problem: host.problem,
      expected: "the host's DNS name or IP address, e.g. agent.example.com or 203.0.113.7",
      fix: set("host", host.suggestion ?? "203.0.113.7"),
    });
  }
  const user = userProblem(settings.user, serviceUsers);
  if (user) {
    problems.push({
      key: key("user"),
      problem: user,
      expected: "an existing non-root user on the host that logs in with a key and has passwordless sudo (e.g. the image's ubuntu or debian user; sudo visudo -f /etc/sudoers.d/codewhale-deploy: '<user> ALL=(ALL) NOPASSWD: ALL')",
      fix: set("user", "ubuntu"),
    });
  }
  if (settings.hostKey !== undefined) {
    const { problem } = parseHostKey(settings.hostKey);
    if (problem) {
      problems.push({
        key: key("hostKey"),
        problem,
        expected: "one line of the host's /etc/ssh/ssh_host_ed25519_key.pub (or of ssh-keyscan -t ed25519 <host>, checked against the host's own ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)",
        fix: set("hostKey", `"$(ssh-keyscan -p ${settings.port} -t ed25519 ${settings.host ?? "<host>"} 2>/dev/null)"`),
      });
    }
  }
  return problems;
}
