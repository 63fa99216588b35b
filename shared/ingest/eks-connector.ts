import type { ClusterConnector } from "../fleet/cluster-connection.ts";
import { type EksConnectionsOptions, eksConnections } from "../fleet/eks-connections.ts";

// The EKS connections moved to shared/fleet/, below ingest and scale, which both reach clusters through them.
export { type EksConnection, type EksConnectionsOptions, eksConnections } from "../fleet/eks-connections.ts";

/** Enrichment's connector: each group's cluster through its reader role. */
export function eksConnector(options: EksConnectionsOptions): ClusterConnector {
  return eksConnections(options);
}
