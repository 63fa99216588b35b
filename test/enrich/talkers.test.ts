import { afterEach, describe, expect, it } from "vitest";
import type { Pod } from "../../shared/cluster/kube-objects.ts";
import { TalkerLimits } from "../../shared/enrich/talkers.ts";
import { clusterEnricher } from "../../shared/ingest/cluster-enricher.ts";
import { DiagnosisCode } from "../../shared/model/index.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";
import { alertGroup, type EnrichSim, internalIp, startEnrichSim } from "../support/enrich-fixtures.ts";
import { rbacAuthorizer } from "../support/rbac.ts";

/** Which pods of a throttled node resolve through the VPC resolver, on a simulated cluster. */
const running: EnrichSim[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((env) => env.sim.stop()));
});

/** A pod on `node` shaped like the generator's, with the DNS settings under test. */
function pod(
  node: string,
  name: string,
  spec: { hostNetwork?: boolean; dnsPolicy?: string },
  owner: { kind: string; name: string },
  namespace = "observability",
): Pod {
  return {
    metadata: {
      name,
      namespace,
      uid: `uid-${name}`,
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: owner.kind,
          name: owner.name,
          uid: `uid-${owner.name}`,
          controller: true,
        },
      ],
    },
    spec: { nodeName: node, ...spec, containers: [{ name: "c" }] },
    status: { phase: "Running" },
  };
}

