import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import {
  entryPoint,
  type JsonObject,
  loadTemplate,
  repoRoot,
  serverlessFunctions,
} from "./infra-template.ts";

/** What ships is the bundle: these build each function as `sam build` does and load it as Lambda would. */
export function samBuildDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), "linklocal-sam-build-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** `sam build`'s esbuild step for one function, from the template's BuildProperties; returns the file. */
export async function samEsbuild(logicalId: string, outDir: string): Promise<string> {
  const fn = serverlessFunctions(loadTemplate()).find((f) => f.logicalId === logicalId);
  if (!fn) throw new Error(`no ${logicalId}`);
  const props = fn.metadata.BuildProperties as JsonObject;
  const [fromExt = "", toExt = ""] = String((props.OutExtension as string[])[0]).split("=");
  const banner = String((props.Banner as string[])[0]).replace(/^js=/, "");
  const outdir = join(outDir, logicalId);
  await build({
    entryPoints: [join(repoRoot, entryPoint(fn))],
    bundle: true,
    outdir,
    platform: String(props.Platform ?? "node") as "node",
    format: String(props.Format) as "esm",
    target: String(props.Target),
    minify: props.Minify === true,
    sourcemap: props.Sourcemap === true,
    outExtension: { [fromExt]: toExt },
    banner: { js: banner },
    logLevel: "silent",
  });
  return join(outdir, `index${toExt}`);
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
