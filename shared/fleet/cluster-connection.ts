import type { KubeApi } from "../cluster/kube-api.ts";
import type { CoreDnsAddonLookup } from "../enrich/addon-lookup.ts";
import type { AlertGroup } from "../model/index.ts";

/** How to reach one cluster. */
export interface ClusterConnection {
  /** The name used as cache key and in messages. */
  name: string;
  kube: KubeApi;
  addon?: CoreDnsAddonLookup;
}

/**
 * Picks the cluster a group is about. Returns a reason string when the group cannot be enriched (no cluster
 * named, or a cluster this deployment does not serve); throws only for unexpected failures.
 */
export type ClusterConnector = (group: AlertGroup) => ClusterConnection | string;

/** The connector's answer when this deployment serves no cluster at all. */
export const ENRICHMENT_OFF = "enrichment is off: EKS_CLUSTER_NAME is not set (nor CLUSTERS)";
