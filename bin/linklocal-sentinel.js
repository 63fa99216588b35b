#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so `npx linklocal-sentinel` works from a checkout without a build step.
import { register } from "tsx/esm/api";

// Powertools logs JSON to stdout, which would corrupt `--json`. In the CLI, logs go to stderr and only with
// --verbose: the report already carries every warning and error. Set before any module creates the logger.
process.env.POWERTOOLS_LOG_LEVEL = process.argv.includes("--verbose") ? "INFO" : "SILENT";
process.env.POWERTOOLS_DEV = "true"; // use the global console, redirected below
for (const method of ["log", "info", "debug", "warn", "trace"]) console[method] = console.error;

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
