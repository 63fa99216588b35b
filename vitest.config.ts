import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    // The CLI tests run the built CLI (bin/ -> dist/cli): build it from the sources under test, once.
    globalSetup: ["test/global-setup.ts"],
    // Several suites start loopback HTTP servers and dynalite; keep them isolated per file.
    pool: "forks",
    testTimeout: 20_000,
    allowOnly: false,
  },
});
