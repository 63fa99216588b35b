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
  /**
   * What runs the node (label `eks.amazonaws.com/compute-type`): `auto` an EKS Auto Mode node (cluster DNS
   * runs and caches on it), `fargate` a Fargate node (one pod, its own ENI), `ec2` any node you manage.
   */
  computeType: ComputeType;
}

export const ComputeType = { ec2: "ec2", auto: "auto", fargate: "fargate", hybrid: "hybrid" } as const;
export type ComputeType = (typeof ComputeType)[keyof typeof ComputeType];

/**
 * Who owns CoreDNS's replica count: one vocabulary for enrichment, diagnosis, the scaler and every message, so
 * a group never reads "owned by unknown" in one line and "owner deployment" in the next. `deployment`: nobody
 * but the Deployment's own spec.replicas.
 */
export const ReplicaOwner = {
  deployment: "deployment",
  eksAddon: "eks-addon",
  clusterProportionalAutoscaler: "cluster-proportional-autoscaler",
  /** EKS Auto Mode runs cluster DNS on its nodes as a managed component: no Deployment's count to change. */
  eksAutoMode: "eks-auto-mode",
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

/** How the cluster's DNS is laid out beyond the classic CoreDNS Deployment on EC2 nodes (docs/dns-layouts.md). */
export interface DnsLayout {
  /** EKS Auto Mode, from DescribeCluster's `computeConfig.enabled` or a node labelled `compute-type: auto`. */
  autoMode: { enabled: boolean; source: "compute-config" | "node-labels" | null };
  /** CoreDNS pods on Fargate nodes: each its own node and ENI, never co-located. */
  corednsOnFargate: number;
  /** Fargate nodes in the cluster; they are never scheduling candidates for a replica. */
  fargateNodes: number;
  /** The `kube-dns` Service's selector when it was read (`k8s-app=kube-dns`), `absent` when there is none. */
  dnsService: string | null;
}

export interface CoreDnsPlacement {
  /** The CoreDNS Deployment in kube-system, whatever its name; null when the cluster has none. */
  deployment: string | null;
  /** Its `spec.selector.matchLabels`: what a spread constraint must select (`k8s-app: kube-dns` on EKS). */
  podSelector: Record<string, string> | null;
  /** The ConfigMap of the cluster-proportional-autoscaler that targets it, whatever its name. */
  autoscalerConfigMap: string | null;
  layout: DnsLayout;
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
