import type { ConfigMap, DaemonSet, Deployment, Node, Pod, Service } from "../shared/cluster/kube-objects.ts";

/** The EKS `DescribeAddon` answer for the coredns add-on, as the generator describes it (for SDK mocks). */
export interface SimCoreDnsAddon {
  addonName: "coredns";
  clusterName: string;
  addonVersion: string;
  status: "ACTIVE";
  /** JSON configuration values, e.g. {"autoScaling":{"enabled":true,"minReplicas":2,"maxReplicas":10}}. */
  configurationValues?: string;
}

/**
 * Everything the simulated API server serves. Objects are stored as a real server returns them inside a list
 * (no per-item kind/apiVersion); the server adds those on single-object GETs.
 */
export interface SimCluster {
  name: string;
  region: string;
  nodes: Node[];
  pods: Pod[];
  deployments: Deployment[];
  daemonSets: DaemonSet[];
  configMaps: ConfigMap[];
  services: Service[];
  /** DescribeCluster's `computeConfig.enabled`: EKS Auto Mode manages compute (and cluster DNS). */
  autoModeEnabled: boolean;
  /** Null when CoreDNS is self-managed (not an EKS add-on). */
  corednsAddon: SimCoreDnsAddon | null;
}
