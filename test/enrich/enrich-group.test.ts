import { afterEach, describe, expect, it } from "vitest";
import {
  createClusterFactsCache,
  enrichGroup,
  NODE_NAME_LABELS,
  ResolutionStrategy,
} from "../../shared/enrich/index.ts";
import type { LabelSet } from "../../shared/model/index.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";
import {
  alertGroup,
  type EnrichSim,
  internalIp,
  silentLogger,
  startEnrichSim,
} from "../support/enrich-fixtures.ts";

const running: EnrichSim[] = [];
async function sim(...args: Parameters<typeof startEnrichSim>): Promise<EnrichSim> {
  const started = await startEnrichSim(...args);
  running.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((env) => env.sim.stop()));
});

function nonCoreDnsNode(env: EnrichSim): string {
  const name = env.cluster.nodes
    .map((n) => n.metadata.name)
    .find((n) => !env.cluster.facts.corednsNodes.includes(n));
  if (!name) throw new Error("scenario has no node without CoreDNS");
  return name;
}

function appPod(env: EnrichSim) {
  const pod = env.cluster.pods.find(
    (p) => p.metadata.namespace === "shop" && !p.spec?.hostNetwork && p.status?.podIP,
  );
  if (!pod?.status?.podIP || !pod.spec?.nodeName) throw new Error("scenario has no application pod");
  return { ip: pod.status.podIP, node: pod.spec.nodeName };
}

describe("enrichGroup node resolution against the simulated API server", () => {
  it.each(NODE_NAME_LABELS)("resolves an explicit %s label", async (label) => {
    const env = await sim(ScenarioPresets.colocatedOnSpot);
    const node = nonCoreDnsNode(env);
    const result = await enrichGroup(alertGroup([{ [label]: node, instance: "10.255.255.1:9417" }]), {
      kube: env.kube,
      logger: silentLogger,
    });
    expect(result.alerts[0]?.node?.name).toBe(node);
    expect(result.trace.strategies).toEqual({ [ResolutionStrategy.nodeLabel]: 1 });
  });

  it("matches a hostNetwork exporter's instance IP to the node InternalIP", async () => {
    const env = await sim(ScenarioPresets.colocatedOnSpot);
    const node = nonCoreDnsNode(env);
    const result = await enrichGroup(alertGroup([{ instance: `${internalIp(env.cluster, node)}:9417` }]), {
      kube: env.kube,
      logger: silentLogger,
    });
    expect(result.alerts[0]?.node?.name).toBe(node);
    expect(result.trace.strategies).toEqual({ [ResolutionStrategy.nodeAddress]: 1 });
    // Cold, the node Table (counts, cordoned nodes and every InternalIP in one read) places it: no pod IP lookup.
    const lookups = env.sim.requests.filter((r) => r.query.fieldSelector?.startsWith("status.podIP="));
    expect(lookups).toEqual([]);
    expect(
      env.sim.requests.filter((r) => r.path === "/api/v1/nodes" && r.accept.includes("as=Table")),
    ).toHaveLength(1);
    expect(env.sim.requests).toHaveLength(4);
  });

  it("matches an instance IP that is a pod IP to the pod's node", async () => {
    const env = await sim(ScenarioPresets.colocatedOnSpot);
    const pod = appPod(env);
    const result = await enrichGroup(alertGroup([{ instance: `${pod.ip}:9100` }]), {
      kube: env.kube,
      logger: silentLogger,
    });
    expect(result.alerts[0]?.node?.name).toBe(pod.node);
    expect(result.trace.strategies).toEqual({ [ResolutionStrategy.podIp]: 1 });
    const lookups = env.sim.requests.filter((r) => r.query.fieldSelector === `status.podIP=${pod.ip}`);
    expect(lookups.map((r) => r.path)).toEqual(["/api/v1/namespaces/kube-system/pods", "/api/v1/pods"]);
  });

  it("matches a short EC2 hostname as instance to the node whose name it begins", async () => {
    const env = await sim(ScenarioPresets.colocatedOnSpot);
    const node = nonCoreDnsNode(env);
    const short = node.split(".")[0] ?? "";
    const result = await enrichGroup(alertGroup([{ instance: `${short}:9100` }]), {
      kube: env.kube,
      logger: silentLogger,
    });
    expect(result.alerts[0]?.node?.name).toBe(node);
    expect(result.trace.strategies).toEqual({ [ResolutionStrategy.nodeName]: 1 });
  });

  it("matches an EC2 instance id as instance against spec.providerID", async () => {
    const env = await sim(ScenarioPresets.colocatedOnSpot);
    const node = env.cluster.nodes[5];
    const instanceId = node?.spec?.providerID?.split("/").pop() ?? "";
    const result = await enrichGroup(alertGroup([{ instance: instanceId }]), {
      kube: env.kube,
      logger: silentLogger,
    });
    expect(result.alerts[0]?.node?.name).toBe(node?.metadata.name);
    expect(result.alerts[0]?.node?.instanceId).toBe(instanceId);
    expect(result.trace.strategies).toEqual({ [ResolutionStrategy.instanceId]: 1 });
  });

  it("returns node null with what was tried when nothing matches", async () => {
    const env = await sim(ScenarioPresets.colocatedOnSpot);
    const result = await enrichGroup(
      alertGroup([
        { instance: "10.255.255.1:9417" },
        { node: "ip-10-99-0-1.ec2.internal" },
        { job: "ethtool" },
      ]),
      { kube: env.kube, logger: silentLogger },
    );
    expect(result.alerts.map((a) => a.node)).toEqual([null, null, null]);
    expect(result.alerts[0]?.enrichmentError).toMatch(
      /10\.255\.255\.1 matched no node InternalIP\/Hostname\/InternalDNS and no pod IP/,
    );
    expect(result.alerts[1]?.enrichmentError).toMatch(/label node="ip-10-99-0-1.ec2.internal" names no node/);
    expect(result.alerts[2]?.enrichmentError).toMatch(/no node label .* and no instance label/);
    expect(result.errors).toEqual([]);
  });

  it("resolves a large group by node IP with the node Table, and pod IPs through the alerts' namespace", async () => {
    const env = await sim(ScenarioPresets.underscaledLarge);
    const nodes = env.cluster.nodes.slice(0, 40).map((n) => n.metadata.name);
    const pods = env.cluster.pods
      .filter((p) => p.metadata.namespace === "shop" && p.status?.podIP)
      .slice(0, 10);
    const group = alertGroup([
      ...nodes.map((n) => ({ instance: `${internalIp(env.cluster, n)}:9417` })),
      ...pods.map((p) => ({ instance: `${p.status?.podIP}:8080`, namespace: "shop" })),
    ]);
    const result = await enrichGroup(group, { kube: env.kube, logger: silentLogger });
    expect(result.trace.plan).toBe("table");
    expect(result.trace.strategies).toEqual({
      [ResolutionStrategy.nodeAddress]: 40,
      [ResolutionStrategy.podIp]: 10,
    });
    expect(result.alerts.slice(40).map((a) => a.node?.name)).toEqual(pods.map((p) => p.spec?.nodeName));
    expect(env.sim.requests.some((r) => r.path === "/api/v1/namespaces/shop/pods")).toBe(true);
  });
});

