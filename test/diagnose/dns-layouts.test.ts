import { afterEach, describe, expect, it } from "vitest";
import { diagnose } from "../../shared/diagnose/index.ts";
import { type CoreDnsAddonLookup, createClusterFactsCache, enrichGroup } from "../../shared/enrich/index.ts";
import { type CoreDnsPlacement, DiagnosisCode, type EnrichedAlert } from "../../shared/model/index.ts";
import type { GeneratedCluster } from "../../sim/cluster-generator.ts";
import { type ScenarioName, ScenarioPresets } from "../../sim/scenarios.ts";
import {
  alertGroup,
  type EnrichSim,
  internalIp,
  silentLogger,
  simAddonLookup,
  startEnrichSim,
} from "../support/enrich-fixtures.ts";
import { missingTargets, spreadSelectors } from "../support/fix-commands.ts";

/**
 * Every DNS layout through enrichment and diagnosis on the simulator (docs/dns-layouts.md): who owns the
 * replicas, which findings, and that every command of every fix names an object the cluster has.
 */
const running: EnrichSim[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((env) => env.sim.stop()));
});

/** What EKS answers for the scenario: the add-on, and DescribeCluster's computeConfig. */
function eksLookup(cluster: GeneratedCluster): CoreDnsAddonLookup {
  return { ...simAddonLookup(cluster), autoModeEnabled: async () => cluster.autoModeEnabled };
}

const corednsNode = (c: GeneratedCluster) => c.facts.corednsNodes[0] as string;
const autoNode = (c: GeneratedCluster) => c.facts.autoModeNodes[0] as string;
const managedNode = (c: GeneratedCluster) =>
  c.nodes
    .map((n) => n.metadata.name)
    .find(
      (n) =>
        !c.facts.corednsNodes.includes(n) &&
        !c.facts.autoModeNodes.includes(n) &&
        !c.facts.fargateNodes.includes(n),
    ) as string;

async function enrichOn(name: ScenarioName, pickNode: (c: GeneratedCluster) => string, viaEks = true) {
  const env = await startEnrichSim(ScenarioPresets[name]);
  running.push(env);
  const node = pickNode(env.cluster);
  const group = alertGroup([{ instance: `${internalIp(env.cluster, node)}:9417` }]);
  const cache = createClusterFactsCache({ ttlMs: 60_000 });
  const deps = {
    kube: env.kube,
    addon: viaEks ? eksLookup(env.cluster) : undefined,
    logger: silentLogger,
    cache,
  };
  const cold = await enrichGroup(group, deps);
  const warm = await enrichGroup(group, deps);
  const findings = diagnose(cold.alerts, cold.coredns, cold.errors, { clusterName: env.cluster.name });
  return { env, node, cold, warm, findings, coredns: cold.coredns as CoreDnsPlacement };
}

const codes = (findings: { code: string }[]) => findings.map((f) => f.code);

