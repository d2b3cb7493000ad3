import { readFileSync } from "node:fs";
import * as path from "node:path";

/** Host-side scripts shipped verbatim (kept as real files so shellcheck and node --check read them). */
export function readAsset(name: string): string {
  return readFileSync(path.join(__dirname, "assets", name), "utf8");
}
