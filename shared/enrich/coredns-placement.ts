import type { CapacityType, CoreDnsPlacement, DnsLayout, ReplicaController } from "../model/index.ts";
import type { DnsWorkloads } from "./dns-workloads.ts";

/**
 * Assembles CoreDNS placement from what was fetched. Pure. Pods without a node (Pending) count towards
 * replicas but not towards placement.
 */
export function corednsPlacement(input: {
  workloads: DnsWorkloads;
  capacityOf: (node: string) => CapacityType;
  replicaController: ReplicaController;
  layout: DnsLayout;
  clusterNodeCount: number;
  schedulableNodeCount: number;
}): CoreDnsPlacement {
  const { workloads, capacityOf } = input;
  const pods = workloads.corednsPods.map((pod) => ({
    name: pod.name,
    node: pod.node,
    ready: pod.ready,
    capacityType: pod.node ? capacityOf(pod.node) : ("unknown" as const),
  }));
  const perNode = new Map<string, number>();
  for (const pod of pods) if (pod.node) perNode.set(pod.node, (perNode.get(pod.node) ?? 0) + 1);
  const nodes = [...perNode.keys()].sort();
  return {
    deployment: workloads.corednsDeployment,
    podSelector: workloads.corednsSelector,
    autoscalerConfigMap: workloads.autoscaler?.configMap ?? null,
    layout: input.layout,
    desiredReplicas: workloads.corednsReplicas?.desired ?? pods.length,
    readyReplicas: workloads.corednsReplicas?.ready ?? pods.filter((pod) => pod.ready).length,
    pods,
    nodes,
    colocatedNodes: nodes.filter((node) => (perNode.get(node) ?? 0) > 1),
    spotNodes: nodes.filter((node) => capacityOf(node) === "spot"),
    nodeLocalDns: { ...workloads.nodeLocal },
    replicaController: input.replicaController,
    clusterNodeCount: input.clusterNodeCount,
    schedulableNodeCount: input.schedulableNodeCount,
  };
}

/**
 * A DaemonSet places at most one pod per node, so when every node is desired and every desired pod is
 * ready, each node runs NodeLocal DNSCache and no per-node lookup is needed.
 */
export function nodeLocalCoversEveryNode(
  nodeLocal: DnsWorkloads["nodeLocal"],
  clusterNodeCount: number,
): boolean {
  return (
    nodeLocal.present &&
    clusterNodeCount > 0 &&
    nodeLocal.desired >= clusterNodeCount &&
    nodeLocal.ready >= nodeLocal.desired
  );
}