describe("enrichGroup node facts and CoreDNS placement", () => {
  it("reads every node fact from labels, providerID and conditions", async () => {
    const env = await sim(ScenarioPresets.colocatedOnSpot);
    const spotCoreDnsNode = env.cluster.facts.spotCorednsNodes[0] ?? "";
    const object = env.cluster.nodes.find((n) => n.metadata.name === spotCoreDnsNode);
    const result = await enrichGroup(alertGroup([{ node: spotCoreDnsNode }]), {
      kube: env.kube,
      logger: silentLogger,
    });
    expect(result.alerts[0]?.node).toEqual({
      name: spotCoreDnsNode,
      instanceId: object?.spec?.providerID?.split("/").pop(),
      instanceType: object?.metadata.labels?.["node.kubernetes.io/instance-type"],
      zone: object?.metadata.labels?.["topology.kubernetes.io/zone"],
      capacityType: "spot",
      nodegroup: "spot-general",
      ready: true,
      createdAt: object?.metadata.creationTimestamp,
      hostsCoreDNS: true,
      runsNodeLocalDNS: false,
      computeType: "ec2",
    });
  });

  it("reports co-located CoreDNS replicas on spot, no NodeLocal DNSCache and nobody owning replicas", async () => {
    const env = await sim(ScenarioPresets.colocatedOnSpot);
    const result = await enrichGroup(alertGroup([{ node: nonCoreDnsNode(env) }]), {
      kube: env.kube,
      logger: silentLogger,
      addon: { describeCoreDns: async () => null },
    });
    const coredns = result.coredns;
    expect(coredns?.desiredReplicas).toBe(2);
    expect(coredns?.readyReplicas).toBe(2);
    expect(coredns?.pods).toHaveLength(2);
    expect(coredns?.nodes).toEqual(env.cluster.facts.corednsNodes);
    expect(coredns?.colocatedNodes).toEqual(env.cluster.facts.colocatedNodes);
    expect(coredns?.spotNodes).toEqual(env.cluster.facts.spotCorednsNodes);
    expect(coredns?.nodeLocalDns).toEqual({ present: false, desired: 0, ready: 0 });
    expect(coredns?.replicaController.kind).toBe("deployment");
    expect(coredns?.clusterNodeCount).toBe(12);
    expect(coredns?.schedulableNodeCount).toBe(12);
  });

  it("sees NodeLocal DNSCache on the alert's node and the EKS add-on's replicaCount", async () => {
    const env = await sim(ScenarioPresets.addonReplicaCount);
    const addon = env.cluster.corednsAddon;
    const node = nonCoreDnsNode(env);
    const result = await enrichGroup(alertGroup([{ node }]), {
      kube: env.kube,
      logger: silentLogger,
      addon: {
        describeCoreDns: async () => ({
          addonVersion: addon?.addonVersion ?? "",
          configurationValues: addon?.configurationValues ?? null,
        }),
      },
    });
    expect(result.coredns?.nodeLocalDns).toEqual({ present: true, desired: 40, ready: 38 });
    expect(result.coredns?.replicaController).toEqual({
      kind: "eks-addon",
      detail: "EKS add-on coredns v1.11.3-eksbuild.2 with replicaCount 3",
    });
    // 38 of 40 ready: coverage is not total; which nodes run it came with the one kube-system pods read.
    expect(result.alerts[0]?.node?.runsNodeLocalDNS).toBe(true);
    const podReads = env.sim.requests.filter((r) => r.path === "/api/v1/namespaces/kube-system/pods");
    expect(podReads.map((r) => r.query.labelSelector)).toEqual([
      "k8s-app in (kube-dns,coredns,node-local-dns)",
    ]);
  });

  it("finds cluster-proportional-autoscaler owning replicas with its ConfigMap parameters", async () => {
    const env = await sim(ScenarioPresets.proportionalAutoscaler);
    const result = await enrichGroup(alertGroup([{ node: nonCoreDnsNode(env) }]), {
      kube: env.kube,
      logger: silentLogger,
    });
    expect(result.coredns?.replicaController).toEqual({
      kind: "cluster-proportional-autoscaler",
      detail:
        "cluster-proportional-autoscaler deployment/dns-autoscaler, ConfigMap dns-autoscaler linear: 1 replica per 16 nodes, per 256 cores, min 4",
    });
  });

  it("without an add-on lookup, says the owner is unknown rather than guessing", async () => {
    const env = await sim(ScenarioPresets.healthy);
    const result = await enrichGroup(alertGroup([{ node: nonCoreDnsNode(env) }]), {
      kube: env.kube,
      logger: silentLogger,
    });
    expect(result.coredns?.replicaController.kind).toBe("unknown");
    expect(result.coredns?.replicaController.detail).toMatch(/EKS add-on was not checked/);
    // Every node desired and ready: NodeLocal coverage is total and needs no per-node lookup.
    expect(result.alerts[0]?.node?.runsNodeLocalDNS).toBe(true);
    expect(env.sim.requests.some((r) => r.query.labelSelector === "k8s-app=node-local-dns")).toBe(false);
  });

  it("keeps enriching when the add-on lookup fails, and says so", async () => {
    const env = await sim(ScenarioPresets.healthy);
    const result = await enrichGroup(alertGroup([{ node: nonCoreDnsNode(env) }]), {
      kube: env.kube,
      logger: silentLogger,
      addon: {
        describeCoreDns: async () => {
          throw new Error("AccessDeniedException: not authorized to perform eks:DescribeAddon");
        },
      },
    });
    expect(result.alerts[0]?.node).not.toBeNull();
    expect(result.coredns?.replicaController.kind).toBe("unknown");
    expect(result.errors).toEqual([
      expect.stringMatching(/describing the EKS coredns add-on: AccessDeniedException/),
    ]);
  });
});

