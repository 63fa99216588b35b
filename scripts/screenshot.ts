// `npm run screenshot`: the Slack message for the demo's storm, rendered to docs/slack-message.png by headless
// Chromium (Debian's `chromium` package) from the dry-run HTML preview. Needs no AWS, cluster or network.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { enricherFor } from "../cli/connect.ts";
import { cliDelivery } from "../cli/deliver.ts";
import { replayFile } from "../cli/replay.ts";
import { parseRoutes, routeGroup } from "../shared/route/index.ts";
import { generateCluster } from "../sim/cluster-generator.ts";
import { startKubeApiServer } from "../sim/kube-api-server.ts";
import { SAMPLE_SCENARIO } from "../sim/scenarios.ts";
import { simulatorKubeconfig } from "../sim/sim-kubeconfig.ts";

const root = new URL("..", import.meta.url).pathname;
const output = join(root, "docs/slack-message.png");
const browser = ["chromium", "chromium-browser", "google-chrome"].find((name) => {
  try {
    execFileSync("which", [name], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
});
if (!browser) {
  console.error("npm run screenshot needs Chromium: sudo apt-get install --no-install-recommends chromium");
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), "linklocal-screenshot-"));
const sim = await startKubeApiServer({ cluster: generateCluster(SAMPLE_SCENARIO) });
try {
  const kubeconfig = join(work, "kubeconfig");
  writeFileSync(kubeconfig, simulatorKubeconfig(sim));
  const env = { KUBECONFIG: kubeconfig };
  const routes = parseRoutes("default => slack");
  const previewDir = join(work, "preview");
  await replayFile({
    file: join(root, "samples/aws-json-template.json"),
    dryRun: true,
    env,
    // The simulated cluster's CoreDNS is self-managed, as in the demo.
    enrich: (await enricherFor({ kubeconfig, "self-managed-coredns": true }, env)).enrich,
    route: (group) => routeGroup(routes, group),
    deliver: cliDelivery({ env, previewDir }),
  });
  const [html] = readdirSync(previewDir).filter((file) => file.endsWith(".html"));
  if (!html) throw new Error("the replay wrote no preview");
  execFileSync(
    browser,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--hide-scrollbars",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
      `--user-data-dir=${join(work, "chromium")}`,
      "--window-size=860,1500",
      `--screenshot=${output}`,
      `file://${join(previewDir, html)}`,
    ],
    { stdio: "ignore", timeout: 60_000 },
  );
  if (!existsSync(output)) throw new Error(`${browser} wrote no screenshot`);
  console.log(`wrote ${output}`);
} finally {
  await sim.stop();
  rmSync(work, { recursive: true, force: true });
}
