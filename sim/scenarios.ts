import type { ClusterScenario } from "./cluster-generator.ts";

/**
 * Named clusters shared by tests, the benchmark and the local demo. Each is one situation the diagnosis must
 * recognise; change them only together with the tests that rely on them.
 */
export const ScenarioPresets = {
  /** Well run: 4 replicas on distinct on-demand nodes, NodeLocal DNSCache, EKS add-on autoscaling. */
  healthy: {
    clusterName: "sim-healthy",
    nodeCount: 30,
    corednsReplicas: 4,
    nodeLocalDns: true,
    replicaOwner: "eks-addon",
  },
  /** The classic incident: 2 replicas stacked on one spot node, no NodeLocal DNSCache, nobody scales them. */
  colocatedOnSpot: {
    clusterName: "sim-prod",
    nodeCount: 12,
    corednsReplicas: 2,
    colocatedReplicas: 2,
    spotReplicas: 2,
    nodeLocalDns: false,
    replicaOwner: "none",
  },
  /** 500 nodes served by the default 2 replicas. */
  underscaledLarge: {
    clusterName: "sim-large",
    nodeCount: 500,
    corednsReplicas: 2,
    nodeLocalDns: false,
    replicaOwner: "none",
  },
  /** cluster-proportional-autoscaler (`dns-autoscaler`) owns the replica count. */
  proportionalAutoscaler: {
    clusterName: "sim-cpa",
    nodeCount: 60,
    corednsReplicas: 4,
    nodeLocalDns: false,
    replicaOwner: "cluster-proportional-autoscaler",
  },
  /** EKS add-on with a fixed `replicaCount`, NodeLocal DNSCache present, two nodes NotReady. */
  addonReplicaCount: {
    clusterName: "sim-addon",
    nodeCount: 40,
    corednsReplicas: 3,
    nodeLocalDns: true,
    replicaOwner: "eks-addon",
    addonMode: "replica-count",
    notReadyNodes: 2,
  },
  /** Smallest supported cluster. */
  tiny: {
    clusterName: "sim-tiny",
    nodeCount: 3,
    corednsReplicas: 2,
    nodeLocalDns: false,
    replicaOwner: "none",
  },
  /** EKS Auto Mode: cluster DNS runs on every node, managed by AWS; no CoreDNS Deployment, no add-on. */
  autoMode: {
    clusterName: "sim-auto",
    nodeCount: 12,
    compute: "auto-mode",
    nodeLocalDns: false,
    replicaOwner: "none",
  },
  /** Auto Mode enabled on a cluster that keeps a managed node group and Karpenter nodes with the CoreDNS add-on. */
  mixedAutoMode: {
    clusterName: "sim-mixed",
    nodeCount: 12,
    compute: "mixed-auto-mode",
    corednsReplicas: 2,
    nodeLocalDns: false,
    replicaOwner: "eks-addon",
  },
  /** Fargate only: each CoreDNS replica and each application pod its own Fargate node. */
  fargateOnly: {
    clusterName: "sim-fargate",
    nodeCount: 40,
    compute: "fargate-only",
    corednsReplicas: 2,
    nodeLocalDns: false,
    replicaOwner: "none",
  },
  /** EC2 nodes for the applications, CoreDNS on a kube-system Fargate profile. */
  fargateKubeSystem: {
    clusterName: "sim-fargate-ks",
    nodeCount: 20,
    compute: "fargate-kube-system",
    corednsReplicas: 2,
    nodeLocalDns: false,
    replicaOwner: "none",
  },
  /** CoreDNS from the Helm chart (release `dns`: Deployment `dns-coredns`, pods `k8s-app=coredns`) behind kube-dns. */
  helmCoreDns: {
    clusterName: "sim-helm",
    nodeCount: 12,
    corednsReplicas: 2,
    colocatedReplicas: 2,
    corednsInstall: "helm",
    nodeLocalDns: false,
    replicaOwner: "none",
  },
  /** No CoreDNS at all: another DNS provider (an `unbound` DaemonSet) answers behind the kube-dns Service. */
  noCoreDns: {
    clusterName: "sim-other-dns",
    nodeCount: 8,
    corednsInstall: "absent",
    nodeLocalDns: false,
    replicaOwner: "none",
  },
  /** cluster-proportional-autoscaler under another name (`coredns-autoscaler`), found by its --target. */
  renamedAutoscaler: {
    clusterName: "sim-cpa-renamed",
    nodeCount: 60,
    corednsReplicas: 2,
    nodeLocalDns: false,
    replicaOwner: "cluster-proportional-autoscaler",
    autoscalerName: "coredns-autoscaler",
  },
  /** Benchmark scale: 5,000 nodes (~35 MB of node JSON). */
  huge: {
    clusterName: "sim-huge",
    nodeCount: 5000,
    corednsReplicas: 2,
    spotReplicas: 1,
    nodeLocalDns: false,
    replicaOwner: "none",
    appPodsPerNode: 1,
  },
} as const satisfies Record<string, ClusterScenario>;

export type ScenarioName = keyof typeof ScenarioPresets;

/**
 * The cluster samples/*.json point at (scripts/make-samples.ts writes them from it), so the demo, the
 * screenshot and the tests that replay a sample find its nodes when they simulate this scenario.
 */
export const SAMPLE_SCENARIO = ScenarioPresets.colocatedOnSpot;

/**
 * A second cluster of the demo's fleet, in another region: with `group_by: [alertname]` a central AMP
 * workspace puts both clusters' drops in one notification (samples/fleet-two-clusters.json).
 */
export const FLEET_SCENARIO = {
  clusterName: "sim-edge",
  region: "eu-west-1",
  nodeCount: 8,
  corednsReplicas: 3,
  nodeLocalDns: true,
  replicaOwner: "none",
  seed: 17,
} as const;
