/**
 * The text a host receives, as the cloud stores it: base64 (Azure customData/userData, Tencent user data),
 * optionally gzip inside (cloud-init accepts gzip; this program gzips customData), or plain (run-command
 * scripts). Policies scan the decoded text, since base64 hides every pattern.
 */
import { gunzipSync } from "node:zlib";

export type HostTextEncoding = "base64" | "plain";

const GZIP_MAGIC = [0x1f, 0x8b];

export function decodeHostText(value: string, encoding: HostTextEncoding): string {
  if (encoding === "plain") return value;
  const bytes = Buffer.from(value, "base64");
  // Not base64 at all (Buffer.from skips invalid characters): scan what was written.
  if (bytes.length === 0 || bytes.toString("base64").replace(/=+$/, "") !== value.replace(/\s/g, "").replace(/=+$/, "")) return value;
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      return gunzipSync(bytes).toString("utf8");
    } catch {
      return bytes.toString("utf8");
    }
  }
  return bytes.toString("utf8");
}
