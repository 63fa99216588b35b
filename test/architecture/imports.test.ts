import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ImportGraph, importCycles, importGraph } from "../support/import-graph.ts";
import { repoRoot } from "../support/infra-template.ts";

const FOLDERS = ["shared", "functions", "cli", "scripts", "bench", "sim", "bin", "test"];
const graph = importGraph(repoRoot, FOLDERS);

/**
 * Imports that would run back up the structure: product code under a handler, a script or the bench; the
 * CLI on a script; the model (the bottom floor) on anything above it; a lazy module on what loads it; the two
 * sides of the internal topic on each other (its message format sits in shared/model/ below both).
 */
const FORBIDDEN: { from: string; to: readonly string[]; why: string }[] = [
  {
    from: "shared/",
    to: ["cli/", "scripts/", "functions/", "bench/", "sim/", "test/", "bin/"],
    why: "shared/ is what the handlers, the CLI and the tests are built from",
  },
  { from: "functions/", to: ["cli/", "scripts/", "bench/", "sim/", "test/"], why: "a handler ships alone" },
  { from: "cli/", to: ["scripts/", "bench/", "test/", "functions/"], why: "the CLI ships; scripts do not" },
  {
    from: "sim/",
    to: ["cli/", "scripts/", "functions/", "bench/", "test/"],
    why: "the simulator sits below its users",
  },
  { from: "shared/lazy/", to: [""], why: "a lazy module only re-exports a package; its user loads it" },
  {
    from: "shared/model/",
    to: ["shared/"],
    why: "the model is the bottom floor (shared/model/ itself excepted)",
  },
  {
    from: "shared/ingest/",
    to: ["shared/notify/"],
    why: "ingest writes the internal topic, notify reads it",
  },
  {
    from: "shared/notify/",
    to: ["shared/ingest/"],
    why: "ingest writes the internal topic, notify reads it",
  },
  {
    from: "shared/scale/",
    to: ["shared/ingest/"],
    why: "scale and ingest both reach clusters through shared/fleet/eks-connections.ts, not through each other",
  },
  {
    from: "shared/ingest/",
    to: ["shared/scale/"],
    why: "scale and ingest both reach clusters through shared/fleet/eks-connections.ts, not through each other",
  },
];

/**
 * Imports left out of the folder-level check below, each one a known circle between two folders of shared/
 * that can only be cut in a file another engineer is working on now. When the import changes, the test
 * "lists only exceptions that still exist" says to delete the entry.
 */
const FOLDER_CYCLE_EXCEPTIONS: { from: string; to: string; why: string }[] = [];

/** The folder of shared/ a file belongs to (`shared/deliver/slack/x.ts` -> `shared/deliver`), or the file itself. */
function sharedFolder(file: string): string {
  const [root, second, third] = file.split("/");
  return third === undefined ? file : `${root}/${second}`;
}

/** Which folders of shared/ import which, each edge with the files that make it; exceptions left out. */
function folderGraph(): ImportGraph {
  const folders: ImportGraph = new Map();
  for (const [file, targets] of graph) {
    if (!file.startsWith("shared/")) continue;
    const from = sharedFolder(file);
    const edges = folders.get(from) ?? [];
    folders.set(from, edges);
    for (const target of targets) {
      const to = sharedFolder(target);
      const excepted = FOLDER_CYCLE_EXCEPTIONS.some((e) => e.from === file && e.to === target);
      if (to !== from && !excepted && !edges.includes(to)) edges.push(to);
    }
  }
  return folders;
}

/** For a folder circle, the file imports that make it, so a failure says which line to change. */
function circleImports(circle: string[]): string[] {
  return [...graph].flatMap(([file, targets]) =>
    targets
      .filter((target) => {
        const from = sharedFolder(file);
        const to = sharedFolder(target);
        return from !== to && circle.includes(from) && circle.includes(to);
      })
      .map((target) => `${file} -> ${target}`),
  );
}

function violations(): string[] {
  const found: string[] = [];
  for (const [file, targets] of graph)
    for (const rule of FORBIDDEN.filter((r) => file.startsWith(r.from)))
      for (const target of targets) {
        const exempt = rule.from === "shared/model/" && target.startsWith("shared/model/");
        if (!exempt && rule.to.some((prefix) => target.startsWith(prefix)))
          found.push(`${file} imports ${target}: ${rule.why}`);
      }
  return found;
}

describe("imports", () => {
  it("reads the whole tree, dynamic import() included", () => {
    expect(graph.size).toBeGreaterThan(300);
    expect(graph.get("shared/route/regex-engine.ts")).toContain("shared/lazy/re2.ts");
    expect(graph.get("shared/idempotency/load-store.ts")).toContain("shared/idempotency/dynamo-store.ts");
  });

  it("form no cycle", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it("never run back up the structure", () => {
    expect(violations()).toEqual([]);
  });

  it("form no circle between the folders of shared/", () => {
    const circles = importCycles(folderGraph());
    expect(circles.map((circle) => ({ circle, imports: circleImports(circle) }))).toEqual([]);
  });

  it("lists only folder-circle exceptions that still exist", () => {
    const stale = FOLDER_CYCLE_EXCEPTIONS.filter((e) => !graph.get(e.from)?.includes(e.to));
    expect(stale.map((e) => `${e.from} no longer imports ${e.to} (${e.why}): delete its exception`)).toEqual(
      [],
    );
  });
});

describe("the import walker", () => {
  const root = mkdtempSync(join(tmpdir(), "import-graph-"));
  mkdirSync(join(root, "src"));
  const write = (name: string, text: string) => writeFileSync(join(root, "src", name), text);
  write("a.ts", 'import { b } from "./b.ts";\n// import { z } from "./nowhere.ts";\nexport const a = b;\n');
  write("b.ts", 'export type { C } from "./c.ts";\nexport const b = "import(\'./nowhere.ts\')";\n');
  write("c.ts", 'export type C = 1;\nexport async function load() { return import("./a.ts"); }\n');
  write("d.ts", 'import "node:fs";\nimport "./d.ts";\n');

  it("follows static, type and dynamic imports, and skips comments, strings and packages", () => {
    const small = importGraph(root, ["src"]);
    expect(Object.fromEntries([...small].sort())).toEqual({
      "src/a.ts": ["src/b.ts"],
      "src/b.ts": ["src/c.ts"],
      "src/c.ts": ["src/a.ts"],
      "src/d.ts": ["src/d.ts"],
    });
  });

  it("finds every cycle, a file importing itself included", () => {
    expect(importCycles(importGraph(root, ["src"])).sort()).toEqual([
      ["src/a.ts", "src/b.ts", "src/c.ts"],
      ["src/d.ts"],
    ]);
  });

  it("refuses an import of a file that does not exist", () => {
    write("e.ts", 'import { x } from "./missing.ts";\n');
    expect(() => importGraph(root, ["src"])).toThrow("src/e.ts imports ./missing.ts, which is not a file");
  });
});