describe("enrichGroup on larger groups and across invocations", () => {
  it("reads NodeLocal DNSCache pods in one list when a large group meets partial coverage", async () => {
    const env = await sim(ScenarioPresets.addonReplicaCount);
    const notReady = env.cluster.facts.notReadyNodes;
    const nodes = env.cluster.nodes.slice(-10).map((n) => n.metadata.name);
    expect(nodes).toEqual(expect.arrayContaining(notReady));
    const group = alertGroup(nodes.map((n) => ({ instance: `${internalIp(env.cluster, n)}:9417` })));
    const result = await enrichGroup(group, { kube: env.kube, logger: silentLogger });
    expect(result.trace.plan).toBe("table");
    // NodeLocal DNSCache's pods came with CoreDNS's in one kube-system read; no list of their own.
    const podReads = env.sim.requests.filter((r) => r.path === "/api/v1/namespaces/kube-system/pods");
    expect(podReads.map((r) => r.query.labelSelector)).toEqual([
      "k8s-app in (kube-dns,coredns,node-local-dns)",
    ]);
    for (const alert of result.alerts) {
      const name = alert.node?.name ?? "";
      expect(alert.node?.ready).toBe(!notReady.includes(name));
      expect(alert.node?.runsNodeLocalDNS).toBe(!notReady.includes(name));
    }
  });

  it("resolves node_exporter's short nodename through the IP it encodes", async () => {
    const env = await sim(ScenarioPresets.colocatedOnSpot);
    const node = nonCoreDnsNode(env);
    const result = await enrichGroup(alertGroup([{ nodename: node.split(".")[0] ?? "" }]), {
      kube: env.kube,
      logger: silentLogger,
    });
    expect(result.alerts[0]?.node?.name).toBe(node);
  });

  it("says why many pod IPs without a shared namespace label stay unresolved", async () => {
    const env = await sim(ScenarioPresets.underscaledLarge);
    const pods = env.cluster.pods
      .filter((p) => p.metadata.namespace === "shop" && p.status?.podIP)
      .slice(0, 5);
    const result = await enrichGroup(alertGroup(pods.map((p) => ({ instance: `${p.status?.podIP}:8080` }))), {
      kube: env.kube,
      logger: silentLogger,
    });
    expect(result.alerts.every((a) => a.node === null)).toBe(true);
    expect(result.alerts[0]?.enrichmentError).toMatch(
      /pod IP lookup skipped for 5 instance IPs .* share no namespace label/,
    );
    expect(result.trace.requests).toBeLessThanOrEqual(5);
  });

  it("reuses cluster facts within the TTL and reads them again after it", async () => {
    const env = await sim(ScenarioPresets.colocatedOnSpot);
    let now = 0;
    const cache = createClusterFactsCache({ ttlMs: 60_000, clock: () => now });
    const group = alertGroup([{ node: nonCoreDnsNode(env) }]);
    const first = await enrichGroup(group, { kube: env.kube, cache, logger: silentLogger });
    now = 30_000;
    const second = await enrichGroup(group, { kube: env.kube, cache, logger: silentLogger });
    now = 61_000;
    const third = await enrichGroup(group, { kube: env.kube, cache, logger: silentLogger });
    expect([first, second, third].map((r) => r.trace.clusterFacts)).toEqual(["read", "cached", "read"]);
    expect(second.coredns).toEqual(first.coredns);
  });

  it("does not cache facts whose add-on lookup failed", async () => {
    const env = await sim(ScenarioPresets.colocatedOnSpot);
    const cache = createClusterFactsCache({ ttlMs: 60_000 });
    const addon = {
      describeCoreDns: async () => {
        throw new Error("ThrottlingException: Rate exceeded");
      },
    };
    const group = alertGroup([{ node: nonCoreDnsNode(env) }]);
    await enrichGroup(group, { kube: env.kube, cache, addon, logger: silentLogger });
    const again = await enrichGroup(group, { kube: env.kube, cache, addon, logger: silentLogger });
    expect(again.trace.clusterFacts).toBe("read");
  });
});

