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
  const { workloads, records, cached, counts, addon } = reads;
  const capacityOf = (node: string): CapacityType => {
    const labels = records.get(node)?.labels;
    return labels ? capacityTypeOf(labels) : (cached?.corednsNodeCapacity[node] ?? "unknown");
  };
  const computeOf = (node: string): ComputeType => {
    const record = records.get(node);
    return record ? computeTypeOf(record.labels, node) : computeTypeOf(null, node);
  };
  const layout = workloads ? dnsLayoutOf(reads, computeOf) : null;
  const coredns =
    workloads && layout
      ? corednsPlacement({
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
        })
      : null;
  const errors = [...reads.errors];
  if (addon.kind === "failed") errors.push(addon.error);

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
  errors.push(...reads.nodeErrors);

  // Only complete facts are reused: a failed read or add-on lookup is retried by the next group.
  const complete =
    !cached && workloads && coredns && counts && reads.errors.length === 0 && addon.kind !== "failed";
  const factsToCache: ClusterDnsFacts | null = complete
    ? {
        workloads,
        autoscalerParams: reads.autoscalerParams,
        addon,
        corednsNodeCapacity: Object.fromEntries(coredns.nodes.map((node) => [node, capacityOf(node)])),
        clusterNodeCount: counts.total,
        schedulableNodeCount: counts.schedulable,
        fargateNodeCount: counts.fargate,
        autoMode: coredns.layout.autoMode,
      }
    : null;
  const failureReasons = [...reads.failureReasons, ...(addon.kind === "failed" ? [addon.reason] : [])];
  return { alerts, coredns, errors: [...new Set(errors)], failureReasons, strategies, factsToCache };
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
