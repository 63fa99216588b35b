import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ScaleMode } from "../shared/model/index.ts";
import { parseRoutes, routeGroup } from "../shared/route/index.ts";
import { readScaleConfig, scaleThrough } from "../shared/scale/index.ts";
import { generateCluster } from "../sim/cluster-generator.ts";
import { startKubeApiServer } from "../sim/kube-api-server.ts";
import { FLEET_SCENARIO, SAMPLE_SCENARIO } from "../sim/scenarios.ts";
import { enricherFor } from "./connect.ts";
import { cliDelivery } from "./deliver.ts";
import { forTerminal } from "./input-file.ts";
import { packageRoot } from "./package-root.ts";
import { replayFile } from "./replay.ts";
import { formatReport, type ReplayReport } from "./report.ts";

const SAMPLES_DIR = join(packageRoot(), "samples");
const DEMO_TOKEN = "demo-token-not-a-secret";
/** Critical alerts page as well as post and go to the CoreDNS scaler (a dry run here); everything else posts. */
const DEMO_ROUTES = 'severity="critical" => slack, pagerduty, coredns-scale; default => slack';

/**
 * `npm start`: the bundled samples against a simulated EKS cluster on 127.0.0.1, through the same code as the
 * Lambdas, in dry-run. No AWS account, cluster or network; exits when done.
 */
export async function runDemo(options: { json: boolean }): Promise<number> {
  const cluster = generateCluster(SAMPLE_SCENARIO);
  // A second cluster, so the fleet sample's message (both clusters' alerts) is split and each read from its own.
  const edge = generateCluster(FLEET_SCENARIO);
  const auth = { tokens: { [DEMO_TOKEN]: "linklocal-sentinel" } };
  const [server, edgeServer] = await Promise.all([
    startKubeApiServer({ cluster, auth }),
    startKubeApiServer({ cluster: edge, auth }),
  ]);
  const workDir = await mkdtemp(join(tmpdir(), "linklocal-sentinel-demo-"));
  try {
    const kubeconfig = join(workDir, "kubeconfig");
    await writeFile(
      kubeconfig,
      demoKubeconfig([
        [cluster.name, server.url],
        [edge.name, edgeServer.url],
      ]),
    );
    const files = (await readdir(SAMPLES_DIR)).filter((f) => f.endsWith(".json")).sort();
    if (!options.json) {
      process.stdout.write(
        `linklocal-sentinel demo: simulated EKS clusters "${cluster.name}" (${cluster.nodes.length} nodes) at ${server.url} and "${edge.name}" (${edge.nodes.length} nodes) at ${edgeServer.url}, one kubeconfig context each\n` +
          `routes: ${DEMO_ROUTES}\n\n`,
      );
    }
    const reports = await replaySamples(files, { kubeconfig, workDir, json: options.json });
    const requests = server.requests.length + edgeServer.requests.length;
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ cluster: cluster.name, kubeApiRequests: requests, reports }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(
        `Done: ${files.length} samples, ${requests} Kubernetes API requests, nothing sent (dry run).\n` +
          "Replay your own: npx linklocal-sentinel replay FILE --kubeconfig ~/.kube/config --dry-run\n",
      );
    }
    return reports.every((r) => r.errors.length === 0) ? 0 : 1;
  } finally {
    await Promise.all([server.stop(), edgeServer.stop()]);
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Each sample through replay against the kubeconfig's clusters, in dry run; printed as it goes unless JSON. */
async function replaySamples(
  files: string[],
  options: { kubeconfig: string; workDir: string; json: boolean },
): Promise<ReplayReport[]> {
  const { kubeconfig, workDir } = options;
  const env = { ...process.env, KUBECONFIG: kubeconfig };
  const routes = parseRoutes(DEMO_ROUTES);
  // The simulated cluster's CoreDNS is self-managed: enrichment and the scaler are told alike.
  const { enrich, scale } = await enricherFor({ kubeconfig, "self-managed-coredns": true }, env);
  const deliver = cliDelivery({ env, previewDir: join(workDir, "preview") });
  const reports: ReplayReport[] = [];
  for (const file of files) {
    const report = await replayFile({
      file: join(SAMPLES_DIR, file),
      dryRun: true,
      env,
      enrich,
      route: (group) => routeGroup(routes, group),
      deliver,
      // The demo decides and never writes.
      scale: (group) =>
        scaleThrough(scale(group), group, {
          config: { ...readScaleConfig({}), mode: ScaleMode.dryRun },
          assumeSelfManaged: true,
        }),
    });
    reports.push(report);
    if (!options.json) {
      process.stdout.write(`## samples/${file}\n${forTerminal(formatReport(report, { links: false }))}\n`);
      for (const error of report.errors) process.stderr.write(`linklocal-sentinel: ${forTerminal(error)}\n`);
    }
  }
  return reports;
}

/** One context per simulated cluster, named like its cluster label; the first is current. */
function demoKubeconfig(clusters: [name: string, server: string][]): string {
  const clusterEntries = clusters.map(
    ([name, server]) => `  - name: ${name}\n    cluster:\n      server: ${server}\n`,
  );
  const contexts = clusters.map(
    ([name]) => `  - name: ${name}\n    context: { cluster: ${name}, user: demo }\n`,
  );
  return `apiVersion: v1
kind: Config
clusters:
${clusterEntries.join("")}users:
  - name: demo
    user:
      token: ${DEMO_TOKEN}
contexts:
${contexts.join("")}current-context: ${clusters[0]?.[0] ?? ""}
`;
}
