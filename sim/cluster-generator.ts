import type {
  Condition,
  ConfigMap,
  ContainerImage,
  DaemonSet,
  Deployment,
  Node,
  Pod,
  Service,
} from "../shared/cluster/kube-objects.ts";
import { SCALE_LEASE } from "../shared/scale/scale-lease.ts";
import { SeededRandom } from "./random.ts";
import type { SimCluster, SimCoreDnsAddon } from "./sim-cluster.ts";

/**
 * Deterministic EKS-shaped clusters from 3 to 5,000 nodes: nodes as large as real ones (labels, addresses,
 * conditions, image lists), kube-system add-ons, CoreDNS placed as the scenario says, and application and
 * hostNetwork exporter pods so alerts can be matched by node IP or pod IP.
 */

export const ReplicaOwner = {
  none: "none",
  eksAddon: "eks-addon",
  clusterProportionalAutoscaler: "cluster-proportional-autoscaler",
} as const;
export type ReplicaOwner = (typeof ReplicaOwner)[keyof typeof ReplicaOwner];

/** Where the nodes come from (docs/dns-layouts.md describes each). */
export const ComputeLayout = {
  /** A managed node group and Karpenter EC2 capacity: the classic layout. */
  ec2: "ec2",
  /** Every node an EKS Auto Mode node; cluster DNS runs on each node, no CoreDNS Deployment. */
  autoMode: "auto-mode",
  /** Auto Mode enabled, half the nodes Auto Mode, the rest a managed node group and Karpenter with CoreDNS. */
  mixedAutoMode: "mixed-auto-mode",
  /** Fargate only: every pod, CoreDNS included, on its own Fargate node; no DaemonSets. */
  fargateOnly: "fargate-only",
  /** EC2 nodes for the applications, a kube-system Fargate profile for CoreDNS. */
  fargateKubeSystem: "fargate-kube-system",
} as const;
export type ComputeLayout = (typeof ComputeLayout)[keyof typeof ComputeLayout];

/** How CoreDNS is installed: EKS's default Deployment, a Helm release (`dns`), or not at all. */
export const CoreDnsInstall = { eks: "eks", helm: "helm", absent: "absent" } as const;
export type CoreDnsInstall = (typeof CoreDnsInstall)[keyof typeof CoreDnsInstall];

export interface ClusterScenario {
  clusterName?: string;
  region?: string;
  seed?: number;
  /** 3 to 5,000. */
  nodeCount: number;
  corednsReplicas?: number;
  /** How many CoreDNS replicas share one node (0 or 1: all on distinct nodes). */
  colocatedReplicas?: number;
  /** How many CoreDNS replicas run on spot nodes. */
  spotReplicas?: number;
  nodeLocalDns?: boolean;
  replicaOwner?: ReplicaOwner;
  /** For an EKS add-on owner: `autoScaling` (default) or a fixed `replicaCount` in its configuration values. */
  addonMode?: "auto-scaling" | "replica-count";
  /** CoreDNS pod anti-affinity on the hostname: `preferred` as the EKS add-on ships it (default), or `required`. */
  corednsAntiAffinity?: "preferred" | "required";
  /** Nodes whose kubelet stopped reporting (never ones hosting CoreDNS). */
  notReadyNodes?: number;
  /** Share of nodes that are spot capacity (default 0.3). */
  spotFraction?: number;
  /** Application pods with VPC IPs per node (default 2). */
  appPodsPerNode?: number;
  /**
   * Whether the scaler's Lease (created by `kubectl apply -f infra/rbac.yaml`) exists. Default true; false is
   * a cluster where the manifest was never applied.
   */
  scaleLease?: boolean;
  /** Where the nodes come from (default `ec2`). */
  compute?: ComputeLayout;
  /** How CoreDNS is installed (default `eks`; Auto Mode layouts have none of their own). */
  corednsInstall?: CoreDnsInstall;
  /** The cluster-proportional-autoscaler's Deployment and ConfigMap name (default `dns-autoscaler`). */
  autoscalerName?: string;
  /** Reference time for creation timestamps (default 2026-11-23T09:00:00Z), so output never depends on the clock. */
  now?: string;
}

export interface GeneratedCluster extends SimCluster {
  /** What the scenario put where, for tests to assert against. */
  facts: {
    corednsNodes: string[];
    colocatedNodes: string[];
    spotCorednsNodes: string[];
    notReadyNodes: string[];
    /** The hostNetwork exporter listens on the node's InternalIP:9417 (what AMP `instance` labels carry). */
    exporterPort: number;
    /** The CoreDNS Deployment's name, null when the scenario has none. */
    corednsDeployment: string | null;
    autoModeNodes: string[];
    fargateNodes: string[];
  };
}

const kubeletVersion = "v1.31.4-eks-aeac579";
const corednsImage = (region: string) =>
  `602401143452.dkr.ecr.${region}.amazonaws.com/eks/coredns:v1.11.3-eksbuild.2`;
const podSuffixAlphabet = "bcdfghjklmnpqrstvwxz2456789";
const exporterPort = 9417;
const podIpsPerNode = 32;

const instanceTypes = [
  { type: "m5.large", cpu: "2", memory: "7910348Ki", pods: "29", arch: "amd64" },
  { type: "m5.xlarge", cpu: "4", memory: "15896988Ki", pods: "58", arch: "amd64" },
  { type: "c5.2xlarge", cpu: "8", memory: "15896988Ki", pods: "58", arch: "amd64" },
  { type: "m6i.2xlarge", cpu: "8", memory: "32329160Ki", pods: "58", arch: "amd64" },
  { type: "r6i.xlarge", cpu: "4", memory: "32329160Ki", pods: "58", arch: "amd64" },
  { type: "m7g.xlarge", cpu: "4", memory: "15896988Ki", pods: "58", arch: "arm64" },
] as const;

