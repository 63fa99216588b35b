import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Several suites start loopback HTTP servers and dynalite; keep them isolated per file.
    pool: "forks",
    testTimeout: 20_000,
    allowOnly: false,
  },
});
