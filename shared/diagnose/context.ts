import type { CoreDnsPlacement, EnrichedAlert, NodeFacts, NodeTalkers } from "../model/index.ts";

/**
 * CoreDNS replicas wanted for a cluster size: one per 16 nodes, at least 2. Sixteen is the upstream
 * cluster-proportional-autoscaler's default `nodesPerReplica` for DNS, the figure Kubernetes ships for
 * exactly this job; 2 keeps a replica when the other's node drains. Each replica sends its upstream lookups
 * through its own node's ENI and its 1024 pps link-local allowance, so replicas are that allowance's unit.
 */
export const CoreDnsSizing = { nodesPerReplica: 16, minReplicas: 2 } as const;

export function recommendedReplicas(clusterNodeCount: number): number {
  return Math.max(CoreDnsSizing.minReplicas, Math.ceil(clusterNodeCount / CoreDnsSizing.nodesPerReplica));
}

/**
 * The scaler's next step from a replica count (COREDNS_SCALE_STEP, capped at COREDNS_MAX_REPLICAS): a scale-up
 * fix proposes the number the scaler would write, so the message and the scaler's report say one thing.
 * Returns `from` itself when the scaler would not go higher.
 */
export interface ScaleUpPolicy {
  next(from: number): number;
}

/** What every rule reads, computed once. */
export interface DiagnosisContext {
  /** Nodes of firing alerts, with their facts, sorted by name. */
  throttled: NodeFacts[];
  coredns: CoreDnsPlacement | null;
  enrichmentErrors: string[];
  /** Firing alerts no node could be found for, with the first reason. */
  unresolved: { count: number; firstReason: string | null };
  firingCount: number;
  clusterName: string;
  /** Pods resolving through the VPC resolver on throttled nodes without CoreDNS; null when not looked up. */
  talkers: NodeTalkers[] | null;
  /** The scaler's step, when known: scale-up fixes then propose its number. */
  scaleUp: ScaleUpPolicy | null;
}

export function diagnosisContext(
  alerts: readonly EnrichedAlert[],
  coredns: CoreDnsPlacement | null,
  enrichmentErrors: readonly string[],
  clusterName: string | undefined,
  talkers: NodeTalkers[] | null = null,
  scaleUp: ScaleUpPolicy | null = null,
): DiagnosisContext {
  const firing = alerts.filter((alert) => alert.status === "firing");
  const byName = new Map<string, NodeFacts>();
  for (const alert of firing) if (alert.node) byName.set(alert.node.name, alert.node);
  const unresolved = firing.filter((alert) => alert.node === null);
  return {
    throttled: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)),
    coredns,
    enrichmentErrors: [...enrichmentErrors],
    unresolved: {
      count: unresolved.length,
      firstReason: unresolved.find((a) => a.enrichmentError)?.enrichmentError ?? null,
    },
    firingCount: firing.length,
    talkers,
    scaleUp,
    clusterName: clusterName ?? firing.find((alert) => alert.labels.cluster)?.labels.cluster ?? "<cluster>",
  };
}

/** `a, b and 3 more`: node lists stay one line however many nodes drop packets. */
export function nodeList(names: readonly string[], shown = 3): string {
  if (names.length <= shown) return names.join(", ");
  return `${names.slice(0, shown).join(", ")} and ${names.length - shown} more`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