const commonImages = [
  "602401143452.dkr.ecr.REGION.amazonaws.com/amazon-k8s-cni",
  "602401143452.dkr.ecr.REGION.amazonaws.com/amazon-k8s-cni-init",
  "602401143452.dkr.ecr.REGION.amazonaws.com/amazon/aws-network-policy-agent",
  "602401143452.dkr.ecr.REGION.amazonaws.com/eks/kube-proxy",
  "602401143452.dkr.ecr.REGION.amazonaws.com/eks/pause",
  "602401143452.dkr.ecr.REGION.amazonaws.com/eks/aws-ebs-csi-driver",
  "602401143452.dkr.ecr.REGION.amazonaws.com/eks/csi-node-driver-registrar",
  "602401143452.dkr.ecr.REGION.amazonaws.com/eks/livenessprobe",
  "quay.io/prometheus/node-exporter",
  "ghcr.io/example/ethtool-exporter",
  "public.ecr.aws/aws-observability/aws-for-fluent-bit",
  "registry.k8s.io/dns/k8s-dns-node-cache",
  "123456789012.dkr.ecr.REGION.amazonaws.com/shop/checkout",
  "123456789012.dkr.ecr.REGION.amazonaws.com/shop/catalog",
  "123456789012.dkr.ecr.REGION.amazonaws.com/payments/ledger",
  "public.ecr.aws/datadog/agent",
  "docker.io/library/nginx",
  "docker.io/istio/proxyv2",
];

interface NodePlan {
  node: Node;
  compute: "ec2" | "auto" | "fargate";
  zone: string;
  ip: string;
  spot: boolean;
  ready: boolean;
  created: number;
  podIpCounter: number;
  zoneIndex: number;
  /** Position of the node within its zone, which fixes its IPs. */
  inZone: number;
}

/** What every step of one generation shares: the seeded random source and the scenario with its defaults. */
interface Generation {
  scenario: ClusterScenario;
  random: SeededRandom;
  region: string;
  now: number;
  replicas: number;
  compute: ComputeLayout;
  install: CoreDnsInstall;
  images: string[];
}

/** The objects made so far. Steps append in a fixed order: every object draws from the one random source. */
interface Workloads {
  pods: Pod[];
  deployments: Deployment[];
  daemonSets: DaemonSet[];
  configMaps: ConfigMap[];
  services: Service[];
}

/** CoreDNS's Deployment name and pod labels: EKS's `coredns`, or a Helm release `dns` (the chart's labels). */
interface CoreDnsIdentity {
  name: string;
  labels: Record<string, string>;
}

export function generateCluster(scenario: ClusterScenario): GeneratedCluster {
  if (!Number.isInteger(scenario.nodeCount) || scenario.nodeCount < 3 || scenario.nodeCount > 5000) {
    throw new RangeError(`nodeCount must be an integer from 3 to 5000, got ${scenario.nodeCount}`);
  }
  const region = scenario.region ?? "us-east-1";
  const gen: Generation = {
    scenario,
    random: new SeededRandom(scenario.seed ?? 42),
    region,
    now: Date.parse(scenario.now ?? "2026-11-23T09:00:00Z"),
    replicas: scenario.corednsReplicas ?? 2,
    compute: scenario.compute ?? ComputeLayout.ec2,
    install: scenario.corednsInstall ?? CoreDnsInstall.eks,
    images: commonImages.map((image) => image.replace("REGION", region)),
  };
  const plans = planNodes(gen);
  const corednsPlacement = placeCoreDnsReplicas(gen, plans);
  const notReadyNames = markNotReadyNodes(gen, plans, corednsPlacement);

  const objects: Workloads = { pods: [], deployments: [], daemonSets: [], configMaps: [], services: [] };
  const coredns = coreDnsIdentity(gen);
  if (coredns) coreDnsWorkloads(gen, objects, coredns, corednsPlacement);
  daemonSetWorkloads(gen, objects, plans);
  const corednsAddon = replicaOwnerWorkloads(gen, objects, plans, coredns?.name ?? null);
  if (coredns) objects.configMaps.push(corednsConfigMap(gen, coredns.name));
  applicationPods(gen, objects, plans, corednsPlacement);
  // Another DNS provider answers behind kube-dns when there is no CoreDNS (made last: it draws no earlier random).
  const kubeDnsSelector = coredns
    ? coredns.labels
    : gen.install === CoreDnsInstall.absent
      ? { "app.kubernetes.io/name": "unbound" }
      : null;
  if (kubeDnsSelector) objects.services.push(kubeDnsService(gen, kubeDnsSelector));
  // NodeLocal DNSCache's manifest ships its Corefile as the ConfigMap node-local-dns (made last, like the Service).
  if (scenario.nodeLocalDns) objects.configMaps.push(nodeLocalDnsConfigMap(gen));

  return {
    name: scenario.clusterName ?? "sim-prod",
    region,
    nodes: plans.map((p) => p.node),
    pods: objects.pods,
    deployments: objects.deployments,
    daemonSets: objects.daemonSets,
    configMaps: objects.configMaps,
    leases: scaleLeases(gen),
    services: objects.services,
    autoModeEnabled: gen.compute === ComputeLayout.autoMode || gen.compute === ComputeLayout.mixedAutoMode,
    corednsAddon,
    facts: placementFacts(plans, corednsPlacement, notReadyNames, coredns?.name ?? null),
  };
}

