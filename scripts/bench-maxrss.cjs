/**
 * Preloaded by `npm run bench` (NODE_OPTIONS=--require) into every node process of a timed command, npm's
 * own included: at exit each writes its pid, parent pid, argv, peak resident memory (KiB) and CPU time
 * (user + system, ms) to
 * $CODEWHALE_BENCH_RSS_DIR/<pid>.json. Node has no API for a child's resource usage, and GNU time is not
 * installed everywhere, so each process reports its own.
 */
"use strict";
const { writeFileSync } = require("node:fs");
const path = require("node:path");

const dir = process.env.CODEWHALE_BENCH_RSS_DIR;
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return Math.round((user + system) / 1000);
};

if (dir) {
  process.on("exit", () => {
    writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify({ pid: process.pid, ppid: process.ppid, argv: process.argv, maxRssKiB: process.resourceUsage().maxRSS, cpuMs: cpuMs() }));
  });
}
