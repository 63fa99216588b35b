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

/** The settings every shipped bundle is built with; the benchmark builds its baselines with them too. */
export const bundleOptions: BuildOptions = {
  bundle: true,
  minify: true,
  platform: "node",
  target: "node22",
  format: "esm",
  splitting: true,
  // The ESM build of packages that ship both (the AWS SDK's dist-es, @aws-crypto's build/module) before their
  // CommonJS `main`: ESM is tree-shaken, and the SDK's own import() of its credential providers stays a split
  // point (a CommonJS require() would pull every provider into the cold start). esbuild's default for Node is
  // main first. Packages with an `exports` map are resolved by it either way.
  mainFields: ["module", "main"],
  entryNames: "index",
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  // Small source maps beside every file (names and lines, no sources inside). Node reads them only with
  // --enable-source-maps (the template's SourceMaps=on), which then costs about 12-14% more load time and a
  // few MB of memory; without it, they cost nothing at run time.
  sourcemap: "linked",
  sourcesContent: false,
  alias: Object.fromEntries(BROWSER_ONLY.map((name) => [name, join(root, "scripts/browser-only.ts")])),
  legalComments: "none",
  logLevel: "warning",
  // Resolves packages for entries outside the checkout too (the benchmark's baselines in a temp folder).
  nodePaths: [join(root, "node_modules")],
};

/**
 * Builds with the shipped settings and refuses a bundle whose import() reaches a CommonJS module: with code
 * splitting such an import() yields only `default` (esbuild issue 3245, "n is not a constructor" at run
 * time). A lazy dependency is reached through an ESM re-export module of ours instead (shared/lazy/).
 */
export async function bundle(options: BuildOptions): Promise<BuildResult & { metafile: Metafile }> {
  const result = await build({ ...bundleOptions, ...options, metafile: true });
  const cjs = dynamicImportsOfCommonJs(result.metafile);
  if (cjs.length > 0)
    throw new Error(
      `import() of CommonJS (only \`default\` would be exported when split; import an ESM re-export module instead): ${cjs.join(", ")}`,
    );
  return result;
}

/** `importer -> module` for every import() whose target esbuild read as CommonJS. */
export function dynamicImportsOfCommonJs(metafile: Metafile): string[] {
  return Object.entries(metafile.inputs).flatMap(([file, input]) =>
    input.imports
      .filter((i) => i.kind === "dynamic-import" && !i.external && metafile.inputs[i.path]?.format === "cjs")
      .map((i) => `${file} -> ${i.path}`),
  );
}

export async function buildFunction(
  name: string,
  { outdir = join(outDir, name) } = {},
): Promise<BuildResult & { metafile: Metafile }> {
  return bundle({ entryPoints: [join(functionsDir, name, "index.ts")], outdir });
}

/** The CLI as one prebuilt entry (dist/cli/main.mjs): `npx linklocal-sentinel` runs no TypeScript at run time. */
export async function buildCli({
  outdir = join(outDir, "cli"),
} = {}): Promise<BuildResult & { metafile: Metafile }> {
  return bundle({ entryPoints: { main: join(root, "cli/main.ts") }, entryNames: "[name]", outdir });
}

/**
 * The output files a cold start loads: the entry and every chunk it imports statically. The entry is the
 * output whose source no module reaches by import() (esbuild marks the target of an import() as an entry
 * point too).
 */
export function coldStartOutputs(metafile: Metafile): string[] {
  const outputs = metafile.outputs;
  const lazy = new Set(
    Object.values(metafile.inputs).flatMap((input) =>
      input.imports.filter((i) => i.kind === "dynamic-import").map((i) => i.path),
    ),
  );
  const entries = Object.keys(outputs).filter((file) => {
    const source = outputs[file]?.entryPoint;
    return source !== undefined && !lazy.has(source);
  });
  if (entries.length !== 1) throw new Error(`expected one entry point, found ${entries.length}`);
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !outputs[file]) return;
    seen.add(file);
    for (const i of outputs[file]?.imports ?? []) if (i.kind === "import-statement") visit(i.path);
  };
  visit(entries[0] as string);
  return [...seen];
}

/** Bytes of the entry file and of every chunk it imports statically: what a cold start loads. */
export function coldStartBytes(metafile: Metafile): number {
  return coldStartOutputs(metafile).reduce((sum, file) => sum + (metafile.outputs[file]?.bytes ?? 0), 0);
}

/** Bytes of every JavaScript file the build wrote, lazy chunks included. */
export function totalBytes(metafile: Metafile): number {
  return Object.entries(metafile.outputs)
    .filter(([file]) => file.endsWith(".mjs"))
    .reduce((sum, [, output]) => sum + output.bytes, 0);
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1).padStart(6)} KiB`;

if (import.meta.url === `file://${process.argv[1]}`) {
  // `--function NAME --outdir DIR`: one function, as `sam build` asks through the Makefile.
  const { values } = parseArgs({ options: { function: { type: "string" }, outdir: { type: "string" } } });
  const names = values.function ? [values.function] : functionNames;
  for (const name of names) {
    if (!functionNames.includes(name)) throw new Error(`no functions/${name}`);
    const outdir = values.outdir ? resolve(values.outdir) : join(outDir, name);
    const { metafile } = await buildFunction(name, { outdir });
    writeFileSync(join(outdir, "meta.json"), JSON.stringify(metafile));
    console.log(
      `${name.padEnd(20)} ${kib(coldStartBytes(metafile))} at cold start, ${kib(totalBytes(metafile)).trim()} in all`,
    );
  }
  if (!values.function) {
    const { metafile } = await buildCli();
    console.log(`${"cli".padEnd(20)} ${kib(coldStartBytes(metafile))} at start    dist/cli/main.mjs`);
  }
}