/** Every node of the layout: EC2 (a managed node group, then Karpenter), Auto Mode or Fargate. */
function planNodes(gen: Generation): NodePlan[] {
  const { scenario, compute, replicas, region, random, now, images } = gen;
  const zones = [`${region}a`, `${region}b`, `${region}c`];
  const plans: NodePlan[] = [];
  const spotFraction = scenario.spotFraction ?? 0.3;
  // The first third are a managed on-demand "system" nodegroup, the rest Karpenter capacity; at least one spot.
  const spotCount = Math.max(
    scenario.spotReplicas ? 1 : 0,
    Math.min(scenario.nodeCount - 1, Math.round(scenario.nodeCount * spotFraction)),
  );
  const fargateOnly = compute === ComputeLayout.fargateOnly;
  // A kube-system Fargate profile adds one Fargate node per CoreDNS replica beside the EC2 nodes.
  const totalNodes = scenario.nodeCount + (compute === ComputeLayout.fargateKubeSystem ? replicas : 0);
  for (let i = 0; i < totalNodes; i += 1) {
    const zoneIndex = i % zones.length;
    const spot = !fargateOnly && i < scenario.nodeCount && i >= scenario.nodeCount - spotCount;
    const plan = planNode(random, {
      index: i,
      zoneIndex,
      zones,
      region,
      spot,
      now,
      images,
      total: scenario.nodeCount,
    });
    if (fargateOnly || i >= scenario.nodeCount)
      toFargateNode(plan, fargateOnly ? "fp-default" : "fp-kube-system");
    else if (compute === ComputeLayout.autoMode) toAutoModeNode(plan);
    else if (compute === ComputeLayout.mixedAutoMode && i >= Math.ceil(scenario.nodeCount / 2))
      toAutoModeNode(plan);
    plans.push(plan);
  }
  return plans;
}

/** The nodes CoreDNS's replicas run on (a node twice when replicas share it); none without CoreDNS. */
function placeCoreDnsReplicas(gen: Generation, plans: NodePlan[]): NodePlan[] {
  const { scenario, compute, replicas } = gen;
  const withCoreDns = compute !== ComputeLayout.autoMode && gen.install !== CoreDnsInstall.absent;
  const fargateCoreDns = compute === ComputeLayout.fargateOnly || compute === ComputeLayout.fargateKubeSystem;
  if (!withCoreDns) return [];
  if (fargateCoreDns) return plans.filter((p) => p.compute === "fargate").slice(0, replicas);
  return placeCoreDns(
    plans.filter((p) => p.compute === "ec2"),
    replicas,
    scenario.colocatedReplicas ?? 0,
    scenario.spotReplicas ?? 0,
  );
}

/** Marks the last nodes without CoreDNS not ready, as many as the scenario asks; returns their names. */
function markNotReadyNodes(gen: Generation, plans: NodePlan[], corednsPlacement: NodePlan[]): string[] {
  const corednsNodeNames = new Set(corednsPlacement.map((p) => p.node.metadata.name));
  const withoutCoreDns = plans.filter((p) => !corednsNodeNames.has(p.node.metadata.name));
  const notReadyCount = Math.min(gen.scenario.notReadyNodes ?? 0, withoutCoreDns.length);
  const notReadyNames = withoutCoreDns
    .slice(withoutCoreDns.length - notReadyCount)
    .map((p) => p.node.metadata.name);
  for (const plan of plans) {
    if (notReadyNames.includes(plan.node.metadata.name)) markNotReady(plan, gen.now);
  }
  return notReadyNames;
}

/** CoreDNS's Deployment name and labels, or null when the layout has no CoreDNS of its own. */
function coreDnsIdentity(gen: Generation): CoreDnsIdentity | null {
  if (gen.compute === ComputeLayout.autoMode || gen.install === CoreDnsInstall.absent) return null;
  return gen.install === CoreDnsInstall.helm
    ? {
        name: "dns-coredns",
        labels: {
          "k8s-app": "coredns",
          "app.kubernetes.io/name": "coredns",
          "app.kubernetes.io/instance": "dns",
        },
      }
    : { name: "coredns", labels: { "k8s-app": "kube-dns", "eks.amazonaws.com/component": "coredns" } };
}

/** CoreDNS's pods on their placed nodes and its Deployment. */
function coreDnsWorkloads(
  gen: Generation,
  objects: Workloads,
  coredns: CoreDnsIdentity,
  corednsPlacement: NodePlan[],
): void {
  const { random, region } = gen;
  const { name: corednsName, labels: corednsLabels } = coredns;
  const corednsHash = random.chars(podSuffixAlphabet, 10);
  const corednsPods = corednsPlacement.map((plan) =>
    makePod(gen, plan, {
      namespace: "kube-system",
      name: `${corednsName}-${corednsHash}-${random.chars(podSuffixAlphabet, 5)}`,
      labels: { ...corednsLabels, "pod-template-hash": corednsHash },
      owner: { kind: "ReplicaSet", name: `${corednsName}-${corednsHash}` },
      container: { name: "coredns", image: corednsImage(region), args: ["-conf", "/etc/coredns/Corefile"] },
      priorityClassName: "system-cluster-critical",
    }),
  );
  objects.pods.push(...corednsPods);
  const readyCoreDns = corednsPods.filter((p) =>
    p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
  );
  objects.deployments.push(
    makeDeployment(gen, {
      name: corednsName,
      labels: corednsLabels,
      selector: corednsLabels,
      replicas: gen.replicas,
      ready: readyCoreDns.length,
      container: { name: "coredns", image: corednsImage(region) },
      podSpec: corednsSchedulingSpec(gen.scenario.corednsAntiAffinity ?? "preferred"),
    }),
  );
}

interface DaemonSetSpec {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  image: string;
}

