/**
 * Reads the shell bootstrap's packed program files back, as the host unpacks them: the one gzip stream (base64 in
 * its heredoc), then each `sed -n 'A,Bp'` line range that the next `write_file` writes. Path -> content.
 */
import { gunzipSync } from "node:zlib";

export function packedFiles(bootstrap: string): Map<string, string> {
  const blob = /base64 -d >"\$z" <<'(\w+)'\n([\s\S]*?)\n\1\ngzip -dc <"\$z" >"\$z\.txt"\n/.exec(bootstrap);
  if (!blob) throw new Error("the bootstrap has no packed program files");
  const lines = gunzipSync(Buffer.from(blob[2]!, "base64")).toString("utf8").split("\n");
  const files = new Map<string, string>();
  for (const m of bootstrap.matchAll(/^sed -n '(\d+),(\d+)p' "\$z\.txt" >"\$z\.part"\nwrite_file '([^']+)' /gm)) {
    files.set(m[3]!, lines.slice(Number(m[1]) - 1, Number(m[2])).join("\n") + "\n");
  }
  return files;
}