async function clusterWithTalkers() {
  const env = await startEnrichSim(ScenarioPresets.colocatedOnSpot);
  running.push(env);
  const node = env.cluster.nodes.find((n) => !env.cluster.facts.corednsNodes.includes(n.metadata.name))
    ?.metadata.name as string;
  env.cluster.pods.push(
    pod(
      node,
      "log-agent-x7k2p",
      { hostNetwork: true, dnsPolicy: "ClusterFirst" },
      { kind: "DaemonSet", name: "log-agent" },
    ),
    pod(
      node,
      "metrics-agent-q9d4s",
      { hostNetwork: true, dnsPolicy: "Default" },
      { kind: "DaemonSet", name: "metrics-agent" },
    ),
    pod(
      node,
      "batch-7f9c6d-abcde",
      { dnsPolicy: "Default" },
      { kind: "ReplicaSet", name: "batch-7f9c6d" },
      "jobs",
    ),
    pod(
      node,
      "well-behaved-z1x2c",
      { hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" },
      { kind: "DaemonSet", name: "well-behaved" },
    ),
    pod(
      node,
      "aws-node-quiet",
      { hostNetwork: true, dnsPolicy: "ClusterFirst" },
      { kind: "DaemonSet", name: "aws-node" },
      "kube-system",
    ),
  );
  return { env, node };
}

describe("the talkers of a throttled node without CoreDNS", () => {
  it("names the pods that resolve through the VPC resolver, with owners, the system DaemonSets apart", async () => {
    const { env, node } = await clusterWithTalkers();
    const enrich = clusterEnricher(() => ({ name: env.cluster.name, kube: env.kube }));
    const result = await enrich(alertGroup([{ instance: `${internalIp(env.cluster, node)}:9417` }]));
    const [found] = result.talkers ?? [];
    expect(found?.node).toBe(node);
    expect(
      found?.talkers.map((t) => `${t.namespace}/${t.name} ${t.owner} ${t.hostNetwork} ${t.dnsPolicy}`).sort(),
    ).toEqual([
      "jobs/batch-7f9c6d-abcde ReplicaSet/batch-7f9c6d false Default",
      "observability/log-agent-x7k2p DaemonSet/log-agent true ClusterFirst",
      "observability/metrics-agent-q9d4s DaemonSet/metrics-agent true Default",
    ]);
    expect(found?.quiet.map((t) => t.owner)).toEqual(["DaemonSet/aws-node"]);
    const bypass = result.diagnosis.find((d) => d.code === DiagnosisCode.hostnetworkDnsBypass);
    expect(bypass?.reason).toContain(
      "observability/log-agent-x7k2p (DaemonSet/log-agent) [hostNetwork, dnsPolicy ClusterFirst]",
    );
    expect(bypass?.reason).toContain("usually quiet, by design: DaemonSet/aws-node");
    expect(bypass?.reason).not.toContain("well-behaved");
    expect(bypass?.fix).toContain('"dnsPolicy":"ClusterFirstWithHostNet"');
    expect(bypass?.nodes).toEqual([node]);
    // NON_COREDNS_NODE_THROTTLED now says what was found instead of only where to look.
    const nonCoreDns = result.diagnosis.find((d) => d.code === DiagnosisCode.nonCorednsNodeThrottled);
    expect(nonCoreDns?.reason).toContain("3 pod(s) there resolve through the VPC resolver");
    // One extra request, the node's pods by field selector.
    const reads = env.sim.requests.filter((r) => r.query.fieldSelector === `spec.nodeName=${node}`);
    expect(reads.map((r) => r.path)).toEqual(["/api/v1/pods"]);
  });

  it("says none was found when the node's pods all use cluster DNS", async () => {
    const env = await startEnrichSim(ScenarioPresets.colocatedOnSpot);
    running.push(env);
    const node = env.cluster.nodes.find((n) => !env.cluster.facts.corednsNodes.includes(n.metadata.name))
      ?.metadata.name as string;
    const result = await clusterEnricher(() => ({ name: env.cluster.name, kube: env.kube }))(
      alertGroup([{ instance: `${internalIp(env.cluster, node)}:9417` }]),
    );
    expect(result.diagnosis.map((d) => d.code)).not.toContain(DiagnosisCode.hostnetworkDnsBypass);
    expect(result.diagnosis.find((d) => d.code === DiagnosisCode.nonCorednsNodeThrottled)?.reason).toContain(
      "no pod there resolves through the VPC resolver",
    );
  });

  it("reads at most a fixed number of nodes, whatever the group", async () => {
    const env = await startEnrichSim(ScenarioPresets.underscaledLarge);
    running.push(env);
    const nodes = env.cluster.nodes
      .filter((n) => !env.cluster.facts.corednsNodes.includes(n.metadata.name))
      .slice(0, 40);
    await clusterEnricher(() => ({ name: env.cluster.name, kube: env.kube }))(
      alertGroup(nodes.map((n) => ({ instance: `${internalIp(env.cluster, n.metadata.name)}:9417` }))),
    );
    const reads = env.sim.requests.filter((r) => r.query.fieldSelector?.startsWith("spec.nodeName="));
    expect(reads).toHaveLength(TalkerLimits.nodes);
  });
});

describe("the talkers without the opt-in cluster-wide pod reads (infra/rbac.yaml alone)", () => {
  it("says plainly that pods outside kube-system cannot be read, and what to apply; the rest is enriched", async () => {
    const env = await startEnrichSim(ScenarioPresets.colocatedOnSpot, {
      authorize: rbacAuthorizer({ admin: ["linklocal-sentinel-readers"] }),
    });
    running.push(env);
    const node = env.cluster.nodes.find((n) => !env.cluster.facts.corednsNodes.includes(n.metadata.name))
      ?.metadata.name as string;
    const result = await clusterEnricher(() => ({ name: env.cluster.name, kube: env.kube }))(
      alertGroup([{ instance: `${internalIp(env.cluster, node)}:9417` }]),
    );
    expect(result.alerts[0]?.node?.name).toBe(node);
    expect(result.talkers?.[0]).toMatchObject({ node, talkers: [], unreadable: expect.any(String) });
    const finding = result.diagnosis.find((d) => d.code === DiagnosisCode.nonCorednsNodeThrottled);
    expect(finding?.reason).toContain(
      "the talkers are unknown (pods outside kube-system cannot be read: listing them cluster-wide is opt-in (kubectl apply -f infra/rbac-cluster-pods.yaml))",
    );
    // Not an enrichment failure: the node, CoreDNS and the rest were read.
    expect(result.diagnosis.map((d) => d.code)).not.toContain(DiagnosisCode.enrichmentUnavailable);
    expect(result.failure ?? null).toBeNull();
  });
});