/** The DaemonSets the scenario runs: the VPC CNI, kube-proxy, the exporter, NodeLocal DNSCache, unbound. */
function daemonSetSpecs(gen: Generation): DaemonSetSpec[] {
  const { images } = gen;
  const specs: DaemonSetSpec[] = [
    { namespace: "kube-system", name: "aws-node", labels: { "k8s-app": "aws-node" }, image: images[0] ?? "" },
    {
      namespace: "kube-system",
      name: "kube-proxy",
      labels: { "k8s-app": "kube-proxy" },
      image: images[3] ?? "",
    },
    {
      namespace: "monitoring",
      name: "ethtool-exporter",
      labels: { "app.kubernetes.io/name": "ethtool-exporter" },
      image: images[9] ?? "",
    },
  ];
  if (gen.scenario.nodeLocalDns) {
    specs.push({
      namespace: "kube-system",
      name: "node-local-dns",
      labels: { "k8s-app": "node-local-dns" },
      image: "registry.k8s.io/dns/k8s-dns-node-cache:1.23.1",
    });
  }
  if (gen.install === CoreDnsInstall.absent) {
    specs.push({
      namespace: "kube-system",
      name: "unbound",
      labels: { "app.kubernetes.io/name": "unbound" },
      image: "docker.io/mvance/unbound:1.21.1",
    });
  }
  return specs;
}

/** Each DaemonSet and its hostNetwork pod on every node that runs DaemonSets. */
function daemonSetWorkloads(gen: Generation, objects: Workloads, plans: NodePlan[]): void {
  const { random } = gen;
  for (const spec of daemonSetSpecs(gen)) {
    if (gen.compute === ComputeLayout.autoMode && (spec.name === "aws-node" || spec.name === "kube-proxy"))
      continue;
    // Fargate runs no DaemonSets; Auto Mode runs the VPC CNI and kube-proxy as node services, not pods.
    const nodeService = spec.name === "aws-node" || spec.name === "kube-proxy";
    const hosts = plans.filter((p) => p.compute === "ec2" || (p.compute === "auto" && !nodeService));
    const dsPods = hosts.map((plan) =>
      makePod(gen, plan, {
        namespace: spec.namespace,
        name: `${spec.name}-${random.chars(podSuffixAlphabet, 5)}`,
        labels: { ...spec.labels, "controller-revision-hash": "6b8f9d7c5f" },
        owner: { kind: "DaemonSet", name: spec.name },
        container: {
          name: spec.name,
          image: `${spec.image}:v1`,
          ...(spec.name === "ethtool-exporter" ? { port: exporterPort } : {}),
        },
        hostNetwork: true,
        priorityClassName: spec.namespace === "kube-system" ? "system-node-critical" : undefined,
      }),
    );
    objects.pods.push(...dsPods);
    objects.daemonSets.push(makeDaemonSet(gen, spec, hosts.length, hosts.filter((p) => p.ready).length));
  }
}

/** Whoever owns CoreDNS's replica count: the EKS add-on (returned), the autoscaler (its objects), or nobody. */
function replicaOwnerWorkloads(
  gen: Generation,
  objects: Workloads,
  plans: NodePlan[],
  corednsName: string | null,
): SimCoreDnsAddon | null {
  const { scenario, replicas } = gen;
  const owner = scenario.replicaOwner ?? ReplicaOwner.none;
  if (owner === ReplicaOwner.eksAddon) {
    const values =
      scenario.addonMode === "replica-count"
        ? { replicaCount: replicas }
        : { autoScaling: { enabled: true, minReplicas: replicas, maxReplicas: Math.max(10, replicas) } };
    return {
      addonName: "coredns",
      clusterName: scenario.clusterName ?? "sim-prod",
      addonVersion: "v1.11.3-eksbuild.2",
      status: "ACTIVE",
      configurationValues: JSON.stringify(values),
    };
  }
  if (owner === ReplicaOwner.clusterProportionalAutoscaler)
    proportionalAutoscaler(gen, objects, plans[0] as NodePlan, corednsName);
  return null;
}

/** cluster-proportional-autoscaler's pod (on `plan`), Deployment and linear ConfigMap targeting CoreDNS. */
function proportionalAutoscaler(
  gen: Generation,
  objects: Workloads,
  plan: NodePlan,
  corednsName: string | null,
): void {
  const { random, now, replicas } = gen;
  const image = "registry.k8s.io/cpa/cluster-proportional-autoscaler:v1.8.9";
  const name = gen.scenario.autoscalerName ?? "dns-autoscaler";
  // Under another name it carries its own label, not the upstream `k8s-app=dns-autoscaler`.
  const labels: Record<string, string> =
    name === "dns-autoscaler" ? { "k8s-app": "dns-autoscaler" } : { "app.kubernetes.io/name": name };
  const args = [
    "--namespace=kube-system",
    `--configmap=${name}`,
    `--target=deployment/${corednsName ?? "coredns"}`,
    "--logtostderr=true",
    "--v=2",
  ];
  objects.pods.push(
    makePod(gen, plan, {
      namespace: "kube-system",
      name: `${name}-7d6c9f8b5d-${random.chars(podSuffixAlphabet, 5)}`,
      labels,
      owner: { kind: "ReplicaSet", name: `${name}-7d6c9f8b5d` },
      container: { name: "autoscaler", image, args },
    }),
  );
  objects.deployments.push(
    makeDeployment(gen, {
      name,
      labels,
      selector: labels,
      replicas: 1,
      ready: 1,
      container: { name: "autoscaler", image, args },
    }),
  );
  objects.configMaps.push({
    metadata: {
      name,
      namespace: "kube-system",
      uid: uid(random),
      creationTimestamp: iso(now - 90 * 86_400_000),
    },
    data: {
      linear: JSON.stringify({
        coresPerReplica: 256,
        nodesPerReplica: 16,
        min: replicas,
        preventSinglePointFailure: true,
      }),
    },
  });
}

/** CoreDNS's Corefile as EKS ships it. */
function corednsConfigMap(gen: Generation, corednsName: string): ConfigMap {
  return {
    metadata: {
      name: corednsName,
      namespace: "kube-system",
      uid: uid(gen.random),
      creationTimestamp: iso(gen.now - 200 * 86_400_000),
    },
    data: {
      Corefile:
        ".:53 {\n    errors\n    health {\n        lameduck 5s\n      }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n      pods insecure\n      fallthrough in-addr.arpa ip6.arpa\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n",
    },
  };
}

