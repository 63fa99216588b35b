import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * Debian's Prometheus tools as real test peers. Under CI=true a missing binary fails the run (.ci/run installs
 * them); elsewhere the suite is skipped with one line saying how to install them.
 */
const PACKAGE_OF: Record<string, string> = {
  "prometheus-alertmanager": "prometheus-alertmanager",
  amtool: "prometheus-alertmanager",
  promtool: "prometheus",
  prometheus: "prometheus",
};

export function findBinary(name: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** Whether every binary is there; throws under CI, prints the one skip line otherwise. */
export function debianToolsPresent(names: string[], suite: string): boolean {
  const missing = names.filter((n) => findBinary(n) === null);
  if (missing.length === 0) return true;
  const packages = [...new Set(missing.map((n) => PACKAGE_OF[n] ?? n))].join(" ");
  if (process.env.CI === "true") {
    throw new Error(`${suite}: ${missing.join(", ")} missing under CI=true; .ci/run installs ${packages}`);
  }
  console.log(
    `skipped ${suite}: ${missing.join(", ")} not found; install with: sudo apt-get install --no-install-recommends ${packages}`,
  );
  return false;
}
