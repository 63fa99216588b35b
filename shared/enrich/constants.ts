/**
 * Names, paths and limits enrichment relies on. Label keys are the ones EKS, Karpenter, eksctl and the
 * upstream DNS add-ons put on objects; limits keep one alert group within a fixed request and byte budget.
 */

/** Alert labels that name a node directly, in the order they are trusted. */
export const NODE_NAME_LABELS = [
  "node",
  "nodename",
  "kubernetes_node",
  "k8s_node_name",
  "node_name",
  "hostname",
] as const;

export const NodeLabel = {
  hostname: "kubernetes.io/hostname",
  instanceType: "node.kubernetes.io/instance-type",
  instanceTypeBeta: "beta.kubernetes.io/instance-type",
  zone: "topology.kubernetes.io/zone",
  zoneBeta: "failure-domain.beta.kubernetes.io/zone",
  eksCapacityType: "eks.amazonaws.com/capacityType",
  karpenterCapacityType: "karpenter.sh/capacity-type",
  eksNodegroup: "eks.amazonaws.com/nodegroup",
  karpenterNodepool: "karpenter.sh/nodepool",
  eksctlNodegroup: "alpha.eksctl.io/nodegroup-name",
  /** `auto` (EKS Auto Mode), `fargate`, `hybrid`; absent on nodes you manage. */
  computeType: "eks.amazonaws.com/compute-type",
} as const;

/** EKS names every Fargate node `fargate-<private DNS name>`: how a node Table row (no labels) is told apart. */
export const FARGATE_NODE_PREFIX = "fargate-";

/** The EBS CSI driver records the instance id here; it is the only place metadata carries it. */
export const CSI_NODE_ID_ANNOTATION = "csi.volume.kubernetes.io/nodeid";

export const DNS_NAMESPACE = "kube-system";

export const DnsWorkload = {
  corednsDeployment: "coredns",
  /** Label value of CoreDNS pods and of the coredns Deployment itself. */
  corednsAppLabel: "kube-dns",
  /** The CoreDNS Helm chart's default `k8s-app` value. */
  helmAppLabel: "coredns",
  /** The Helm chart's (and the recommended labels') name label, `coredns` on CoreDNS pods. */
  nameLabelKey: "app.kubernetes.io/name",
  /** The Service every pod's resolv.conf points at, whatever serves it. */
  dnsService: "kube-dns",
  autoscalerAppLabel: "dns-autoscaler",
  nodeLocalDaemonSet: "node-local-dns",
  nodeLocalAppLabel: "node-local-dns",
  appLabelKey: "k8s-app",
} as const;

export const KubePath = {
  nodes: "/api/v1/nodes",
  pods: "/api/v1/pods",
  /** kube-system pods: CoreDNS, NodeLocal DNSCache, and the hostNetwork pods that carry node IPs. */
  dnsPods: `/api/v1/namespaces/${DNS_NAMESPACE}/pods`,
  dnsDeployments: `/apis/apps/v1/namespaces/${DNS_NAMESPACE}/deployments`,
  dnsDaemonSets: `/apis/apps/v1/namespaces/${DNS_NAMESPACE}/daemonsets`,
  dnsConfigMaps: `/api/v1/namespaces/${DNS_NAMESPACE}/configmaps`,
  dnsServices: `/api/v1/namespaces/${DNS_NAMESPACE}/services`,
} as const;

export const EnrichLimits = {
  /** Up to this many distinct IP hosts are looked up one `status.podIP` query each; more switch to a node Table scan. */
  targetedHostLookups: 3,
  /** Up to this many nodes are fetched as full objects (the only form carrying spec.providerID). */
  fullObjectNodes: 5,
  /**
   * Characters of node names per `kubernetes.io/hostname in (...)` selector. Keeps the request line under
   * the 16 KB header limit of Node's HTTP server and of common proxies, with room for an EKS token.
   */
  selectorChars: 10_000,
  /** Page size for Table lists: one page covers a 5,000-node cluster, `continue` is followed beyond. */
  tablePageSize: 5_000,
  /** Full node objects scanned at most to match an EC2 instance id against spec.providerID. */
  providerIdScanNodes: 100,
  /** Cluster-wide DNS facts stay valid this long across warm invocations. */
  clusterFactsTtlMs: 60_000,
} as const;

/** The EKS documentation on what Auto Mode does with cluster DNS, cited in findings and refusals. */
export const AUTO_MODE_DOCS = {
  /** "cluster DNS" is among the capabilities Auto Mode runs as core components, as opposed to add-ons. */
  overview: "https://docs.aws.amazon.com/eks/latest/userguide/automode.html",
  /** Auto Mode supports "Caching DNS queries on the node", and HostNetwork pods. */
  networking: "https://docs.aws.amazon.com/eks/latest/userguide/auto-networking.html",
} as const;