/** Application pods with VPC IPs, so an alert's pod IP maps to its node. */
function applicationPods(
  gen: Generation,
  objects: Workloads,
  plans: NodePlan[],
  corednsPlacement: NodePlan[],
): void {
  const { random, region } = gen;
  const appPodsPerNode = gen.scenario.appPodsPerNode ?? 2;
  const apps = ["checkout", "catalog", "ledger", "search", "cart"];
  const corednsHosts = new Set(corednsPlacement);
  for (const plan of plans) {
    // A Fargate node is one pod: CoreDNS's, or one application pod.
    const perNode = plan.compute !== "fargate" ? appPodsPerNode : corednsHosts.has(plan) ? 0 : 1;
    for (let k = 0; k < perNode; k += 1) {
      const app = random.pick(apps);
      const namespace = app === "ledger" ? "payments" : "shop";
      objects.pods.push(
        makePod(gen, plan, {
          namespace,
          name: `${app}-6f7d8c9b4-${random.chars(podSuffixAlphabet, 5)}`,
          labels: { app, "pod-template-hash": "6f7d8c9b4" },
          owner: { kind: "ReplicaSet", name: `${app}-6f7d8c9b4` },
          container: {
            name: app,
            image: `123456789012.dkr.ecr.${region}.amazonaws.com/${namespace}/${app}:1.42.0`,
          },
        }),
      );
    }
  }
}

/** NodeLocal DNSCache's Corefile, as its manifest ships it. */
function nodeLocalDnsConfigMap(gen: Generation): ConfigMap {
  return {
    metadata: {
      name: "node-local-dns",
      namespace: "kube-system",
      uid: uid(gen.random),
      creationTimestamp: iso(gen.now - 200 * 86_400_000),
    },
    data: {
      Corefile:
        "cluster.local:53 {\n    cache {\n        success 9984 30\n    }\n    forward . __PILLAR__CLUSTER__DNS__\n}\n",
    },
  };
}

/** The scaler's Lease (infra/rbac.yaml creates it), unless the scenario is a cluster without the manifest. */
function scaleLeases(gen: Generation): GeneratedCluster["leases"] {
  if (gen.scenario.scaleLease === false) return [];
  return [
    {
      metadata: {
        name: SCALE_LEASE.name,
        namespace: SCALE_LEASE.namespace,
        labels: { "app.kubernetes.io/name": "linklocal-sentinel" },
        creationTimestamp: iso(gen.now - 30 * 86_400_000),
      },
      spec: {},
    },
  ];
}

/** What the scenario put where, for tests to assert against. */
function placementFacts(
  plans: NodePlan[],
  corednsPlacement: NodePlan[],
  notReadyNames: string[],
  corednsName: string | null,
): GeneratedCluster["facts"] {
  const counts = new Map<string, number>();
  for (const plan of corednsPlacement)
    counts.set(plan.node.metadata.name, (counts.get(plan.node.metadata.name) ?? 0) + 1);
  return {
    corednsNodes: [...new Set(corednsPlacement.map((p) => p.node.metadata.name))],
    colocatedNodes: [...counts].filter(([, n]) => n > 1).map(([name]) => name),
    spotCorednsNodes: [...new Set(corednsPlacement.filter((p) => p.spot).map((p) => p.node.metadata.name))],
    notReadyNodes: notReadyNames,
    exporterPort,
    corednsDeployment: corednsName,
    autoModeNodes: plans.filter((p) => p.compute === "auto").map((p) => p.node.metadata.name),
    fargateNodes: plans.filter((p) => p.compute === "fargate").map((p) => p.node.metadata.name),
  };
}

/** The cluster DNS Service every pod's resolv.conf points at, selecting the DNS workload's pods. */
function kubeDnsService(
  ctx: { random: SeededRandom; now: number },
  selector: Record<string, string>,
): Service {
  return {
    metadata: {
      name: "kube-dns",
      namespace: "kube-system",
      uid: uid(ctx.random),
      labels: {
        "k8s-app": "kube-dns",
        "kubernetes.io/cluster-service": "true",
        "kubernetes.io/name": "CoreDNS",
      },
      creationTimestamp: iso(ctx.now - 200 * 86_400_000),
    },
    spec: { selector, clusterIP: "172.20.0.10", type: "ClusterIP" },
  };
}

const COMPUTE_TYPE = "eks.amazonaws.com/compute-type";

/**
 * An EKS Auto Mode node: named by its instance id, labelled `eks.amazonaws.com/compute-type: auto` and with
 * the built-in `general-purpose` node pool; no managed node group or self-managed Karpenter labels.
 */
function toAutoModeNode(plan: NodePlan): void {
  const node = plan.node;
  const instanceId = node.spec?.providerID?.split("/").pop() ?? node.metadata.name;
  const labels = Object.fromEntries(
    Object.entries(node.metadata.labels ?? {}).filter(
      ([key]) => !key.startsWith("eks.amazonaws.com/") && !key.startsWith("karpenter.k8s.aws/"),
    ),
  );
  Object.assign(labels, {
    [COMPUTE_TYPE]: "auto",
    "eks.amazonaws.com/nodeclass": "default",
    "karpenter.sh/nodepool": "general-purpose",
    "karpenter.sh/capacity-type": plan.spot ? "spot" : "on-demand",
    "kubernetes.io/hostname": instanceId,
  });
  node.metadata = { ...node.metadata, name: instanceId, labels };
  plan.compute = "auto";
  for (const address of node.status?.addresses ?? [])
    if (address.type === "Hostname") address.address = instanceId;
}