describe("enrichGroup failures never block delivery", () => {
  const group = alertGroup([{ node: "ip-10-10-0-4.ec2.internal" }, { instance: "10.10.0.5:9417" }]);

  it("times out against a slow API server and returns every alert with the reason", async () => {
    const env = await sim(ScenarioPresets.tiny, { delayMs: 2_000, timeoutMs: 200 });
    const result = await enrichGroup(group, { kube: env.kube, logger: silentLogger });
    expect(result.alerts).toHaveLength(2);
    expect(result.alerts.every((a) => a.node === null && /within 200 ms/.test(a.enrichmentError ?? ""))).toBe(
      true,
    );
    expect(result.coredns).toBeNull();
    expect(result.errors.join("\n")).toMatch(/did not answer GET .* within 200 ms/);
  });

  it("reports 401 Unauthorized", async () => {
    const env = await sim(ScenarioPresets.tiny, { auth: { tokens: { "right-token": "sentinel" } } });
    const result = await enrichGroup(group, { kube: env.kube, logger: silentLogger });
    expect(result.alerts.map((a) => a.node)).toEqual([null, null]);
    expect(result.alerts[0]?.enrichmentError).toMatch(/401 Unauthorized/);
    expect(result.coredns).toBeNull();
  });

  it("reports 403 Forbidden with the RBAC it needs", async () => {
    const env = await sim(ScenarioPresets.tiny, { forbidden: [{ verb: "list", resource: "nodes" }] });
    const result = await enrichGroup(group, { kube: env.kube, logger: silentLogger });
    expect(result.alerts.map((a) => a.node)).toEqual([null, null]);
    expect(result.alerts[0]?.enrichmentError).toMatch(/cannot list resource "nodes".*infra\/rbac\.yaml/);
    // CoreDNS placement is read through other resources and still arrives.
    expect(result.coredns?.nodes.length).toBeGreaterThan(0);
  });

  it("reports 404 for an unknown cluster endpoint", async () => {
    const env = await sim(ScenarioPresets.tiny);
    const { createHttpKubeClient } = await import("../../shared/cluster/http-kube-client.ts");
    const kube = createHttpKubeClient({ server: `${env.sim.url}/clusters/unknown`, auth: { type: "none" } });
    const result = await enrichGroup(group, { kube, logger: silentLogger });
    expect(result.alerts.map((a) => a.node)).toEqual([null, null]);
    expect(result.alerts[0]?.enrichmentError).toMatch(/404 Not Found.*cluster name or endpoint/);
  });

  it("reports 500 from the API server", async () => {
    const env = await sim(ScenarioPresets.tiny, { failure: { mode: "status-500" } });
    const result = await enrichGroup(group, { kube: env.kube, logger: silentLogger });
    expect(result.alerts.map((a) => a.node)).toEqual([null, null]);
    expect(result.errors.join("\n")).toMatch(/HTTP 500/);
  });

  it("returns an empty result for a group without alerts (raw fallback) without calling the API", async () => {
    const env = await sim(ScenarioPresets.tiny);
    const result = await enrichGroup(alertGroup([]), { kube: env.kube, logger: silentLogger });
    expect(result).toMatchObject({ alerts: [], coredns: null, errors: [] });
    expect(env.sim.requests).toHaveLength(0);
  });
});

