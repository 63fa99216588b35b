// Bundles each Lambda under functions/ into its own minified ESM file for nodejs22.x (arm64 in the stack).
// The AWS SDK v3 is bundled rather than taken from the runtime so the code runs the versions it was tested with.
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BuildResult, build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const functionsDir = join(root, "functions");
const outDir = join(root, "dist");

export const functionNames = readdirSync(functionsDir).filter((name) =>
  statSync(join(functionsDir, name)).isDirectory(),
);

export async function buildFunction(name: string, { metafile = false } = {}): Promise<BuildResult> {
  return build({
    entryPoints: [join(functionsDir, name, "index.ts")],
    outfile: join(outDir, name, "index.mjs"),
    bundle: true,
    minify: true,
    sourcemap: "linked",
    platform: "node",
    target: "node22",
    format: "esm",
    // Some CommonJS dependencies call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    legalComments: "none",
    metafile,
    logLevel: "warning",
  });
}

/** Size of the entry point's output in a build made with `metafile: true`. */
export function bundleBytes(result: BuildResult): number {
  return Object.values(result.metafile?.outputs ?? {}).find((o) => o.entryPoint)?.bytes ?? 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const name of functionNames) {
    const result = await buildFunction(name, { metafile: true });
    const bytes = bundleBytes(result);
    writeFileSync(join(outDir, name, "meta.json"), JSON.stringify(result.metafile));
    console.log(`${name.padEnd(20)} ${(bytes / 1024).toFixed(1)} KiB  dist/${name}/index.mjs`);
  }
}