/** A Fargate node: `fargate-` before the EC2 name, the profile's label, and the taint only Fargate pods tolerate. */
function toFargateNode(plan: NodePlan, profile: string): void {
  const node = plan.node;
  const name = `fargate-${node.metadata.name}`;
  const keep = [
    "kubernetes.io/os",
    "kubernetes.io/arch",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
  ];
  const labels: Record<string, string> = Object.fromEntries(
    Object.entries(node.metadata.labels ?? {}).filter(([key]) => keep.includes(key)),
  );
  Object.assign(labels, {
    [COMPUTE_TYPE]: "fargate",
    "eks.amazonaws.com/fargate-profile": profile,
    "failure-domain.beta.kubernetes.io/zone": plan.zone,
    "kubernetes.io/hostname": name,
  });
  const { "csi.volume.kubernetes.io/nodeid": _csi, ...annotations } = node.metadata.annotations ?? {};
  node.metadata = { ...node.metadata, name, labels, annotations };
  node.spec = {
    providerID: `aws:///${plan.zone}/${node.metadata.uid}/${name}`,
    taints: [{ key: COMPUTE_TYPE, value: "fargate", effect: "NoSchedule" }],
  };
  plan.compute = "fargate";
  plan.spot = false;
  for (const address of node.status?.addresses ?? [])
    if (address.type !== "InternalIP") address.address = name;
}

function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function uid(random: SeededRandom): string {
  return `${random.hex(8)}-${random.hex(4)}-4${random.hex(3)}-a${random.hex(3)}-${random.hex(12)}`;
}

type InstanceShape = (typeof instanceTypes)[number];

function planNode(
  random: SeededRandom,
  input: {
    index: number;
    zoneIndex: number;
    zones: string[];
    region: string;
    spot: boolean;
    now: number;
    images: string[];
    total: number;
  },
): NodePlan {
  const { index, zoneIndex, region, spot, now } = input;
  const zone = input.zones[zoneIndex] as string;
  const inZone = Math.floor(index / input.zones.length);
  const ip = `10.${10 + zoneIndex}.${Math.floor(inZone / 250)}.${(inZone % 250) + 4}`;
  const dnsSuffix = region === "us-east-1" ? "ec2.internal" : `${region}.compute.internal`;
  const name = `ip-${ip.replaceAll(".", "-")}.${dnsSuffix}`;
  const system = !spot && index < Math.max(2, Math.ceil(input.total / 3));
  const shape = system ? (instanceTypes[1] as InstanceShape) : random.pick(instanceTypes);
  const instanceId = `i-0${random.hex(16)}`;
  const created = now - (system ? random.int(5, 120) * 86_400_000 : random.int(1, 96) * 3_600_000);
  const createdIso = iso(created);

  // Each call below draws from `random` in turn: their order is part of the generated cluster.
  const labels = kubeletLabels(random, { name, shape, region, zone, zoneIndex });
  const annotations: Record<string, string> = {
    "alpha.kubernetes.io/provided-node-ip": ip,
    "node.alpha.kubernetes.io/ttl": "0",
    "volumes.kubernetes.io/controller-managed-attach-detach": "true",
    "csi.volume.kubernetes.io/nodeid": JSON.stringify({ "ebs.csi.aws.com": instanceId }),
  };
  const capacity = system ? nodegroupMetadata(random) : karpenterMetadata(random, shape, spot);
  Object.assign(labels, capacity.labels);
  Object.assign(annotations, capacity.annotations);
  const heartbeat = iso(now - random.int(5, 50) * 1000);
  const images = imagesOnNode(random, input.images);

  const node: Node = {
    metadata: { name, uid: uid(random), creationTimestamp: createdIso, labels, annotations },
    spec: { providerID: `aws:///${zone}/${instanceId}` },
    status: nodeStatus(random, { shape, ip, name, heartbeat, createdIso, images }),
  };
  return { node, compute: "ec2", zone, ip, spot, ready: true, created, podIpCounter: 0, zoneIndex, inZone };
}

/** The labels the kubelet and the AWS cloud provider put on every EKS node. */
function kubeletLabels(
  random: SeededRandom,
  input: { name: string; shape: InstanceShape; region: string; zone: string; zoneIndex: number },
): Record<string, string> {
  const { name, shape, region, zone, zoneIndex } = input;
  return {
    "beta.kubernetes.io/arch": shape.arch,
    "beta.kubernetes.io/instance-type": shape.type,
    "beta.kubernetes.io/os": "linux",
    "failure-domain.beta.kubernetes.io/region": region,
    "failure-domain.beta.kubernetes.io/zone": zone,
    "k8s.io/cloud-provider-aws": random.hex(32),
    "kubernetes.io/arch": shape.arch,
    "kubernetes.io/hostname": name,
    "kubernetes.io/os": "linux",
    "node.kubernetes.io/instance-type": shape.type,
    "topology.k8s.aws/zone-id": `use1-az${zoneIndex + 1}`,
    "topology.kubernetes.io/region": region,
    "topology.kubernetes.io/zone": zone,
  };
}