describe("DNS layouts: owner and findings", () => {
  it("EKS Auto Mode: owner eks-auto-mode from DescribeCluster, the drops are the node's own lookups", async () => {
    const { coredns, findings, cold, node } = await enrichOn("autoMode", autoNode);
    expect(coredns.replicaController.kind).toBe("eks-auto-mode");
    expect(coredns.replicaController.detail).toMatch(/^EKS Auto Mode \(DescribeCluster computeConfig\)/);
    expect(coredns.replicaController.detail).toContain("https://docs.aws.amazon.com/eks/latest/userguide/");
    expect(coredns.deployment).toBeNull();
    expect(coredns.layout.autoMode).toEqual({ enabled: true, source: "compute-config" });
    expect(cold.alerts[0]?.node?.computeType).toBe("auto");
    expect(codes(findings)).toEqual([
      DiagnosisCode.autoModeNodeThrottled,
      DiagnosisCode.corednsReplicasManaged,
    ]);
    expect(findings[0]?.nodes).toEqual([node]);
    expect(findings[0]?.fix).not.toMatch(/kubectl -n kube-system scale|nodelocaldns|update-addon/);
    expect(findings[1]?.commands).toEqual([]);
  });

  it("EKS Auto Mode through a kubeconfig: told from the node's compute-type label", async () => {
    const { coredns, findings } = await enrichOn("autoMode", autoNode, false);
    expect(coredns.replicaController.kind).toBe("eks-auto-mode");
    expect(coredns.layout.autoMode).toEqual({ enabled: true, source: "node-labels" });
    expect(codes(findings)).toEqual([
      DiagnosisCode.autoModeNodeThrottled,
      DiagnosisCode.corednsReplicasManaged,
    ]);
  });

  it("mixed Auto Mode: the add-on still owns CoreDNS for the managed nodes; an Auto Mode node is its own case", async () => {
    const onAuto = await enrichOn("mixedAutoMode", autoNode);
    expect(onAuto.coredns.replicaController.kind).toBe("eks-addon");
    expect(onAuto.coredns.layout.autoMode.enabled).toBe(true);
    expect(codes(onAuto.findings)).toEqual([
      DiagnosisCode.autoModeNodeThrottled,
      DiagnosisCode.corednsReplicasManaged,
    ]);
    const onCoreDns = await enrichOn("mixedAutoMode", corednsNode);
    expect(codes(onCoreDns.findings)).toEqual([
      DiagnosisCode.corednsOnThrottledNode,
      DiagnosisCode.nodelocalDnsAbsent,
      DiagnosisCode.corednsReplicasManaged,
    ]);
    // NodeLocal DNSCache only where it can run: not on Auto Mode nodes, not on Fargate.
    expect(onCoreDns.findings[1]?.fix).toContain("eks.amazonaws.com/compute-type NotIn auto, fargate");
  });

  it("Fargate only: CoreDNS replicas each on their own node, never co-located, no NodeLocal DNSCache advice", async () => {
    const { coredns, findings, cold } = await enrichOn("fargateOnly", corednsNode);
    expect(coredns.replicaController.kind).toBe("deployment");
    expect(coredns.layout).toMatchObject({ corednsOnFargate: 2, fargateNodes: 40 });
    expect(coredns.colocatedNodes).toEqual([]);
    expect(coredns.schedulableNodeCount).toBe(0);
    expect(cold.alerts[0]?.node?.computeType).toBe("fargate");
    expect(codes(findings)).toEqual([DiagnosisCode.corednsOnThrottledNode, DiagnosisCode.corednsUnderscaled]);
    expect(findings[0]?.fix).toContain("on Fargate each new replica gets its own node and ENI");
    expect(findings.map((f) => f.fix).join(" ")).not.toMatch(/NodeLocal/);
  });

  it("a kube-system Fargate profile: CoreDNS on Fargate, drops on an EC2 application node", async () => {
    const { coredns, findings } = await enrichOn("fargateKubeSystem", managedNode);
    expect(coredns.layout).toMatchObject({ corednsOnFargate: 2, fargateNodes: 2 });
    expect(coredns.clusterNodeCount).toBe(22);
    expect(coredns.schedulableNodeCount).toBe(20);
    expect(codes(findings)).toEqual([
      DiagnosisCode.nonCorednsNodeThrottled,
      DiagnosisCode.nodelocalDnsAbsent,
    ]);
  });

  it("CoreDNS from the Helm chart: the Deployment dns-coredns found by its pods' labels, fixes name it", async () => {
    const { coredns, findings } = await enrichOn("helmCoreDns", corednsNode);
    expect(coredns.deployment).toBe("dns-coredns");
    expect(coredns.pods.map((p) => p.name).every((name) => name.startsWith("dns-coredns-"))).toBe(true);
    expect(codes(findings)).toEqual([
      DiagnosisCode.corednsOnThrottledNode,
      DiagnosisCode.corednsColocated,
      DiagnosisCode.nodelocalDnsAbsent,
    ]);
    expect(findings[0]?.commands).toEqual([
      "kubectl -n kube-system scale deployment/dns-coredns --replicas=4",
    ]);
  });

  it("no CoreDNS at all: said plainly, with the kube-dns Service's selector and no CoreDNS advice", async () => {
    const { coredns, findings } = await enrichOn("noCoreDns", (c) => c.nodes[0]?.metadata.name as string);
    expect(coredns.deployment).toBeNull();
    expect(coredns.replicaController.kind).toBe("unknown");
    expect(coredns.layout.dnsService).toBe("app.kubernetes.io/name=unbound");
    expect(codes(findings)).toEqual([DiagnosisCode.corednsNotFound, DiagnosisCode.nonCorednsNodeThrottled]);
    expect(findings[0]?.reason).toMatch(
      /no CoreDNS: .*the kube-dns Service selects app.kubernetes.io\/name=unbound/,
    );
  });

  it("a renamed cluster-proportional-autoscaler: found by its --target, its own ConfigMap edited", async () => {
    const { coredns, findings } = await enrichOn("renamedAutoscaler", corednsNode);
    expect(coredns.replicaController.kind).toBe("cluster-proportional-autoscaler");
    expect(coredns.replicaController.detail).toMatch(
      /deployment\/coredns-autoscaler, ConfigMap coredns-autoscaler linear/,
    );
    expect(coredns.autoscalerConfigMap).toBe("coredns-autoscaler");
    expect(findings.flatMap((f) => f.commands ?? [])).toContain(
      "kubectl -n kube-system edit configmap coredns-autoscaler",
    );
  });
});

