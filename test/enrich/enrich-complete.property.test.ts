import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createHttpKubeClient } from "../../shared/cluster/http-kube-client.ts";
import type { Node } from "../../shared/cluster/kube-objects.ts";
import {
  createClusterFactsCache,
  type EnrichResult,
  enrichGroup,
  NODE_NAME_LABELS,
} from "../../shared/enrich/index.ts";
import type { LabelSet } from "../../shared/model/index.ts";
import { type GeneratedCluster, generateCluster } from "../../sim/cluster-generator.ts";
import { startKubeApiServer } from "../../sim/kube-api-server.ts";
import { alertGroup, silentLogger } from "../support/enrich-fixtures.ts";

/**
 * The invariant behind every enrichment path: an alert tied to a node carries that node's facts exactly as the
 * cluster holds them (instance type, zone, capacity type, instance id, readiness, CoreDNS on it), whichever way
 * the alert names its node, whatever the group's size, cold or warm. The cold path once named nodes matched
 * through the node Table without their labels: a request count cannot see that, this can.
 */

/** How an alert names its node: every form DESIGN.md lists. */
const IdentityForms = [
  "node-label",
  "short-nodename-label",
  "ip-hostname-label",
  "internal-ip",
  "dns-name",
  "short-hostname",
  "pod-ip",
  "instance-id",
] as const;
type IdentityForm = (typeof IdentityForms)[number];

/**
 * Forms enrichment must always resolve (the node Table or a hostname selector finds them in any plan). A pod IP
 * is looked up only for a few IPs or within one namespace, and an instance id among the first 100 nodes.
 */
const ALWAYS_RESOLVED = new Set<IdentityForm>(
  IdentityForms.filter((form) => form !== "pod-ip" && form !== "instance-id"),
);

interface AlertSpec {
  node: number;
  form: IdentityForm;
  label: number;
  pod: number;
}

/** The truth, read straight from the generated objects (not through enrichment's own helpers). */
function truthOf(cluster: GeneratedCluster, node: Node) {
  const labels = node.metadata.labels ?? {};
  const capacity = labels["eks.amazonaws.com/capacityType"] ?? labels["karpenter.sh/capacity-type"];
  return {
    name: node.metadata.name,
    instanceId: node.spec?.providerID?.split("/").pop() ?? null,
    instanceType: labels["node.kubernetes.io/instance-type"] ?? null,
    zone: labels["topology.kubernetes.io/zone"] ?? null,
    capacityType: capacity === "spot" ? "spot" : capacity ? "on-demand" : "unknown",
    ready: !cluster.facts.notReadyNodes.includes(node.metadata.name),
    hostsCoreDNS: cluster.facts.corednsNodes.includes(node.metadata.name),
  };
}

function labelsFor(cluster: GeneratedCluster, spec: AlertSpec): { labels: LabelSet; node: Node } {
  const node = cluster.nodes[spec.node % cluster.nodes.length] as Node;
  const name = node.metadata.name;
  const short = name.split(".")[0] ?? name;
  const ip = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
  switch (spec.form) {
    case "node-label":
      return { node, labels: { [NODE_NAME_LABELS[spec.label % NODE_NAME_LABELS.length] as string]: name } };
    case "short-nodename-label":
      return { node, labels: { nodename: short, instance: `${ip}:9100` } };
    case "ip-hostname-label":
      return { node, labels: { hostname: ip } };
    case "internal-ip":
      return { node, labels: { instance: `${ip}:${cluster.facts.exporterPort}` } };
    case "dns-name":
      return { node, labels: { instance: `${name}:9100` } };
    case "short-hostname":
      return { node, labels: { instance: `${short}:9100` } };
    case "instance-id":
      return { node, labels: { instance: node.spec?.providerID?.split("/").pop() ?? "" } };
    case "pod-ip": {
      const pods = cluster.pods.filter(
        (p) => p.spec?.nodeName === name && !p.spec.hostNetwork && p.status?.podIP,
      );
      const pod = pods[spec.pod % Math.max(1, pods.length)];
      if (!pod?.status?.podIP) return { node, labels: { instance: `${ip}:${cluster.facts.exporterPort}` } };
      return {
        node,
        labels: { instance: `${pod.status.podIP}:8080`, namespace: pod.metadata.namespace ?? "" },
      };
    }
  }
}

