import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearEksClusterCache } from "../../shared/cluster/eks-cluster.ts";
import { DiagnosisCode, type EnrichedAlertGroup } from "../../shared/model/index.ts";
import { decodeGroupBody } from "../../shared/model/internal-message.ts";
import { linkLocalGroup, renderWebhookV4, snsLambdaEvent } from "../../sim/alertmanager-messages.ts";
import { type GeneratedCluster, generateCluster } from "../../sim/cluster-generator.ts";
import { startSimulator } from "../support/cluster-sim.ts";
import { testPki } from "../support/cluster-tls.ts";
import { type FleetStandIn, roleKey, startFleetStandIn } from "../support/fleet-stand-in.ts";

/**
 * One ingest function for a fleet: a group holding alerts of three clusters (one in another account and
 * region, reached through its role; one in the function's own account and region; one not in CLUSTERS) goes
 * out as three groups, each with its own cluster's node facts and diagnosis, and every call goes to the right
 * role and region (STS and EKS stand-ins on loopback, two simulated Kubernetes API servers over TLS).
 */
const FUNCTION_KEY = "AKIAFUNCTIONKEY00001";
const EU_ROLE = "arn:aws:iam::222233334444:role/linklocal-sentinel-reader";
const sns = mockClient(SNSClient);

interface Fleet {
  standIn: FleetStandIn;
  eu: GeneratedCluster;
  us: GeneratedCluster;
}

async function startFleet(): Promise<Fleet> {
  const eu = generateCluster({ clusterName: "prod-eu", region: "eu-west-1", nodeCount: 6, seed: 3 });
  const us = generateCluster({ clusterName: "prod-us", region: "us-east-1", nodeCount: 9, seed: 4 });
  const tls = { cert: testPki.serverCert, key: testPki.serverKey };
  // The token each API server accepts is the one presigned with the credentials allowed into its account.
  const members = [
    { cluster: eu, region: "eu-west-1", accessKeyId: roleKey(EU_ROLE) },
    { cluster: us, region: "us-east-1", accessKeyId: FUNCTION_KEY },
  ];
  let standIn: FleetStandIn | undefined;
  const servers = await Promise.all(
    members.map(({ cluster, accessKeyId }) =>
      startSimulator({
        cluster,
        tls,
        auth: { tokens: (token) => standIn?.tokenIdentity(accessKeyId)(token) },
      }),
    ),
  );
  standIn = await startFleetStandIn(
    members.map((m, i) => ({ ...m, apiServer: servers[i]?.sim.url ?? "", caPem: testPki.ca })),
  );
  return { standIn, eu, us };
}

async function loadHandler(standIn: FleetStandIn) {
  vi.resetModules();
  clearEksClusterCache();
  vi.stubEnv("INTERNAL_TOPIC_ARN", "arn:aws:sns:us-east-1:111122223333:internal");
  vi.stubEnv("AWS_REGION", "us-east-1");
  vi.stubEnv(
    "CLUSTERS",
    JSON.stringify({
      "prod-eu": { eksClusterName: "prod-eu", region: "eu-west-1", roleArn: EU_ROLE },
      "prod-us": { eksClusterName: "prod-us", region: "us-east-1" },
    }),
  );
  vi.stubEnv("AWS_ENDPOINT_URL_STS", standIn.url);
  vi.stubEnv("AWS_ENDPOINT_URL_EKS", standIn.url);
  vi.stubEnv("AWS_ACCESS_KEY_ID", FUNCTION_KEY);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "function-secret-key-not-real");
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", "SILENT");
  return (await import("../../functions/ingest/index.ts")).handler;
}

function nodeIp(cluster: GeneratedCluster, index: number): string {
  const node = cluster.nodes[index];
  return node?.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
}

/** Alerts of prod-eu (2), prod-us (1) and staging (1) in one Alertmanager group, as `group_by: [alertname]` makes. */
function fleetMessage(fleet: Fleet, messageId: string) {
  const group = linkLocalGroup({ count: 4 });
  const clusters = [
    [fleet.eu, 1],
    [fleet.eu, 2],
    [fleet.us, 3],
    [null, 0],
  ] as const;
  group.alerts.forEach((alert, i) => {
    const [cluster, node] = clusters[i] ?? [null, 0];
    alert.labels.cluster = cluster?.name ?? "staging";
    alert.labels.instance = cluster ? `${nodeIp(cluster, node)}:9417` : "10.99.0.4:9417";
  });
  return snsLambdaEvent([{ body: renderWebhookV4(group), messageId }]);
}

