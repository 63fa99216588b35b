import { EnrichLimits } from "./constants.ts";
import { HostShape, hostShape, ipFromEc2Hostname, type NodeIdentity } from "./node-identity.ts";

/**
 * How one alert group reads the cluster, chosen from the alerts alone so the request count depends on the
 * group's shape, never on its length:
 * - `targeted`: few distinct hosts. Nodes are selected by name and IPs looked up with `status.podIP`
 *   field selectors (a hostNetwork exporter's IP is also the IP of the node's hostNetwork pods).
 * - `table`: many. One node Table list (Internal-IP column, no objects) resolves every host, then only the
 *   matched nodes are read with their metadata.
 */
export interface FetchPlan {
  kind: "targeted" | "table";
  /** Node names from labels, and hosts shaped like node names. */
  names: string[];
  /** IPs to look up as pod IPs (targeted plan), including those encoded in short EC2 hostnames. */
  ips: string[];
  /** Hosts shaped like EC2 instance ids. */
  instanceIds: string[];
}

export function chooseFetchPlan(identities: readonly NodeIdentity[]): FetchPlan {
  const names = new Set<string>();
  const ips = new Set<string>();
  const instanceIds = new Set<string>();
  for (const identity of identities) {
    if (identity.kind === "node-name") {
      names.add(identity.name);
      // node_exporter's `nodename` may be the short EC2 hostname, and a `hostname` label may hold an IP:
      // either way an IP finds the node.
      const encoded = identity.name.includes(".") ? null : ipFromEc2Hostname(identity.name);
      if (encoded) ips.add(encoded);
      if (hostShape(identity.name) === HostShape.ipv4) ips.add(identity.name);
    }
    if (identity.kind !== "host") continue;
    if (identity.shape === HostShape.ipv4 || identity.shape === HostShape.ipv6) ips.add(identity.host);
    else if (identity.shape === HostShape.instanceId) instanceIds.add(identity.host);
    else {
      names.add(identity.host);
      const encoded = ipFromEc2Hostname(identity.host);
      if (encoded && !identity.host.includes(".")) ips.add(encoded);
    }
  }
  const targeted =
    ips.size <= EnrichLimits.targetedHostLookups && names.size + ips.size <= EnrichLimits.fullObjectNodes;
  return {
    kind: targeted ? "targeted" : "table",
    names: [...names],
    ips: [...ips],
    instanceIds: [...instanceIds],
  };
}
