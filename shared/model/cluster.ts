/** What enrichment learns about the cluster; filled by shared/enrich, read by diagnosis and sinks. */

export type CapacityType = "on-demand" | "spot" | "unknown";

export interface NodeFacts {
  name: string;
  /** EC2 instance id parsed from spec.providerID (aws:///us-east-1a/i-0abc...). */
  instanceId: string | null;
  instanceType: string | null;
  zone: string | null;
  capacityType: CapacityType;
  /** EKS managed nodegroup, Karpenter nodepool, or eksctl nodegroup, whichever labels the node. */
  nodegroup: string | null;
  ready: boolean;
  /** RFC 3339 creation time. */
  createdAt: string | null;
  hostsCoreDNS: boolean;
  runsNodeLocalDNS: boolean;
}

/**
 * Who owns CoreDNS's replica count: one vocabulary for enrichment, diagnosis, the scaler and every message, so
 * a group never reads "owned by unknown" in one line and "owner deployment" in the next. `deployment`: nobody
 * but the Deployment's own spec.replicas.
 */
export const ReplicaOwner = {
  deployment: "deployment",
  eksAddon: "eks-addon",
  clusterProportionalAutoscaler: "cluster-proportional-autoscaler",
  unknown: "unknown",
} as const;
export type ReplicaOwner = (typeof ReplicaOwner)[keyof typeof ReplicaOwner];

/** The owner as enrichment reports it (`coredns.replicaController.kind`). */
export const ReplicaControllerKind = ReplicaOwner;
export type ReplicaControllerKind = ReplicaOwner;

export interface ReplicaController {
  kind: ReplicaControllerKind;
  /** Human detail: "EKS add-on coredns v1.11.3-eksbuild.2 with autoScaling (min 2, max 10)". */
  detail: string;
}

export interface CoreDnsPod {
  name: string;
  node: string | null;
  ready: boolean;
  capacityType: CapacityType;
}

export interface CoreDnsPlacement {
  desiredReplicas: number;
  readyReplicas: number;
  pods: CoreDnsPod[];
  /** Distinct nodes that host a CoreDNS pod. */
  nodes: string[];
  /** Nodes hosting more than one CoreDNS pod. */
  colocatedNodes: string[];
  /** Nodes hosting CoreDNS that are spot capacity. */
  spotNodes: string[];
  nodeLocalDns: { present: boolean; desired: number; ready: number };
  replicaController: ReplicaController;
  clusterNodeCount: number;
  schedulableNodeCount: number;
}

/** A pod whose DNS leaves through its node's own ENI to the VPC resolver (see shared/enrich/talkers.ts). */
export interface DnsTalker {
  namespace: string;
  name: string;
  /** `DaemonSet/aws-node`, `ReplicaSet/x-5d8`, or null for a bare pod. */
  owner: string | null;
  hostNetwork: boolean;
  dnsPolicy: string;
}

/** The talkers found on one throttled node without CoreDNS, the likely ones apart from the usually quiet. */
export interface NodeTalkers {
  node: string;
  talkers: DnsTalker[];
  /** System DaemonSets that resolve this way by design and rarely (aws-node, kube-proxy, ...). */
  quiet: DnsTalker[];
}
