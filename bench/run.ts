/**
 * `npm run bench`: prints figures for parse throughput, bundle size and enrichment cost, each beside a
 * baseline measured in the same run. Nothing here asserts timing; tests assert behaviour.
 */
const sections: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  parse: () => import("./parse.ts"),
  cluster: () => import("./cluster.ts"),
  enrich: () => import("./enrich.ts"),
  fleet: () => import("./fleet.ts"),
  deliver: () => import("./deliver.ts"),
  routing: () => import("./routing.ts"),
  scale: () => import("./scale.ts"),
  footprint: () => import("./footprint.ts"),
};

// `npm run bench -- parse enrich` runs only those sections; `--write` also records the footprint section's
// table in bench/results.md (without it nothing in the checkout changes).
const only = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
for (const [name, load] of Object.entries(sections)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const section = await load();
  await section.run();
}