function expectComplete(
  cluster: GeneratedCluster,
  result: EnrichResult,
  expected: { node: Node; form: IdentityForm }[],
): void {
  result.alerts.forEach((alert, position) => {
    const want = expected[position];
    if (!want) throw new Error(`alert ${position} has no expectation`);
    const where = `alert ${position} (${want.form} of ${want.node.metadata.name})`;
    if (alert.node === null) {
      expect(ALWAYS_RESOLVED.has(want.form), `${where} left unidentified: ${alert.enrichmentError}`).toBe(
        false,
      );
      expect(alert.enrichmentError, where).toBeTruthy();
      return;
    }
    const truth = truthOf(cluster, want.node);
    expect(
      {
        name: alert.node.name,
        instanceId: alert.node.instanceId,
        instanceType: alert.node.instanceType,
        zone: alert.node.zone,
        capacityType: alert.node.capacityType,
        ready: alert.node.ready,
        hostsCoreDNS: alert.node.hostsCoreDNS,
      },
      where,
    ).toEqual(truth);
  });
}

const clusterShape = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  // Mostly small clusters; some past the 100 full objects an instance id is looked for among.
  nodeCount: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 3, max: 40 }) },
    fc.integer({ min: 100, max: 250 }),
  ),
  corednsReplicas: fc.integer({ min: 1, max: 4 }),
  colocatedReplicas: fc.constantFrom(0, 2),
  spotReplicas: fc.integer({ min: 0, max: 2 }),
  nodeLocalDns: fc.boolean(),
  notReadyNodes: fc.integer({ min: 0, max: 2 }),
});
const alertSpec = fc.record({
  node: fc.nat(),
  form: fc.constantFrom(...IdentityForms),
  label: fc.nat(),
  pod: fc.nat(),
});
/** Small groups take the targeted reads, large ones the node Table; both, cold then warm. */
const alertMix = fc.oneof(
  fc.array(alertSpec, { minLength: 1, maxLength: 3 }),
  fc.array(alertSpec, { minLength: 4, maxLength: 40 }),
);

describe("enrichment completeness over generated clusters and alert mixes", () => {
  it("every identified alert carries its node's facts exactly, cold and warm, small and large groups", async () => {
    await fc.assert(
      fc.asyncProperty(clusterShape, alertMix, alertMix, async (shape, coldMix, warmMix) => {
        const cluster = generateCluster({ ...shape, clusterName: "sim", replicaOwner: "none" });
        const sim = await startKubeApiServer({ cluster });
        try {
          const kube = createHttpKubeClient({ server: sim.url, auth: { type: "none" }, timeoutMs: 10_000 });
          const cache = createClusterFactsCache({ ttlMs: 600_000 });
          for (const [pass, mix] of [
            ["cold", coldMix],
            ["warm", warmMix],
          ] as const) {
            const alerts = mix.map((spec) => ({ ...labelsFor(cluster, spec), form: spec.form }));
            const result = await enrichGroup(alertGroup(alerts.map((a) => a.labels)), {
              kube,
              cache,
              logger: silentLogger,
            });
            expect(result.trace.clusterFacts).toBe(pass === "cold" ? "read" : "cached");
            expectComplete(cluster, result, alerts);
            expect(result.trace.requests).toBeLessThanOrEqual(10);
          }
        } finally {
          await sim.stop();
        }
      }),
      { numRuns: 60, seed: 20261206, endOnFailure: true },
    );
  });

  it.each(IdentityForms.filter((form) => ALWAYS_RESOLVED.has(form)))(
    "1 alert by %s: complete within 4 requests cold and 2 warm",
    async (form) => {
      const cluster = generateCluster({ nodeCount: 30, corednsReplicas: 2, colocatedReplicas: 2, seed: 7 });
      const sim = await startKubeApiServer({ cluster });
      try {
        const kube = createHttpKubeClient({ server: sim.url, auth: { type: "none" }, timeoutMs: 10_000 });
        const cache = createClusterFactsCache({ ttlMs: 600_000 });
        // A node without CoreDNS: its details are not read anyway for CoreDNS's sake.
        const index = cluster.nodes.findIndex((n) => !cluster.facts.corednsNodes.includes(n.metadata.name));
        const alert = { ...labelsFor(cluster, { node: index, form, label: 0, pod: 0 }), form };
        for (const budget of [4, 2]) {
          const result = await enrichGroup(alertGroup([alert.labels]), { kube, cache, logger: silentLogger });
          expectComplete(cluster, result, [alert]);
          expect(result.alerts[0]?.node?.instanceType).toBeTruthy();
          expect(result.trace.requests).toBeLessThanOrEqual(budget);
        }
      } finally {
        await sim.stop();
      }
    },
  );
});
