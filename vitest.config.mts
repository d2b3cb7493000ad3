import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/boot/**", "node_modules/**"],
    // Each file imports the Pulumi runtime, which is process-global state: isolate files in forks.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