describe("CoreDNS whose pods carry none of the usual labels", () => {
  it("is found through the kube-dns Service's selector, its pods read by that selector", async () => {
    const env = await startEnrichSim(ScenarioPresets.tiny);
    running.push(env);
    // Relabel CoreDNS as an operator might: `app: cluster-dns` on the Deployment, its pods and the Service.
    const labels = { app: "cluster-dns" };
    const deployment = env.cluster.deployments.find((d) => d.metadata.name === "coredns");
    if (!deployment?.spec?.template?.metadata) throw new Error("the scenario has no coredns Deployment");
    deployment.metadata.labels = labels;
    deployment.spec.selector = { matchLabels: labels };
    deployment.spec.template.metadata.labels = labels;
    for (const pod of env.cluster.pods.filter((p) => p.metadata.name.startsWith("coredns-")))
      pod.metadata.labels = labels;
    const service = env.cluster.services[0];
    if (!service?.spec) throw new Error("the scenario has no kube-dns Service");
    service.spec.selector = labels;

    const node = corednsNode(env.cluster);
    const result = await enrichGroup(alertGroup([{ node }]), { kube: env.kube, logger: silentLogger });
    expect(result.coredns?.deployment).toBe("coredns");
    expect(result.coredns?.layout.dnsService).toBe("app=cluster-dns");
    expect(result.coredns?.pods).toHaveLength(2);
    expect(result.alerts[0]?.node?.hostsCoreDNS).toBe(true);
    expect(env.sim.requests.map((r) => r.query.labelSelector).filter(Boolean)).toContain("app=cluster-dns");
  });
});

/** Every preset but the 5,000-node one, with drops on a CoreDNS node and on another node. */
const LAYOUTS = (Object.keys(ScenarioPresets) as ScenarioName[]).filter((name) => name !== "huge");

describe("every command of every fix names an object the cluster has", () => {
  it.each(LAYOUTS)("%s", async (name) => {
    const pickers = [
      corednsNode,
      managedNode,
      autoNode,
      (c: GeneratedCluster) => c.nodes.at(-1)?.metadata.name,
    ];
    const env = await startEnrichSim(ScenarioPresets[name]);
    running.push(env);
    const cluster = env.cluster;
    const nodes = [...new Set(pickers.map((pick) => pick(cluster)).filter((n): n is string => Boolean(n)))];
    let checked = 0;
    for (const node of nodes) {
      const group = alertGroup([{ instance: `${internalIp(cluster, node)}:9417` }]);
      const result = await enrichGroup(group, {
        kube: env.kube,
        addon: eksLookup(cluster),
        logger: silentLogger,
      });
      const findings = diagnose(result.alerts as EnrichedAlert[], result.coredns, result.errors, {
        clusterName: cluster.name,
      });
      expect(missingTargets(cluster, findings)).toEqual([]);
      const deployment = cluster.deployments.find((d) => d.metadata.name === result.coredns?.deployment);
      for (const command of findings.flatMap((f) => f.commands ?? [])) {
        for (const selector of spreadSelectors(command)) {
          // A spread constraint must select the Deployment's own pods, or it spreads nothing.
          const labels = deployment?.spec?.template?.metadata?.labels ?? {};
          expect(Object.entries(selector).every(([k, v]) => labels[k] === v)).toBe(true);
        }
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe("request budgets per layout (one alert, cold then warm)", () => {
  it.each([
    { name: "autoMode", pick: autoNode, coldMax: 4, warmMax: 2 },
    { name: "mixedAutoMode", pick: autoNode, coldMax: 4, warmMax: 2 },
    { name: "fargateOnly", pick: corednsNode, coldMax: 4, warmMax: 2 },
    { name: "fargateKubeSystem", pick: managedNode, coldMax: 4, warmMax: 2 },
    { name: "helmCoreDns", pick: corednsNode, coldMax: 4, warmMax: 2 },
    {
      name: "noCoreDns",
      pick: (c: GeneratedCluster) => c.nodes[0]?.metadata.name as string,
      coldMax: 5,
      warmMax: 2,
    },
    { name: "renamedAutoscaler", pick: corednsNode, coldMax: 5, warmMax: 2 },
  ] as const)("$name: cold <= $coldMax, warm <= $warmMax", async ({ name, pick, coldMax, warmMax }) => {
    const { cold, warm } = await enrichOn(name, pick);
    expect(cold.trace.requests).toBeLessThanOrEqual(coldMax);
    expect(warm.trace.requests).toBeLessThanOrEqual(warmMax);
    expect(warm.trace.clusterFacts).toBe("cached");
  });
});

describe("request and byte budgets on 5,000-node layouts (500 alerts, cold, uncompressed)", () => {
  it.each([
    { compute: "auto-mode", corednsInstall: "eks" },
    { compute: "mixed-auto-mode", corednsInstall: "helm" },
  ] as const)("$compute with CoreDNS $corednsInstall: at most 10 requests and 5 MB", async (layout) => {
    const env = await startEnrichSim(
      { clusterName: "sim-huge-layout", nodeCount: 5000, corednsReplicas: 2, appPodsPerNode: 1, ...layout },
      { compression: false },
    );
    running.push(env);
    const nodes = env.cluster.nodes.filter((_, i) => i % 10 === 3).map((n) => n.metadata.name);
    const group = alertGroup(nodes.map((node) => ({ instance: `${internalIp(env.cluster, node)}:9417` })));
    const result = await enrichGroup(group, {
      kube: env.kube,
      addon: eksLookup(env.cluster),
      logger: silentLogger,
    });
    expect(result.alerts.every((a, i) => a.node?.name === nodes[i])).toBe(true);
    expect(result.coredns?.layout.autoMode.enabled).toBe(true);
    expect(result.trace.requests).toBeLessThanOrEqual(10);
    expect(result.trace.bytes).toBeLessThanOrEqual(5_000_000);
  });
});
