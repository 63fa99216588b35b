import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { vi } from "vitest";
import { loadTemplate, repoRoot, serverlessFunctions } from "./infra-template.ts";

const run = promisify(execFile);

/** What ships is the bundle: these build each function as `sam build` does and load it as Lambda would. */
export function samBuildDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), "linklocal-sam-build-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * `sam build`'s step for one function: the template says `BuildMethod: makefile`, so SAM runs
 * `make build-<LogicalId>` in the CodeUri folder (the repo root) with ARTIFACTS_DIR; this does the same.
 * Returns the handler file.
 */
export async function samBuild(logicalId: string, outDir: string): Promise<string> {
  const fn = serverlessFunctions(loadTemplate()).find((f) => f.logicalId === logicalId);
  if (!fn) throw new Error(`no ${logicalId}`);
  if (fn.metadata.BuildMethod !== "makefile") throw new Error(`${logicalId} is not built by the Makefile`);
  const artifacts = join(outDir, logicalId);
  await run("make", ["--no-print-directory", `build-${logicalId}`, `ARTIFACTS_DIR=${artifacts}`], {
    cwd: repoRoot,
    timeout: 120_000,
  });
  return join(artifacts, "index.mjs");
}

/** Imports a bundle with the environment Lambda would give it (the given variables plus Lambda's own). */
export async function importWithEnvironment(
  file: string,
  env: Record<string, string>,
): Promise<Record<string, unknown>> {
  const saved = { ...process.env };
  Object.assign(process.env, env, { AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "eu-west-1" });
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

export type BuiltHandler = (event: unknown, context?: unknown) => Promise<unknown>;

let builtLoads = 0;

/**
 * A built handler with Lambda's environment (region, test credentials, silent logs, then `env`), as a fresh
 * module instance each call: a bundle reads its configuration once, at cold start. Undo with vi.unstubAllEnvs.
 */
export async function importBuiltHandler(file: string, env: Record<string, string>): Promise<BuiltHandler> {
  for (const [name, value] of Object.entries({
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDTEST",
    AWS_SECRET_ACCESS_KEY: "test-secret",
    POWERTOOLS_LOG_LEVEL: "SILENT",
    ...env,
  }))
    vi.stubEnv(name, value);
  builtLoads += 1;
  return ((await import(`${pathToFileURL(file).href}?load=${builtLoads}`)) as { handler: BuiltHandler })
    .handler;
}