interface NodeMetadata {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A node of the managed, on-demand "system" nodegroup. */
function nodegroupMetadata(random: SeededRandom): NodeMetadata {
  return {
    labels: {
      "eks.amazonaws.com/capacityType": "ON_DEMAND",
      "eks.amazonaws.com/nodegroup": "system-20250101",
      "eks.amazonaws.com/nodegroup-image": `ami-0${random.hex(16)}`,
      "eks.amazonaws.com/sourceLaunchTemplateId": `lt-0${random.hex(16)}`,
      "eks.amazonaws.com/sourceLaunchTemplateVersion": "3",
    },
    annotations: {},
  };
}

/** A node Karpenter launched, on spot or on-demand capacity. */
function karpenterMetadata(random: SeededRandom, shape: InstanceShape, spot: boolean): NodeMetadata {
  return {
    labels: {
      "karpenter.sh/capacity-type": spot ? "spot" : "on-demand",
      "karpenter.sh/initialized": "true",
      "karpenter.sh/nodepool": spot ? "spot-general" : "general",
      "karpenter.sh/registered": "true",
      "karpenter.k8s.aws/ec2nodeclass": "default",
      "karpenter.k8s.aws/instance-category": shape.type[0] ?? "m",
      "karpenter.k8s.aws/instance-cpu": shape.cpu,
      "karpenter.k8s.aws/instance-family": shape.type.split(".")[0] ?? "",
      "karpenter.k8s.aws/instance-generation": shape.type.replace(/^[a-z]+(\d).*$/, "$1"),
      "karpenter.k8s.aws/instance-hypervisor": "nitro",
      "karpenter.k8s.aws/instance-size": shape.type.split(".")[1] ?? "",
    },
    annotations: {
      "karpenter.k8s.aws/ec2nodeclass-hash": random.int(1e15, 9e15).toString(),
      "karpenter.k8s.aws/ec2nodeclass-hash-version": "v3",
      "karpenter.sh/nodepool-hash": random.int(1e15, 9e15).toString(),
      "karpenter.sh/nodepool-hash-version": "v3",
    },
  };
}

/** The image list a node reports: what makes real node objects 5-10 KB. */
function imagesOnNode(random: SeededRandom, images: string[]): ContainerImage[] {
  return images.map((image) => ({
    names: [
      `${image}@sha256:${random.hex(64)}`,
      `${image}:v${random.int(1, 3)}.${random.int(0, 30)}.${random.int(0, 9)}`,
    ],
    sizeBytes: random.int(5_000_000, 400_000_000),
  }));
}

/** The kubelet's conditions of a healthy node: no pressure, Ready. */
function healthyNodeConditions(heartbeat: string, createdIso: string): Condition[] {
  const condition = (
    type: string,
    status: Condition["status"],
    reason: string,
    message: string,
  ): Condition => ({
    type,
    status,
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: createdIso,
    reason,
    message,
  });
  return [
    condition(
      "MemoryPressure",
      "False",
      "KubeletHasSufficientMemory",
      "kubelet has sufficient memory available",
    ),
    condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
  ];
}

/** A Ready node's status: capacity, conditions, addresses, node info and images. */
function nodeStatus(
  random: SeededRandom,
  input: {
    shape: InstanceShape;
    ip: string;
    name: string;
    heartbeat: string;
    createdIso: string;
    images: ContainerImage[];
  },
): NonNullable<Node["status"]> {
  const { shape, ip, name } = input;
  const resources = {
    cpu: shape.cpu,
    "ephemeral-storage": "83873772Ki",
    "hugepages-1Gi": "0",
    "hugepages-2Mi": "0",
    memory: shape.memory,
    pods: shape.pods,
  };
  return {
    capacity: resources,
    allocatable: {
      ...resources,
      cpu: `${Number(shape.cpu) * 1000 - 70}m`,
      "ephemeral-storage": "76224326324",
    },
    conditions: healthyNodeConditions(input.heartbeat, input.createdIso),
    addresses: [
      { type: "InternalIP", address: ip },
      { type: "InternalDNS", address: name },
      { type: "Hostname", address: name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: random.hex(32),
      systemUUID: `ec2${random.hex(5)}-${random.hex(4)}-${random.hex(4)}-${random.hex(4)}-${random.hex(12)}`,
      bootID: uid(random),
      kernelVersion: "6.1.119-129.201.amzn2023.x86_64",
      osImage: "Amazon Linux 2023.6.20241212",
      containerRuntimeVersion: "containerd://1.7.23",
      kubeletVersion,
      kubeProxyVersion: kubeletVersion,
      operatingSystem: "linux",
      architecture: shape.arch,
    },
    images: input.images,
  };
}

function markNotReady(plan: NodePlan, now: number): void {
  plan.ready = false;
  const lost = iso(now - 7 * 60_000);
  for (const condition of plan.node.status?.conditions ?? []) {
    condition.status = "Unknown";
    condition.reason = "NodeStatusUnknown";
    condition.message = "Kubelet stopped posting node status.";
    condition.lastTransitionTime = lost;
  }
  plan.node.spec = {
    ...plan.node.spec,
    taints: [
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule", timeAdded: lost },
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: lost },
    ],
  };
}

/** Returns the node of each CoreDNS replica. */
function placeCoreDns(
  plans: NodePlan[],
  replicas: number,
  colocated: number,
  spotReplicas: number,
): NodePlan[] {
  const onDemand = plans.filter((p) => !p.spot);
  const spot = plans.filter((p) => p.spot);
  const next = { onDemand: 0, spot: 0 };
  const take = (useSpot: boolean): NodePlan => {
    const pool = useSpot && spot.length > 0 ? spot : onDemand;
    const key = pool === spot ? "spot" : "onDemand";
    // Spread over zones by stepping through the pool; wraps (and so co-locates) only when the pool is exhausted.
    const plan = pool[next[key] % pool.length] as NodePlan;
    next[key] += 1;
    return plan;
  };
  const placement: NodePlan[] = [];
  let shared: NodePlan | undefined;
  for (let j = 0; j < replicas; j += 1) {
    const onSpot = j >= replicas - spotReplicas;
    if (colocated >= 2 && j < colocated) {
      shared ??= take(onSpot);
      placement.push(shared);
    } else {
      placement.push(take(onSpot));
    }
  }
  return placement;
}

interface PodInput {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  owner: { kind: string; name: string };
  container: { name: string; image: string; args?: string[]; port?: number };
  hostNetwork?: boolean;
  priorityClassName?: string | undefined;
}

function makePod(ctx: { random: SeededRandom; now: number }, plan: NodePlan, input: PodInput): Pod {
  const { random, now } = ctx;
  let podIp = plan.ip;
  // A Fargate pod is its node: the node's one ENI carries the pod's IP.
  if (!input.hostNetwork && plan.compute !== "fargate") {
    const k = plan.podIpCounter;
    plan.podIpCounter += 1;
    // VPC CNI custom networking: pods get IPs from a per-zone pod subnet, a block of 32 per node.
    const slot = plan.inZone * podIpsPerNode + (k % podIpsPerNode);
    podIp = `10.${20 + plan.zoneIndex}.${Math.floor(slot / 250)}.${(slot % 250) + 4}`;
  }
  const created = iso(Math.max(plan.created + 60_000, now - random.int(1, 30) * 86_400_000));
  return {
    metadata: {
      name: input.name,
      namespace: input.namespace,
      uid: uid(random),
      labels: input.labels,
      creationTimestamp: created,
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: input.owner.kind,
          name: input.owner.name,
          uid: uid(random),
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      nodeName: plan.node.metadata.name,
      ...(input.hostNetwork ? { hostNetwork: true } : {}),
      containers: [
        {
          name: input.container.name,
          image: input.container.image,
          ...(input.container.args ? { args: input.container.args } : {}),
          ...(input.container.port
            ? { ports: [{ containerPort: input.container.port, protocol: "TCP", name: "metrics" }] }
            : {}),
          resources: { requests: { cpu: "25m", memory: "70Mi" } },
        },
      ],
      ...(input.priorityClassName ? { priorityClassName: input.priorityClassName } : {}),
      serviceAccountName: input.container.name,
      dnsPolicy: input.hostNetwork ? "ClusterFirstWithHostNet" : "ClusterFirst",
    },
    status: podStatus(random, plan, input, { podIp, created }),
  };
}

/** A scheduled pod's status: Running and Ready on a Ready node, its container terminated on a lost one. */
function podStatus(
  random: SeededRandom,
  plan: NodePlan,
  input: PodInput,
  at: { podIp: string; created: string },
): NonNullable<Pod["status"]> {
  const { podIp, created } = at;
  const ready = plan.ready;
  const readyCondition = (type: string): Condition => ({
    type,
    status: type === "PodScheduled" || type === "Initialized" || ready ? "True" : "False",
    lastProbeTime: null,
    lastTransitionTime: created,
  });
  return {
    phase: "Running",
    conditions: ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"].map(
      readyCondition,
    ),
    hostIP: plan.ip,
    podIP: podIp,
    podIPs: [{ ip: podIp }],
    startTime: created,
    qosClass: "Burstable",
    containerStatuses: [
      {
        name: input.container.name,
        ready,
        restartCount: ready ? 0 : 1,
        started: ready,
        image: input.container.image,
        imageID: `${input.container.image.split(":")[0]}@sha256:${random.hex(64)}`,
        containerID: `containerd://${random.hex(64)}`,
        state: ready
          ? { running: { startedAt: created } }
          : { terminated: { exitCode: 255, reason: "Unknown" } },
      },
    ],
  };
}