function published(): EnrichedAlertGroup[] {
  return sns
    .commandCalls(PublishCommand)
    .map((call) => decodeGroupBody(JSON.parse(call.args[0].input.Message ?? "null")) as EnrichedAlertGroup);
}

function truthOf(cluster: GeneratedCluster, name: string) {
  const labels = cluster.nodes.find((n) => n.metadata.name === name)?.metadata.labels ?? {};
  return {
    instanceType: labels["node.kubernetes.io/instance-type"],
    zone: labels["topology.kubernetes.io/zone"],
  };
}

let fleet: Fleet;
beforeEach(async () => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: "internal" });
  fleet = await startFleet();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await fleet.standIn.close();
});

describe("one ingest function, a group of three clusters", () => {
  it("publishes one group per cluster, each with its own cluster's facts, through the right role and region", async () => {
    const handler = await loadHandler(fleet.standIn);
    await handler(fleetMessage(fleet, "msg-fleet-1"));

    const groups = published();
    expect(groups.map((g) => [g.cluster, g.source.messageId, g.alerts.length])).toEqual([
      ["prod-eu", "msg-fleet-1/prod-eu", 2],
      ["prod-us", "msg-fleet-1/prod-us", 1],
      ["staging", "msg-fleet-1/staging", 1],
    ]);
    const [eu, us, staging] = groups as [EnrichedAlertGroup, EnrichedAlertGroup, EnrichedAlertGroup];
    for (const [group, cluster] of [
      [eu, fleet.eu],
      [us, fleet.us],
    ] as const) {
      expect(group.coredns?.clusterNodeCount).toBe(cluster.nodes.length);
      for (const alert of group.alerts) {
        expect(alert.node, JSON.stringify(alert.enrichmentError)).not.toBeNull();
        expect(cluster.nodes.map((n) => n.metadata.name)).toContain(alert.node?.name);
        const { instanceType, zone } = alert.node ?? {};
        expect({ instanceType, zone }).toEqual(truthOf(cluster, alert.node?.name ?? ""));
      }
      expect(group.diagnosis.map((d) => d.code)).not.toContain(DiagnosisCode.enrichmentUnavailable);
    }
    expect(staging.alerts[0]?.node).toBeNull();
    const unavailable = staging.diagnosis.filter((d) => d.code === DiagnosisCode.enrichmentUnavailable);
    expect(unavailable).toHaveLength(1);
    expect(unavailable[0]?.reason).toContain('cluster "staging" has no entry in CLUSTERS');

    const { calls } = fleet.standIn;
    expect(calls.filter((c) => c.service === "sts")).toEqual([
      { service: "sts", region: "us-east-1", accessKeyId: FUNCTION_KEY, target: EU_ROLE },
    ]);
    const eks = calls.filter((c) => c.service === "eks");
    expect(
      eks.filter((c) => c.target.startsWith("/clusters/prod-eu")).map((c) => [c.region, c.accessKeyId]),
    ).toEqual(expect.arrayContaining([["eu-west-1", roleKey(EU_ROLE)]]));
    for (const call of eks) {
      const [region, key] = call.target.startsWith("/clusters/prod-eu")
        ? ["eu-west-1", roleKey(EU_ROLE)]
        : ["us-east-1", FUNCTION_KEY];
      expect([call.region, call.accessKeyId], call.target).toEqual([region, key]);
    }
    expect(eks.some((c) => c.target.includes("staging"))).toBe(false);
  });

  it("assumes each role once per credential lifetime on a warm function", async () => {
    const handler = await loadHandler(fleet.standIn);
    await handler(fleetMessage(fleet, "msg-fleet-1"));
    await handler(fleetMessage(fleet, "msg-fleet-2"));
    await handler(fleetMessage(fleet, "msg-fleet-3"));
    expect(fleet.standIn.calls.filter((c) => c.service === "sts")).toHaveLength(1);
    // DescribeCluster once per cluster, too: endpoints are kept for the container's life.
    const describes = fleet.standIn.calls.filter((c) => /^\/clusters\/[^/]+$/.test(c.target));
    expect(describes.map((c) => c.target).sort()).toEqual(["/clusters/prod-eu", "/clusters/prod-us"]);
    expect(published()).toHaveLength(9);
  });
});
