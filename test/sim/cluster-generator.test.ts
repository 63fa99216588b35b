import { describe, expect, it } from "vitest";
import type { Node, Pod } from "../../shared/cluster/kube-objects.ts";
import { generateCluster } from "../../sim/cluster-generator.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";

const corednsPods = (pods: Pod[]) => pods.filter((p) => p.metadata.labels?.["k8s-app"] === "kube-dns");
const isSpot = (node: Node | undefined) =>
  node?.metadata.labels?.["karpenter.sh/capacity-type"] === "spot" ||
  node?.metadata.labels?.["eks.amazonaws.com/capacityType"] === "SPOT";

describe("cluster generator", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const a = generateCluster({ nodeCount: 10, seed: 7 });
    const b = generateCluster({ nodeCount: 10, seed: 7 });
    const c = generateCluster({ nodeCount: 10, seed: 8 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it("rejects node counts outside 3..5000", () => {
    expect(() => generateCluster({ nodeCount: 2 })).toThrow(/3 to 5000/);
    expect(() => generateCluster({ nodeCount: 5001 })).toThrow(/3 to 5000/);
  });

  it("builds EKS-shaped nodes of realistic size", () => {
    const cluster = generateCluster({ nodeCount: 20, region: "eu-west-1" });
    for (const node of cluster.nodes) {
      const size = JSON.stringify(node).length;
      expect(size).toBeGreaterThan(5_000);
      expect(size).toBeLessThan(10_000);
      const labels = node.metadata.labels ?? {};
      expect(labels["node.kubernetes.io/instance-type"]).toMatch(/^[a-z0-9]+\.[a-z0-9]+$/);
      expect(labels["topology.kubernetes.io/zone"]).toMatch(/^eu-west-1[abc]$/);
      expect(labels["eks.amazonaws.com/capacityType"] ?? labels["karpenter.sh/capacity-type"]).toBeDefined();
      expect(labels["eks.amazonaws.com/nodegroup"] ?? labels["karpenter.sh/nodepool"]).toBeDefined();
      expect(node.spec?.providerID).toMatch(/^aws:\/\/\/eu-west-1[abc]\/i-0[0-9a-f]{16}$/);
      expect(node.status?.addresses?.map((a) => a.type)).toEqual(["InternalIP", "InternalDNS", "Hostname"]);
      expect(node.metadata.name).toMatch(/^ip-10-\d+-\d+-\d+\.eu-west-1\.compute\.internal$/);
    }
    const ips = cluster.nodes.map((n) => n.status?.addresses?.[0]?.address);
    expect(new Set(ips).size).toBe(ips.length);
  });

  it("places CoreDNS as the scenario says: co-located on spot", () => {
    const cluster = generateCluster(ScenarioPresets.colocatedOnSpot);
    const pods = corednsPods(cluster.pods);
    expect(pods).toHaveLength(2);
    expect(new Set(pods.map((p) => p.spec?.nodeName)).size).toBe(1);
    const node = cluster.nodes.find((n) => n.metadata.name === pods[0]?.spec?.nodeName);
    expect(isSpot(node)).toBe(true);
    expect(cluster.facts.colocatedNodes).toEqual([node?.metadata.name]);
    expect(cluster.daemonSets.map((d) => d.metadata.name)).not.toContain("node-local-dns");
    expect(cluster.corednsAddon).toBeNull();
  });

  it("spreads healthy replicas over distinct on-demand nodes with NodeLocal DNSCache and the EKS add-on", () => {
    const cluster = generateCluster(ScenarioPresets.healthy);
    const pods = corednsPods(cluster.pods);
    expect(new Set(pods.map((p) => p.spec?.nodeName)).size).toBe(4);
    for (const pod of pods) {
      expect(isSpot(cluster.nodes.find((n) => n.metadata.name === pod.spec?.nodeName))).toBe(false);
      expect(pod.status?.podIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
    }
    const nodeLocal = cluster.pods.filter((p) => p.metadata.labels?.["k8s-app"] === "node-local-dns");
    expect(nodeLocal).toHaveLength(30);
    expect(nodeLocal.every((p) => p.spec?.hostNetwork)).toBe(true);
    expect(cluster.daemonSets.find((d) => d.metadata.name === "node-local-dns")?.status?.numberReady).toBe(
      30,
    );
    expect(JSON.parse(cluster.corednsAddon?.configurationValues ?? "{}")).toEqual({
      autoScaling: { enabled: true, minReplicas: 4, maxReplicas: 10 },
    });
  });

  it("describes a cluster-proportional-autoscaler owner with its Deployment and linear ConfigMap", () => {
    const cluster = generateCluster(ScenarioPresets.proportionalAutoscaler);
    expect(cluster.deployments.map((d) => d.metadata.name)).toEqual(["coredns", "dns-autoscaler"]);
    const params = JSON.parse(
      cluster.configMaps.find((c) => c.metadata.name === "dns-autoscaler")?.data?.linear ?? "",
    );
    expect(params).toMatchObject({ nodesPerReplica: 16, min: 4 });
  });

  it("marks NotReady nodes (never the CoreDNS ones) and their pods not ready", () => {
    const cluster = generateCluster(ScenarioPresets.addonReplicaCount);
    expect(cluster.facts.notReadyNodes).toHaveLength(2);
    for (const name of cluster.facts.notReadyNodes) {
      expect(cluster.facts.corednsNodes).not.toContain(name);
      const node = cluster.nodes.find((n) => n.metadata.name === name);
      expect(node?.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("Unknown");
      const pods = cluster.pods.filter((p) => p.spec?.nodeName === name);
      expect(pods.every((p) => p.status?.containerStatuses?.[0]?.ready === false)).toBe(true);
    }
    expect(cluster.daemonSets.find((d) => d.metadata.name === "node-local-dns")?.status).toMatchObject({
      desiredNumberScheduled: 40,
      numberReady: 38,
    });
    expect(JSON.parse(cluster.corednsAddon?.configurationValues ?? "{}")).toEqual({ replicaCount: 3 });
  });

  it("gives every node a hostNetwork exporter on the node IP and unique VPC IPs to other pods", () => {
    const cluster = generateCluster({ nodeCount: 50, appPodsPerNode: 3 });
    const exporters = cluster.pods.filter((p) => p.metadata.name.startsWith("ethtool-exporter-"));
    expect(exporters).toHaveLength(50);
    for (const pod of exporters) {
      const node = cluster.nodes.find((n) => n.metadata.name === pod.spec?.nodeName);
      expect(pod.status?.podIP).toBe(node?.status?.addresses?.[0]?.address);
    }
    const vpcIps = cluster.pods.filter((p) => !p.spec?.hostNetwork).map((p) => p.status?.podIP);
    expect(new Set(vpcIps).size).toBe(vpcIps.length);
  });
});
