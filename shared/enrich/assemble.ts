import {
  type AlertGroup,
  type CapacityType,
  ComputeType,
  type CoreDnsPlacement,
  type DnsLayout,
  type EnrichedAlert,
  type EnrichmentFailureReason,
} from "../model/index.ts";
import { corednsPlacement } from "./coredns-placement.ts";
import { computeTypeOf } from "./dns-layout.ts";
import type { ClusterDnsFacts } from "./facts-cache.ts";
import type { GroupReads } from "./group-reads.ts";
import type { NodeIdentity } from "./node-identity.ts";
import { capacityTypeOf, nodeFacts } from "./node-record.ts";
import { decideReplicaController, withoutCoreDnsDeployment } from "./replica-controller.ts";
import { buildNodeIndex, resolveNode } from "./resolve-node.ts";

export interface Assembled {
  alerts: EnrichedAlert[];
  coredns: CoreDnsPlacement | null;
  errors: string[];
  /** The kind of each failed read behind `errors`. */
  failureReasons: EnrichmentFailureReason[];
  /** Alerts per resolution strategy, plus `unresolved`. */
  strategies: Record<string, number>;
  /** Complete cluster-wide facts worth caching, or null when something was missing or already cached. */
  factsToCache: ClusterDnsFacts | null;
}

/** Turns a group's reads into enriched alerts and CoreDNS placement. Pure. */
export function assembleEnrichment(
  group: AlertGroup,
  identities: readonly NodeIdentity[],
  reads: GroupReads,
): Assembled {
  const { records, cached, addon } = reads;
  const capacityOf = (node: string): CapacityType => {
    const labels = records.get(node)?.labels;
    return labels ? capacityTypeOf(labels) : (cached?.corednsNodeCapacity[node] ?? "unknown");
  };
  const coredns = placementOf(reads, capacityOf);
  const errors = [...reads.errors];
  if (addon.kind === "failed") errors.push(addon.error);
  const { alerts, strategies } = enrichAlerts(group, identities, reads, coredns);
  errors.push(...reads.nodeErrors);
  const failureReasons = [...reads.failureReasons, ...(addon.kind === "failed" ? [addon.reason] : [])];
  return {
    alerts,
    coredns,
    errors: [...new Set(errors)],
    failureReasons,
    strategies,
    factsToCache: factsToCache(reads, coredns, capacityOf),
  };
}

/** Where CoreDNS runs and who controls its replicas; null when kube-system's DNS workloads were not read. */
function placementOf(reads: GroupReads, capacityOf: (node: string) => CapacityType): CoreDnsPlacement | null {
  const { workloads, records, counts, addon } = reads;
  const computeOf = (node: string): ComputeType => {
    const record = records.get(node);
    return record ? computeTypeOf(record.labels, node) : computeTypeOf(null, node);
  };
  const layout = workloads ? dnsLayoutOf(reads, computeOf) : null;
  if (!workloads || !layout) return null;
  return corednsPlacement({
    workloads,
    capacityOf,
    layout,
    replicaController:
      workloads.corednsDeployment === null
        ? withoutCoreDnsDeployment(layout)
        : decideReplicaController({
            addon,
            autoscaler: workloads.autoscaler,
            autoscalerParams: reads.autoscalerParams,
            deploymentReplicas: workloads.corednsReplicas?.desired ?? null,
            deployment: workloads.corednsDeployment,
          }),
    clusterNodeCount: counts?.total ?? 0,
    schedulableNodeCount: counts?.schedulable ?? 0,
  });
}

/** Each alert with its node's facts, or the reason it has none; and how many alerts each strategy placed. */
function enrichAlerts(
  group: AlertGroup,
  identities: readonly NodeIdentity[],
  reads: GroupReads,
  coredns: CoreDnsPlacement | null,
): { alerts: EnrichedAlert[]; strategies: Record<string, number> } {
  const { records, workloads } = reads;
  const index = buildNodeIndex(records.values(), reads.podIps);
  const corednsOn = new Set(coredns?.nodes ?? []);
  const nodeLocalPresent = workloads?.nodeLocal.present === true;
  const strategies: Record<string, number> = {};
  const count = (key: string) => {
    strategies[key] = (strategies[key] ?? 0) + 1;
  };
  const alerts = group.alerts.map((alert, position): EnrichedAlert => {
    const resolution = resolveNode(identities[position] ?? { kind: "none" }, index);
    const record = resolution.node === null ? undefined : records.get(resolution.node);
    if (resolution.node === null || !record) {
      count("unresolved");
      const reason =
        resolution.node === null ? resolution.reason : `node ${resolution.node} could not be read`;
      const because = reads.nodeErrors.length > 0 ? `${reason} (${reads.nodeErrors.join("; ")})` : reason;
      return { ...alert, node: null, enrichmentError: because };
    }
    count(resolution.strategy);
    const runsNodeLocalDNS =
      nodeLocalPresent && (reads.nodeLocalCoversAll || reads.nodeLocalOn?.has(record.name) === true);
    return {
      ...alert,
      node: nodeFacts(record, { hostsCoreDNS: corednsOn.has(record.name), runsNodeLocalDNS }),
    };
  });
  return { alerts, strategies };
}

/** The cluster-wide facts to cache: only complete ones, so a failed read or add-on lookup is retried. */
function factsToCache(
  reads: GroupReads,
  coredns: CoreDnsPlacement | null,
  capacityOf: (node: string) => CapacityType,
): ClusterDnsFacts | null {
  const { cached, workloads, counts, addon } = reads;
  const complete =
    !cached && workloads && coredns && counts && reads.errors.length === 0 && addon.kind !== "failed";
  if (!complete) return null;
  return {
    workloads,
    autoscalerParams: reads.autoscalerParams,
    addon,
    corednsNodeCapacity: Object.fromEntries(coredns.nodes.map((node) => [node, capacityOf(node)])),
    clusterNodeCount: counts.total,
    schedulableNodeCount: counts.schedulable,
    fargateNodeCount: counts.fargate,
    autoMode: coredns.layout.autoMode,
  };
}

/**
 * Auto Mode from DescribeCluster when EKS was asked, else from the labels of the nodes read (the alerts' and
 * CoreDNS's): a node labelled `eks.amazonaws.com/compute-type: auto` is an Auto Mode node.
 */
function dnsLayoutOf(reads: GroupReads, computeOf: (node: string) => ComputeType): DnsLayout {
  const workloads = reads.workloads;
  const labelled = [...reads.records.values()].some(
    (record) => computeTypeOf(record.labels, record.name) === ComputeType.auto,
  );
  const enabled = reads.autoMode.enabled;
  return {
    autoMode: reads.cached
      ? reads.cached.autoMode
      : enabled !== null
        ? { enabled, source: "compute-config" }
        : { enabled: labelled, source: labelled ? "node-labels" : null },
    corednsOnFargate: (workloads?.corednsPods ?? []).filter(
      (pod) => pod.node !== null && computeOf(pod.node) === ComputeType.fargate,
    ).length,
    fargateNodes: reads.counts?.fargate ?? 0,
    dnsService: workloads?.dnsService ?? null,
  };
}
