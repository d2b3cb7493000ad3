/**
 * Value checks shared by the schema: CIDRs, SSH public keys, URLs and "safe" strings. Each returns a
 * problem description (what is wrong) or undefined; the schema attaches the key, expectation and fix.
 */
import ipaddr from "ipaddr.js";

/**
 * Characters that would break an env file line or a shell line if a value ever reached one unquoted:
 * newlines end a systemd EnvironmentFile entry, quotes and backslashes are parsed by systemd, `$` and
 * backticks expand in shells. Rejecting them up front is simpler and safer than escaping in three dialects.
 */
const UNSAFE = /[\n\r\0"'`$\\]/;

export function unsafeCharacterProblem(value: string): string | undefined {
  const m = UNSAFE.exec(value);
  if (m) {
    const name = { "\n": "a newline", "\r": "a carriage return", "\0": "a NUL byte" }[m[0]] ?? `the character ${m[0]}`;
    return `contains ${name}, which would break an env file or shell line`;
  }
  if (value !== value.trim()) return "has leading or trailing white space";
  return undefined;
}

/** The longest secret value (API key, token) the config accepts. */
export const MAX_SECRET_LENGTH = 512;
/** Printable ASCII without space and the unsafe characters: what API keys and tokens look like. */
export const SECRET_TOKEN = new RegExp(`^[\\x21-\\x7e]{8,${MAX_SECRET_LENGTH}}$`);

export interface ParsedCidr {
  readonly text: string;
  readonly family: "ipv4" | "ipv6";
  readonly prefix: number;
  readonly worldOpen: boolean;
}

export function parseCidr(value: string): { cidr?: ParsedCidr; problem?: string; suggestion?: string } {
  if (!value.includes("/")) {
    if (ipaddr.isValid(value)) {
      const family = ipaddr.parse(value).kind();
      return family === "ipv4"
        ? { problem: "is an address without a prefix length (one IPv4 host is /32)", suggestion: `${value}/32` }
        : { problem: "is an IPv6 address without a prefix length (one IPv6 host is /128)", suggestion: `${value}/128` };
    }
    return { problem: "is not a CIDR" };
  }
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(value);
  } catch {
    return { problem: "is not a CIDR" };
  }
  const [addr, prefix] = parsed;
  const family = addr.kind();
  // Cloud firewalls either reject or silently widen a CIDR with host bits set; ask for the canonical form.
  const network =
    family === "ipv4"
      ? ipaddr.IPv4.networkAddressFromCIDR(value).toString()
      : ipaddr.IPv6.networkAddressFromCIDR(value).toNormalizedString();
  const given = family === "ipv4" ? addr.toString() : (addr as ipaddr.IPv6).toNormalizedString();
  if (network !== given) {
    if (family === "ipv6") {
      // Typically `$(curl -s https://ifconfig.me)/32` on a network that prefers IPv6: /32 is the IPv4 single-host
      // suffix, and as an IPv6 prefix it is a range of 2^96 addresses (a provider's allocation). Suggest the host.
      return {
        problem: `is one IPv6 address with /${prefix}: as IPv6 that is a range of 2^${128 - prefix} addresses, not one host (one IPv6 host is /128; if you meant your IPv4 address, it is: curl -4 -s https://ifconfig.me)`,
        suggestion: `${addr.toString()}/128`,
      };
    }
    return { problem: "has host bits set", suggestion: `${network}/${prefix}` };
  }
  if (family === "ipv4" && value.split("/")[0] !== addr.toString()) {
    return { problem: "is not in canonical dotted form", suggestion: `${addr.toString()}/${prefix}` };
  }
  return { cidr: { text: value, family, prefix, worldOpen: prefix === 0 } };
}

const SSH_KEY_TYPES = new Set([
  "ssh-ed25519",
  "ssh-rsa",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
]);

/** Checks the OpenSSH public key format, including the key type encoded inside the base64 blob. */
export function sshPublicKeyProblem(value: string): string | undefined {
  if (/PRIVATE KEY/.test(value)) {
    return "is a PRIVATE key. Never put a private key in stack config: rotate it now, and give the .pub file instead";
  }
  const parts = value.trim().split(/\s+/);
  const [type, blob] = parts;
  if (!type || !blob || !SSH_KEY_TYPES.has(type)) {
    return "is not an OpenSSH public key (expected '<type> <base64> [comment]', type one of ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa)";
  }
  if (!/^[A-Za-z0-9+/]+={0,3}$/.test(blob)) return "has a key blob that is not base64";
  const bytes = Buffer.from(blob, "base64");
  if (bytes.length < 4) return "has a truncated key blob";
  const typeLength = bytes.readUInt32BE(0);
  const innerType = bytes.subarray(4, 4 + typeLength).toString("latin1");
  if (innerType !== type) return `says ${type} but its blob holds ${innerType || "something else"}: the key was cut or pasted wrong`;
  if (type === "ssh-rsa") {
    // RSA blob: string type, mpint e, mpint n. Modulus length gives the key size.
    const eLength = bytes.readUInt32BE(4 + typeLength);
    const nOffset = 4 + typeLength + 4 + eLength;
    if (bytes.length < nOffset + 4) return "has a truncated RSA key";
    const nLength = bytes.readUInt32BE(nOffset);
    const modulus = bytes.subarray(nOffset + 4, nOffset + 4 + nLength);
    const bits = (modulus[0] === 0 ? modulus.length - 1 : modulus.length) * 8;
    if (bits < 3072) return `is an RSA key of ${bits} bits; at least 3072 bits (or ssh-ed25519) is required`;
  }
  if (parts.length > 2 && UNSAFE.test(parts.slice(2).join(" "))) return "has a comment with quotes, $ or backslashes";
  return undefined;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** URL the runtime calls for model requests: https, or plain http only on the host itself. */
export function providerUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL";
  }
  if (url.username || url.password) return "carries credentials in the URL; put the key in providerApiKey (a secret) instead";
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:") {
    return isLoopbackHost(url.hostname)
      ? undefined
      : "is plain http to a non-loopback host: the API key would cross the network unencrypted (the runtime refuses it too)";
  }
  return `uses ${url.protocol} (expected https)`;
}

/** Download/clone sources: https, or a local path/file URL (mirrors, offline tests). */
export function sourceUrlProblem(value: string): string | undefined {
  if (value.startsWith("/")) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL or an absolute path";
  }
  if (url.username || url.password) return "carries credentials in the URL";
  if (url.protocol === "https:" || url.protocol === "file:") return undefined;
  return `uses ${url.protocol}; downloads must be https (or file: for a local mirror)`;
}
