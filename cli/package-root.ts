import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The checkout's root (the folder holding package.json), found upwards from this module: the same answer
 * from cli/*.ts run as source and from dist/cli/chunks/*.mjs in the bundle.
 */
export function packageRoot(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("linklocal-sentinel: cannot find the package root");
    dir = parent;
  }
  return dir;
}
