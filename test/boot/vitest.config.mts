import { defineConfig } from "vitest/config";

// `npm run test:boot`: the end-to-end boot test (root, systemd-nspawn). Not part of the default suite.
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/boot/**/*.boot.test.ts"],
    globalSetup: ["test/boot/global-setup.ts"],
    pool: "forks",
    // One file per flavour, each booting its bridges one after the other: two containers at a time suit
    // a 2-core machine (a case is mostly waiting on systemd, not CPU-bound).
    maxWorkers: 2,
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
});
