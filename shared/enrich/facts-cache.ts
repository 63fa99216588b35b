import type { CapacityType, DnsLayout } from "../model/index.ts";
import type { AddonLookupOutcome } from "./addon-lookup.ts";
import type { DnsWorkloads } from "./dns-workloads.ts";

/**
 * Cluster-wide facts that do not depend on the alerts: CoreDNS pods and replicas, its autoscaler, NodeLocal
 * DNSCache status, the capacity type of CoreDNS's nodes, node counts and the add-on lookup. They change on
 * the scale of minutes, so a warm Lambda reuses them for a short TTL instead of re-reading them for every
 * alert group.
 */
export interface ClusterDnsFacts {
  workloads: DnsWorkloads;
  autoscalerParams: string | null;
  addon: AddonLookupOutcome;
  corednsNodeCapacity: Record<string, CapacityType>;
  clusterNodeCount: number;
  schedulableNodeCount: number;
  fargateNodeCount: number;
  /** EKS Auto Mode as the cold read told it (DescribeCluster, or node labels). */
  autoMode: DnsLayout["autoMode"];
}

export interface ClusterFactsCache {
  get(cluster: string): ClusterDnsFacts | null;
  set(cluster: string, facts: ClusterDnsFacts): void;
}

/** A per-process map with expiry; keep one at module scope in a Lambda handler. */
export function createClusterFactsCache(options: { ttlMs: number; clock?: () => number }): ClusterFactsCache {
  const clock = options.clock ?? Date.now;
  const entries = new Map<string, { facts: ClusterDnsFacts; expiresAt: number }>();
  return {
    get(cluster) {
      const entry = entries.get(cluster);
      if (!entry) return null;
      if (clock() >= entry.expiresAt) {
        entries.delete(cluster);
        return null;
      }
      return entry.facts;
    },
    set(cluster, facts) {
      entries.set(cluster, { facts, expiresAt: clock() + options.ttlMs });
    },
  };
}