describe("enrichGroup request and byte budgets on a 5,000-node cluster", () => {
  it("1 alert: cold reads take 4 requests (the node Table on the wire), warm reads under 4 requests and 100 KB", async () => {
    const env = await sim(ScenarioPresets.huge);
    const cache = createClusterFactsCache({ ttlMs: 60_000 });
    const node = env.cluster.nodes[100]?.metadata.name ?? "";
    const cold = await enrichGroup(alertGroup([{ node }]), { kube: env.kube, cache, logger: silentLogger });
    expect(cold.trace.clusterFacts).toBe("read");
    expect(cold.trace.requests).toBeLessThanOrEqual(4);
    // The node Table of 5,000 nodes, gzipped as the API server sends it, is most of it; read once per 60 s.
    expect(cold.trace.bytes).toBeLessThanOrEqual(500_000);
    const labelSets: LabelSet[] = [{ node }, { instance: `${internalIp(env.cluster, node)}:9417` }];
    for (const labels of labelSets) {
      const warm = await enrichGroup(alertGroup([labels]), { kube: env.kube, cache, logger: silentLogger });
      expect(warm.trace.clusterFacts).toBe("cached");
      expect(warm.alerts[0]?.node?.name).toBe(node);
      expect(warm.trace.requests).toBeLessThanOrEqual(4);
      expect(warm.trace.bytes).toBeLessThanOrEqual(100_000);
    }
  });

  it.each([
    ["node labels", true],
    ["instance IPs", false],
  ])("500 alerts by %s, cold and uncompressed: at most 10 requests and 5 MB", async (_, byLabel) => {
    const env = await sim(ScenarioPresets.huge, { compression: false });
    const nodes = env.cluster.nodes.filter((_, i) => i % 10 === 3).map((n) => n.metadata.name);
    const group = alertGroup(
      nodes.map(
        (node): LabelSet => (byLabel ? { node } : { instance: `${internalIp(env.cluster, node)}:9417` }),
      ),
    );
    const result = await enrichGroup(group, { kube: env.kube, logger: silentLogger });
    expect(result.alerts.every((a, i) => a.node?.name === nodes[i])).toBe(true);
    expect(result.coredns?.clusterNodeCount).toBe(5_000);
    expect(result.trace.requests).toBeLessThanOrEqual(10);
    expect(result.trace.bytes).toBeLessThanOrEqual(5_000_000);
    expect(env.sim.traffic()).toEqual({ requests: result.trace.requests, bytes: result.trace.bytes });
  });
});
