#!/usr/bin/env node
// Runs the prebuilt CLI bundle (dist/cli/main.mjs, made by `npm run build`, which `npm ci` runs through
// `prepare`): no TypeScript is compiled at run time.
import { existsSync } from "node:fs";

const bundle = new URL("../dist/cli/main.mjs", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write("linklocal-sentinel: the CLI is not built; run `npm run build` (npm ci does it)\n");
  process.exit(2);
}

// Powertools logs JSON to stdout, which would corrupt `--json`. In the CLI, logs go to stderr and only with
// --verbose: the report already carries every warning and error. Set before any module creates the logger.
process.env.POWERTOOLS_LOG_LEVEL = process.argv.includes("--verbose") ? "INFO" : "SILENT";
process.env.POWERTOOLS_DEV = "true"; // use the global console, redirected below
for (const method of ["log", "info", "debug", "warn", "trace"]) console[method] = console.error;

// `linklocal-sentinel demo | head`: when the reader goes away, stop quietly as other Unix tools do, with the
// status so far, instead of dying on an unhandled EPIPE with a stack trace.
process.stdout.on("error", (error) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

const { main } = await import(bundle.href);
process.exitCode = await main(process.argv.slice(2));
