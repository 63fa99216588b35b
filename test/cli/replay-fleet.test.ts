import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ReplayReport } from "../../cli/report.ts";
import { DiagnosisCode } from "../../shared/model/index.ts";
import { linkLocalGroup, renderWebhookV4 } from "../../sim/alertmanager-messages.ts";
import { type GeneratedCluster, generateCluster } from "../../sim/cluster-generator.ts";
import { CLI_TIMEOUT_MS, runCli } from "../support/cli.ts";
import { tempDir, writeKubeconfig } from "../support/cluster-kubeconfig.ts";
import { startSimulator } from "../support/cluster-sim.ts";

/**
 * `replay` on a message naming several clusters, through the built CLI: one group per cluster, each read through
 * its own kubeconfig context (named after the label, or given with --cluster-context), and a cluster with no
 * context of its own never read through another's.
 */
const eu = generateCluster({ clusterName: "prod-eu", region: "eu-west-1", nodeCount: 5, seed: 11 });
const us = generateCluster({ clusterName: "prod-us", region: "us-east-1", nodeCount: 7, seed: 12 });

function ipOf(cluster: GeneratedCluster, index: number): string {
  return cluster.nodes[index]?.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
}

async function setUp(contextNames: { eu: string; us: string }) {
  const [euSim, usSim] = await Promise.all([
    startSimulator({ cluster: eu, auth: { tokens: { "eu-token": "eu" } } }),
    startSimulator({ cluster: us, auth: { tokens: { "us-token": "us" } } }),
  ]);
  const dir = tempDir();
  const kubeconfig = writeKubeconfig(dir, "config", {
    currentContext: contextNames.us,
    clusters: [
      { name: "eu", cluster: { server: euSim.sim.url } },
      { name: "us", cluster: { server: usSim.sim.url } },
    ],
    users: [
      { name: "eu", user: { token: "eu-token" } },
      { name: "us", user: { token: "us-token" } },
    ],
    contexts: [
      { name: contextNames.eu, context: { cluster: "eu", user: "eu" } },
      { name: contextNames.us, context: { cluster: "us", user: "us" } },
    ],
  });
  const group = linkLocalGroup({ count: 3 });
  const labels = [
    ["prod-eu", `${ipOf(eu, 1)}:9417`],
    ["prod-us", `${ipOf(us, 2)}:9417`],
    ["staging", "10.99.0.4:9417"],
  ];
  group.alerts.forEach((alert, i) => {
    alert.labels.cluster = labels[i]?.[0] ?? "";
    alert.labels.instance = labels[i]?.[1] ?? "";
  });
  const file = join(dir, "fleet.json");
  await writeFile(file, renderWebhookV4(group));
  return { kubeconfig, file };
}

async function replay(args: string[]): Promise<ReplayReport> {
  const { code, stdout, stderr } = await runCli(["replay", ...args, "--dry-run", "--json"]);
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as ReplayReport;
}

function expectOwnFacts(report: ReplayReport) {
  const byCluster = new Map(report.groups.map((g) => [g.cluster, g]));
  expect([...byCluster.keys()]).toEqual(["prod-eu", "prod-us", "staging"]);
  expect(byCluster.get("prod-eu")?.alerts[0]?.node?.name).toBe(eu.nodes[1]?.metadata.name);
  expect(byCluster.get("prod-eu")?.coredns?.clusterNodeCount).toBe(5);
  expect(byCluster.get("prod-us")?.alerts[0]?.node?.name).toBe(us.nodes[2]?.metadata.name);
  expect(byCluster.get("prod-us")?.coredns?.clusterNodeCount).toBe(7);
  const staging = byCluster.get("staging");
  expect(staging?.alerts[0]?.node).toBeNull();
  expect(staging?.coredns).toBeNull();
  const unavailable = staging?.diagnosis.filter((d) => d.code === DiagnosisCode.enrichmentUnavailable);
  expect(unavailable?.map((d) => d.reason)).toEqual([
    expect.stringContaining(
      'cluster "staging" has no kubeconfig context of its name; give --cluster-context staging=CONTEXT',
    ),
  ]);
}

describe("replay of a message naming several clusters", () => {
  it(
    "reads each cluster through the context named after its label",
    async () => {
      const { kubeconfig, file } = await setUp({ eu: "prod-eu", us: "prod-us" });
      expectOwnFacts(await replay([file, "--kubeconfig", kubeconfig]));
    },
    CLI_TIMEOUT_MS + 10_000,
  );

  it(
    "reads each cluster through --cluster-context LABEL=CONTEXT, never the current context for a cluster without one",
    async () => {
      const { kubeconfig, file } = await setUp({ eu: "ctx-a", us: "ctx-b" });
      expectOwnFacts(
        await replay([
          file,
          "--kubeconfig",
          kubeconfig,
          "--cluster-context",
          "prod-eu=ctx-a",
          "--cluster-context",
          "prod-us=ctx-b",
        ]),
      );
    },
    CLI_TIMEOUT_MS + 10_000,
  );

  it(
    "refuses a --cluster-context naming a context the kubeconfig lacks, with exit 2",
    async () => {
      const { kubeconfig, file } = await setUp({ eu: "ctx-a", us: "ctx-b" });
      const { code, stderr } = await runCli([
        "replay",
        file,
        "--kubeconfig",
        kubeconfig,
        "--cluster-context",
        "prod-eu=ctx-z",
        "--dry-run",
      ]);
      expect(code).toBe(2);
      expect(stderr).toContain('--cluster-context prod-eu=ctx-z: the kubeconfig has no context "ctx-z"');
    },
    CLI_TIMEOUT_MS + 10_000,
  );
});