function makeDeployment(
  ctx: { random: SeededRandom; now: number },
  input: {
    name: string;
    labels: Record<string, string>;
    selector: Record<string, string>;
    replicas: number;
    ready: number;
    container: { name: string; image: string; args?: string[] };
    podSpec?: Partial<NonNullable<Pod["spec"]>>;
  },
): Deployment {
  return {
    metadata: {
      name: input.name,
      namespace: "kube-system",
      uid: uid(ctx.random),
      generation: 3,
      labels: input.labels,
      annotations: { "deployment.kubernetes.io/revision": "2" },
      creationTimestamp: iso(ctx.now - 200 * 86_400_000),
    },
    spec: {
      replicas: input.replicas,
      selector: { matchLabels: input.selector },
      template: {
        metadata: { labels: input.selector },
        spec: {
          ...input.podSpec,
          containers: [
            {
              name: input.container.name,
              image: input.container.image,
              ...(input.container.args ? { args: input.container.args } : {}),
            },
          ],
        },
      },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 1 } },
    },
    status: {
      observedGeneration: 3,
      replicas: input.replicas,
      updatedReplicas: input.replicas,
      readyReplicas: input.ready,
      availableReplicas: input.ready,
      ...(input.ready < input.replicas ? { unavailableReplicas: input.replicas - input.ready } : {}),
    },
  };
}

/** The scheduling part of the EKS coredns add-on's pod template (v1.11): what the scaler reads. */
function corednsSchedulingSpec(antiAffinity: "preferred" | "required"): Partial<NonNullable<Pod["spec"]>> {
  const term = {
    labelSelector: { matchExpressions: [{ key: "k8s-app", operator: "In", values: ["kube-dns"] }] },
    topologyKey: "kubernetes.io/hostname",
  };
  return {
    priorityClassName: "system-cluster-critical",
    tolerations: [
      { key: "CriticalAddonsOnly", operator: "Exists" },
      { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
    ],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                { key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] },
              ],
            },
          ],
        },
      },
      podAntiAffinity:
        antiAffinity === "required"
          ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
          : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
    },
  };
}

function makeDaemonSet(
  ctx: { random: SeededRandom; now: number },
  input: { namespace: string; name: string; labels: Record<string, string>; image: string },
  desired: number,
  ready: number,
): DaemonSet {
  return {
    metadata: {
      name: input.name,
      namespace: input.namespace,
      uid: uid(ctx.random),
      generation: 1,
      labels: input.labels,
      creationTimestamp: iso(ctx.now - 200 * 86_400_000),
    },
    spec: {
      selector: { matchLabels: input.labels },
      template: {
        metadata: { labels: input.labels },
        spec: { hostNetwork: true, containers: [{ name: input.name, image: `${input.image}:v1` }] },
      },
    },
    status: {
      currentNumberScheduled: desired,
      desiredNumberScheduled: desired,
      numberMisscheduled: 0,
      numberReady: ready,
      numberAvailable: ready,
      ...(ready < desired ? { numberUnavailable: desired - ready } : {}),
      updatedNumberScheduled: desired,
      observedGeneration: 1,
    },
  };
}
