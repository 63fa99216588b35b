import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpKubeClient, type HttpKubeClient } from "../shared/cluster/http-kube-client.ts";
import { createClusterFactsCache } from "../shared/enrich/index.ts";
import { assumedRoleCredentials } from "../shared/fleet/assumed-role.ts";
import { clusterEnricher, ingestMessage } from "../shared/ingest/index.ts";
import type { EnrichedAlertGroup } from "../shared/model/index.ts";
import { linkLocalGroup, renderWebhookV4 } from "../sim/alertmanager-messages.ts";
import { type GeneratedCluster, generateCluster } from "../sim/cluster-generator.ts";
import { startKubeApiServer } from "../sim/kube-api-server.ts";

/**
 * A fleet's cost: one message of 300 alerts over three clusters (100 each, 2,000 nodes apiece), split and
 * enriched per cluster, cold, against three simulated API servers: requests and bytes per cluster beside the
 * per-group budget (10 requests, 5 MB). Then STS: how often a warm function assumes a member role while it
 * serves groups over two hours, beside the once-per-credential-lifetime target.
 */
const BUDGET = { requests: 10, bytes: 5_000_000 };

export async function run(): Promise<void> {
  console.log("\nFleet: one 300-alert message over 3 clusters of 2,000 nodes, cold, uncompressed");
  const clusters = ["fleet-a", "fleet-b", "fleet-c"].map((name, i) =>
    generateCluster({ clusterName: name, nodeCount: 2_000, seed: 30 + i, appPodsPerNode: 1 }),
  );
  const sims = await Promise.all(
    clusters.map((cluster) => startKubeApiServer({ cluster, compression: false })),
  );
  try {
    const kubes = new Map<string, HttpKubeClient>(
      clusters.map((cluster, i) => [
        cluster.name,
        createHttpKubeClient({
          server: sims[i]?.url ?? "",
          auth: { type: "none" },
          timeoutMs: 30_000,
          compression: false,
        }),
      ]),
    );
    const enrich = clusterEnricher(
      (group) => {
        const kube = group.cluster ? kubes.get(group.cluster) : undefined;
        return kube ? { name: group.cluster ?? "", kube } : `no cluster ${group.cluster}`;
      },
      { cache: createClusterFactsCache({ ttlMs: 60_000 }), deadlineMs: 120_000 },
    );
    const outcomes = await ingestMessage(
      {
        messageId: "bench-fleet",
        body: renderWebhookV4(fleetGroup(clusters)),
        subject: null,
        attributes: {},
        topicArn: null,
        timestamp: null,
      },
      { clusterLabel: "cluster", enrich, route: () => ["slack"] },
    );
    printClusterRows(outcomes, kubes);
  } finally {
    await Promise.all(sims.map((sim) => sim.stop()));
  }
  await assumeRoleRow();
}

/** Per cluster: alerts, how many got node facts, requests and bytes, against the per-group budget. */
function printClusterRows(
  outcomes: { group: EnrichedAlertGroup }[],
  kubes: Map<string, HttpKubeClient>,
): void {
  console.log(
    ["cluster", "alerts", "with facts", "requests", "bytes", "budget"].map((c) => c.padEnd(11)).join(" "),
  );
  for (const { group } of outcomes) {
    const kube = kubes.get(group.cluster ?? "");
    const requests = kube?.stats.requests ?? 0;
    const bytes = kube?.stats.bytes ?? 0;
    const complete = group.alerts.filter((a) => a.node?.instanceType).length;
    const holds = requests <= BUDGET.requests && bytes <= BUDGET.bytes && complete === group.alerts.length;
    console.log(
      [
        group.cluster,
        group.alerts.length,
        `${complete}/${group.alerts.length}`,
        requests,
        `${(bytes / 1e6).toFixed(2)} MB`,
        holds ? "HOLDS (<= 10 req, 5 MB)" : "BROKEN",
      ]
        .map((c) => String(c).padEnd(11))
        .join(" "),
    );
  }
}

function fleetGroup(clusters: GeneratedCluster[]) {
  const group = linkLocalGroup({ count: 300 });
  group.groupLabels = { alertname: "LinkLocalAllowanceExceeded" };
  group.alerts.forEach((alert, i) => {
    const cluster = clusters[i % clusters.length] as GeneratedCluster;
    const node = cluster.nodes[(i * 7) % cluster.nodes.length];
    alert.labels.cluster = cluster.name;
    alert.labels.instance = `${node?.status?.addresses?.find((a) => a.type === "InternalIP")?.address}:9417`;
  });
  return group;
}

/** A warm function asking for one member role's credentials once a minute for two hours, against a loopback STS. */
async function assumeRoleRow(): Promise<void> {
  let calls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      calls += 1;
      const expiration = new Date(clock + 3_600_000).toISOString();
      res
        .writeHead(200, { "content-type": "text/xml" })
        .end(
          `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIABENCH</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>${expiration}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`,
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const previous = {
    endpoint: process.env.AWS_ENDPOINT_URL_STS,
    key: process.env.AWS_ACCESS_KEY_ID,
    secret: process.env.AWS_SECRET_ACCESS_KEY,
  };
  process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.AWS_ACCESS_KEY_ID ??= "AKIABENCH";
  process.env.AWS_SECRET_ACCESS_KEY ??= "bench-secret";
  let clock = Date.parse("2026-12-06T10:00:00Z");
  try {
    const credentials = assumedRoleCredentials({
      roleArn: "arn:aws:iam::111122223333:role/llsentinel-reader",
      region: "us-east-1",
      sessionName: "bench",
      now: () => clock,
    });
    for (let minute = 0; minute < 120; minute++) {
      await credentials();
      clock += 60_000;
    }
    // Credentials last an hour and are renewed 5 minutes early: 120 minutes need 3 (at 0, 55 and 110).
    console.log(
      `AssumeRole over 120 minutes of warm groups: ${calls} calls (target: once per credential lifetime, ${Math.ceil(120 / 55)}) ${calls <= Math.ceil(120 / 55) ? "HOLDS" : "BROKEN"}`,
    );
  } finally {
    if (previous.endpoint === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
    else process.env.AWS_ENDPOINT_URL_STS = previous.endpoint;
    if (previous.key === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (previous.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    await new Promise((resolve) => server.close(resolve));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
