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
