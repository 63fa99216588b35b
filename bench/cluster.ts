import { performance } from "node:perf_hooks";
import { createEksToken, EksTokenCache } from "../shared/cluster/eks-token.ts";
import { HttpKubeClient } from "../shared/cluster/http-kube-client.ts";
import { KubeAccept, type List } from "../shared/cluster/kube-objects.ts";
import { generateCluster } from "../sim/cluster-generator.ts";
import { startKubeApiServer } from "../sim/kube-api-server.ts";
import { ScenarioPresets } from "../sim/scenarios.ts";

/**
 * Cluster-access cost on the 5,000-node preset: for each way of reading nodes and pods, requests, bytes on the
 * wire (identity and gzip, as kube-apiserver compresses above 128 KiB) and wall time, beside the full NodeList
 * as baseline. Then EKS token signing, uncached against cached. Figures only; nothing here asserts timing.
 */

interface Row {
  name: string;
  requests: number;
  wireBytes: number;
  ms: number;
}

async function timed(client: HttpKubeClient, name: string, read: () => Promise<unknown>): Promise<Row> {
  const before = { ...client.stats };
  const started = performance.now();
  await read();
  return {
    name,
    requests: client.stats.requests - before.requests,
    wireBytes: client.stats.bytes - before.bytes,
    ms: performance.now() - started,
  };
}

async function paged(client: HttpKubeClient, path: string, query: Record<string, string>, accept?: string) {
  let token: string | undefined;
  do {
    const page = await client.get<List<unknown>>(path, { query: { ...query, continue: token }, accept });
    token = page.metadata.continue || undefined;
  } while (token);
}

function print(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  const baseline = rows[0];
  for (const row of rows) {
    const ratio =
      baseline && row !== baseline
        ? `  ${(baseline.wireBytes / Math.max(1, row.wireBytes)).toFixed(1)}x fewer bytes`
        : "";
    console.log(
      `  ${row.name.padEnd(52)} ${String(row.requests).padStart(4)} req ${(row.wireBytes / 1024).toFixed(0).padStart(8)} KiB ${row.ms.toFixed(0).padStart(6)} ms${ratio}`,
    );
  }
}

export async function run(): Promise<void> {
  const generated = performance.now();
  const cluster = generateCluster(ScenarioPresets.huge);
  console.log(
    `\ncluster access: ${cluster.nodes.length} nodes, ${cluster.pods.length} pods generated in ${(performance.now() - generated).toFixed(0)} ms; ` +
      `mean node JSON ${(JSON.stringify(cluster.nodes).length / cluster.nodes.length / 1024).toFixed(1)} KiB`,
  );
  const sim = await startKubeApiServer({ cluster });
  const identity = new HttpKubeClient({
    server: sim.url,
    auth: { type: "none" },
    compression: false,
    timeoutMs: 120_000,
  });
  const gzip = new HttpKubeClient({ server: sim.url, auth: { type: "none" }, timeoutMs: 120_000 });
  const nodeName = cluster.nodes[1234]?.metadata.name ?? "";
  try {
    for (const [label, client] of [
      ["identity", identity],
      ["gzip", gzip],
    ] as const) {
      print(
        `cluster access, ${label} responses (baseline: full NodeList)`,
        await readForms(client, nodeName),
      );
    }
    await keepAliveGets(identity, nodeName);
  } finally {
    identity.close();
    gzip.close();
    await sim.stop();
  }
  await tokenSigning();
}

/** Every way of reading nodes and pods, the full NodeList first (the baseline). */
async function readForms(client: HttpKubeClient, nodeName: string): Promise<Row[]> {
  const rows: Row[] = [];
  rows.push(await timed(client, "nodes: full NodeList", () => client.get("/api/v1/nodes")));
  rows.push(
    await timed(client, "nodes: full, limit=500 pages", () =>
      paged(client, "/api/v1/nodes", { limit: "500" }),
    ),
  );
  rows.push(
    await timed(client, "nodes: PartialObjectMetadataList", () =>
      client.get("/api/v1/nodes", { accept: KubeAccept.partialObjectMetadataList }),
    ),
  );
  rows.push(
    await timed(client, "nodes: Table includeObject=Metadata", () =>
      client.get("/api/v1/nodes", { accept: KubeAccept.table, query: { includeObject: "Metadata" } }),
    ),
  );
  rows.push(
    await timed(client, "nodes: Table includeObject=None", () =>
      client.get("/api/v1/nodes", { accept: KubeAccept.table, query: { includeObject: "None" } }),
    ),
  );
  rows.push(await timed(client, "nodes: GET one node", () => client.get(`/api/v1/nodes/${nodeName}`)));
  rows.push(
    await timed(client, "nodes: fieldSelector metadata.name", () =>
      client.get("/api/v1/nodes", { query: { fieldSelector: `metadata.name=${nodeName}` } }),
    ),
  );
  rows.push(await timed(client, "pods: full PodList (all namespaces)", () => client.get("/api/v1/pods")));
  rows.push(
    await timed(client, "pods: Table includeObject=None (all)", () =>
      client.get("/api/v1/pods", { accept: KubeAccept.table, query: { includeObject: "None" } }),
    ),
  );
  rows.push(
    await timed(client, "pods: fieldSelector spec.nodeName", () =>
      client.get("/api/v1/pods", { query: { fieldSelector: `spec.nodeName=${nodeName}` } }),
    ),
  );
  rows.push(
    await timed(client, "pods: kube-system k8s-app=kube-dns", () =>
      client.get("/api/v1/namespaces/kube-system/pods", { query: { labelSelector: "k8s-app=kube-dns" } }),
    ),
  );
  return rows;
}

/** What one targeted read costs once the connection is open. */
async function keepAliveGets(client: HttpKubeClient, nodeName: string): Promise<void> {
  const small = 200;
  const started = performance.now();
  for (let i = 0; i < small; i += 1) await client.get(`/api/v1/nodes/${nodeName}`);
  console.log(
    `\n  keep-alive GET of one node: ${((performance.now() - started) / small).toFixed(2)} ms mean over ${small} sequential requests`,
  );
}

/** EKS token signing, uncached against cached. */
async function tokenSigning(): Promise<void> {
  const credentials = async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "bench-secret-example" });
  const signings = 500;
  let start = performance.now();
  for (let i = 0; i < signings; i += 1)
    await createEksToken({ clusterName: "bench", region: "us-east-1", credentials });
  const uncached = (performance.now() - start) / signings;
  const cache = new EksTokenCache({ clusterName: "bench", region: "us-east-1", credentials });
  start = performance.now();
  for (let i = 0; i < signings; i += 1) await cache.token();
  const cached = (performance.now() - start) / signings;
  console.log(
    `\nEKS token: ${(uncached * 1000).toFixed(0)} µs per signing, ${(cached * 1000).toFixed(1)} µs from the cache (renewed every 10 min)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
