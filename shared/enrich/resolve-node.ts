import { HostShape, ipFromEc2Hostname, type NodeIdentity } from "./node-identity.ts";
import type { NodeRecord } from "./node-record.ts";

/** How an alert was tied to its node; kept in logs and in the bench so a wrong match can be traced. */
export const ResolutionStrategy = {
  nodeLabel: "node-label",
  nodeAddress: "node-address",
  podIp: "pod-ip",
  nodeName: "node-name",
  instanceId: "instance-id",
} as const;
export type ResolutionStrategy = (typeof ResolutionStrategy)[keyof typeof ResolutionStrategy];

export type Resolution = { node: string; strategy: ResolutionStrategy } | { node: null; reason: string };

/** Everything fetched that can tie a host to a node. */
export interface NodeIndex {
  byName: Map<string, NodeRecord>;
  byAddress: Map<string, string>;
  byInstanceId: Map<string, string>;
  /** Pod IP -> node name, from `status.podIP` lookups or pod Table rows. */
  podIps: Map<string, string>;
}

export function buildNodeIndex(
  nodes: Iterable<NodeRecord>,
  podIps: Map<string, string> = new Map(),
): NodeIndex {
  const index: NodeIndex = { byName: new Map(), byAddress: new Map(), byInstanceId: new Map(), podIps };
  for (const node of nodes) {
    index.byName.set(node.name.toLowerCase(), node);
    for (const address of node.addresses) index.byAddress.set(address, node.name);
    if (node.instanceId) index.byInstanceId.set(node.instanceId, node.name);
  }
  return index;
}

/**
 * Ties one alert to one node, trying the strategies in the order DESIGN.md gives: a node label, the instance
 * host as a node address (hostNetwork exporters), as a pod IP, then as something shaped like a node name or
 * an EC2 instance id. Pure: the index holds whatever the fetch plan brought back.
 */
export function resolveNode(identity: NodeIdentity, index: NodeIndex): Resolution {
  switch (identity.kind) {
    case "none":
      return {
        node: null,
        reason: "alert has no node label (node, nodename, kubernetes_node, ...) and no instance label",
      };
    case "node-name": {
      const key = identity.name.toLowerCase();
      const node = index.byName.get(key)?.name ?? index.byAddress.get(key) ?? shortNameMatch(key, index);
      if (node) return { node, strategy: ResolutionStrategy.nodeLabel };
      return {
        node: null,
        reason: `label ${identity.label}="${identity.name}" names no node in the cluster (terminated or replaced?)`,
      };
    }
    case "host":
      return resolveHost(identity.host, identity.shape, index);
  }
}

function resolveHost(host: string, shape: HostShape, index: NodeIndex): Resolution {
  const byAddress = index.byAddress.get(host);
  if (byAddress) return { node: byAddress, strategy: ResolutionStrategy.nodeAddress };
  if (shape === HostShape.ipv4 || shape === HostShape.ipv6) {
    const byPod = index.podIps.get(host);
    if (byPod) return { node: byPod, strategy: ResolutionStrategy.podIp };
    return {
      node: null,
      reason: `instance host ${host} matched no node InternalIP/Hostname/InternalDNS and no pod IP`,
    };
  }
  if (shape === HostShape.instanceId) {
    const node = index.byInstanceId.get(host);
    if (node) return { node, strategy: ResolutionStrategy.instanceId };
    return {
      node: null,
      reason: `instance ${host} looks like an EC2 instance id but no node's providerID or name carries it`,
    };
  }
  const named = index.byName.get(host)?.name ?? shortNameMatch(host, index);
  if (named) return { node: named, strategy: ResolutionStrategy.nodeName };
  return {
    node: null,
    reason: `instance host ${host} matched no node name, Hostname or InternalDNS address`,
  };
}

/** A short hostname (`ip-10-0-1-23`, `worker-b`): the node whose name extends it, or whose IP it encodes. */
function shortNameMatch(name: string, index: NodeIndex): string | undefined {
  if (name.includes(".")) return undefined;
  const extended = [...index.byName.values()].find((node) => node.name.startsWith(`${name}.`));
  if (extended) return extended.name;
  const encodedIp = ipFromEc2Hostname(name);
  return encodedIp ? index.byAddress.get(encodedIp) : undefined;
}
