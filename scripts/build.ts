// Bundles each Lambda under functions/ (and the CLI) with esbuild: minified ESM for nodejs22.x, split so that
// what only some invocations need (the YAML parser, the RE2 engine, the SSM, Secrets Manager and DynamoDB
// clients) sits in chunks loaded by import() on first use, not at every cold start.
// The AWS SDK v3 is bundled rather than taken from the runtime so the code runs the versions it was tested with.
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type BuildOptions, type BuildResult, build, type Metafile } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const functionsDir = join(root, "functions");
const outDir = join(root, "dist");

export const functionNames = readdirSync(functionsDir).filter((name) =>
  statSync(join(functionsDir, name)).isDirectory(),
);

/** `bowser` parses browser user agents; the AWS SDK imports it only on its browser path. Never in a Node bundle. */
const BROWSER_ONLY = ["bowser"];

const shared: BuildOptions = {
  bundle: true,
  minify: true,
  platform: "node",
  target: "node22",
  format: "esm",
  splitting: true,
  entryNames: "index",
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  // Source maps only when asked for (SOURCEMAP=1): loading them with --enable-source-maps costs CPU and memory
  // at every cold start.
  sourcemap: process.env.SOURCEMAP === "1" ? "linked" : false,
  alias: Object.fromEntries(BROWSER_ONLY.map((name) => [name, join(root, "scripts/browser-only.ts")])),
  legalComments: "none",
  logLevel: "warning",
};

export async function buildFunction(
  name: string,
  { metafile = false, outdir = join(outDir, name) } = {},
): Promise<BuildResult> {
  return build({ ...shared, entryPoints: [join(functionsDir, name, "index.ts")], outdir, metafile });
}

/** The CLI as one prebuilt entry (dist/cli/main.mjs): `npx linklocal-sentinel` runs no TypeScript at run time. */
export async function buildCli({
  metafile = false,
  outdir = join(outDir, "cli"),
} = {}): Promise<BuildResult> {
  return build({
    ...shared,
    entryPoints: { main: join(root, "cli/main.ts") },
    entryNames: "[name]",
    outdir,
    metafile,
  });
}

/** The entry file and every chunk it imports statically: what a cold start loads. */
export function coldStartOutputs(metafile: Metafile): string[] {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file]?.entryPoint);
  const seen = new Set<string>();
  const visit = (file: string | undefined) => {
    if (file === undefined || seen.has(file) || !outputs[file]) return;
    seen.add(file);
    for (const imported of outputs[file]?.imports ?? [])
      if (imported.kind === "import-statement") visit(imported.path);
  };
  visit(entry);
  return [...seen];
}

/** Bytes of what a cold start loads. */
export function coldStartBytes(metafile: Metafile): number {
  return coldStartOutputs(metafile).reduce((sum, file) => sum + (metafile.outputs[file]?.bytes ?? 0), 0);
}

/** Bytes of every JavaScript file the build wrote, lazy chunks included. */
export function totalBytes(metafile: Metafile): number {
  return Object.entries(metafile.outputs)
    .filter(([file]) => file.endsWith(".mjs"))
    .reduce((sum, [, output]) => sum + output.bytes, 0);
}

/** Kept for callers that read one size: the cold-start bytes. */
export function bundleBytes(result: BuildResult): number {
  return result.metafile ? coldStartBytes(result.metafile) : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `--function NAME --outdir DIR`: one function, as `sam build` asks through the Makefile.
  const { values } = parseArgs({ options: { function: { type: "string" }, outdir: { type: "string" } } });
  const names = values.function ? [values.function] : functionNames;
  for (const name of names) {
    if (!functionNames.includes(name)) throw new Error(`no functions/${name}`);
    const outdir = values.outdir ? resolve(values.outdir) : join(outDir, name);
    const result = await buildFunction(name, { metafile: true, outdir });
    const meta = result.metafile as Metafile;
    writeFileSync(join(outdir, "meta.json"), JSON.stringify(meta));
    console.log(
      `${name.padEnd(20)} ${(coldStartBytes(meta) / 1024).toFixed(1).padStart(6)} KiB at cold start, ${(totalBytes(meta) / 1024).toFixed(1)} KiB in all`,
    );
  }
  if (!values.function) {
    const cli = await buildCli({ metafile: true });
    console.log(
      `${"cli".padEnd(20)} ${(coldStartBytes(cli.metafile as Metafile) / 1024).toFixed(1).padStart(6)} KiB  dist/cli/main.mjs`,
    );
  }
}
