/**
 * What the boot test measures, per case: boot-to-healthy times and each unit's exposure score. Cases run
 * in separate workers, so they append JSON lines to one file; the global teardown prints the table.
 */
import * as fs from "node:fs";
import { fmtMs } from "./nspawn";

export interface CaseReport {
  readonly name: string;
  readonly bootToHealthyMs?: number;
  readonly rebootToHealthyMs?: number;
  /** unit -> [score, ceiling] */
  readonly exposure?: Readonly<Record<string, readonly [number, number]>>;
  /** escape suite: attack -> verdict */
  readonly escape?: Readonly<Record<string, string>>;
}

export function appendReport(file: string, entry: CaseReport): void {
  fs.appendFileSync(file, JSON.stringify(entry) + "\n");
}

export function formatReport(jsonl: string): string {
  const merged = new Map<string, CaseReport>();
  for (const line of jsonl.split("\n").filter(Boolean)) {
    const e = JSON.parse(line) as CaseReport;
    merged.set(e.name, { ...merged.get(e.name), ...e });
  }
  const out = ["", "== boot test: timings (container start -> /health answers)"];
  for (const e of merged.values()) {
    out.push(`  ${e.name.padEnd(20)} first boot ${fmtMs(e.bootToHealthyMs).padStart(7)}   reboot ${fmtMs(e.rebootToHealthyMs).padStart(7)}`);
  }
  out.push("== boot test: systemd-analyze security exposure (score / ceiling)");
  for (const e of merged.values()) {
    const units = Object.entries(e.exposure ?? {}).map(([u, [s, max]]) => `${u.replace(/\.service$/, "")} ${s.toFixed(1)}/${max.toFixed(1)}`);
    out.push(`  ${e.name.padEnd(20)} ${units.join(", ")}`);
  }
  out.push("== boot test: escape suite (attacks from the agent's sandbox)");
  for (const e of merged.values()) {
    const verdicts = Object.entries(e.escape ?? {}).filter(([n]) => !n.startsWith("control_") && n !== "done");
    const blocked = verdicts.filter(([, v]) => v === "blocked").length;
    const escaped = verdicts.filter(([, v]) => v === "ESCAPED").map(([n]) => n);
    out.push(`  ${e.name.padEnd(20)} ${blocked} blocked${escaped.length > 0 ? `, ESCAPED: ${escaped.join(" ")}` : ""}`);
  }
  return out.join("\n") + "\n\n";
}
