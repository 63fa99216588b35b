import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { vi } from "vitest";
import { loadTemplate, repoRoot, serverlessFunctions } from "./infra-template.ts";
import { stubLambdaEnv } from "./lambda-env.ts";

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

export type BundleHandler = (event: unknown, context?: unknown) => Promise<unknown>;

let imports = 0;

/**
 * A built function's handler, loaded as Lambda would: with Lambda's environment (stubLambdaEnv) plus `env`,
 * each call a fresh instance of the entry module (its chunks are shared), earlier stubs undone first.
 * `vi.unstubAllEnvs()` undoes these.
 */
export async function importHandler(file: string, env: Record<string, string>): Promise<BundleHandler> {
  vi.unstubAllEnvs();
  stubLambdaEnv(env);
  imports += 1;
  const module = (await import(`${pathToFileURL(file).href}?load=${imports}`)) as { handler: BundleHandler };
  return module.handler;
}
