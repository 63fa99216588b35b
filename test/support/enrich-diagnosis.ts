import type { CoreDnsPlacement, EnrichedAlert, NodeFacts } from "../../shared/model/index.ts";

/** Small hand-made inputs for diagnosis tests; each test overrides only what it is about. */
export function nodeFacts(name: string, overrides: Partial<NodeFacts> = {}): NodeFacts {
  return {
    name,
    instanceId: "i-0123456789abcdef0",
    instanceType: "m5.large",
    zone: "us-east-1a",
    capacityType: "on-demand",
    nodegroup: "workers",
    ready: true,
    createdAt: "2026-11-01T00:00:00Z",
    hostsCoreDNS: false,
    runsNodeLocalDNS: false,
    computeType: "ec2",
    ...overrides,
  };
}

export function enrichedAlert(node: NodeFacts | null, overrides: Partial<EnrichedAlert> = {}): EnrichedAlert {
  return {
    status: "firing",
    labels: { alertname: "LinkLocalAllowanceExceeded", cluster: "prod-eu" },
    annotations: {},
    startsAt: "2026-11-23T08:55:00Z",
    endsAt: null,
    generatorURL: null,
    fingerprint: `fp-${node?.name ?? "none"}`,
    node,
    ...overrides,
  };
}

/** EKS's own layout: the `coredns` Deployment selecting `k8s-app=kube-dns` on EC2 nodes, no Auto Mode. */
export const CLASSIC_COREDNS: Pick<
  CoreDnsPlacement,
  "deployment" | "podSelector" | "autoscalerConfigMap" | "layout"
> = {
  deployment: "coredns",
  podSelector: { "k8s-app": "kube-dns" },
  autoscalerConfigMap: null,
  layout: {
    autoMode: { enabled: false, source: null },
    corednsOnFargate: 0,
    fargateNodes: 0,
    dnsService: null,
  },
};

/** A well-run placement: 4 replicas on 4 on-demand nodes, NodeLocal everywhere, 40 nodes, nobody scaling. */
export function placement(overrides: Partial<CoreDnsPlacement> = {}): CoreDnsPlacement {
  const nodes = ["dns-1", "dns-2", "dns-3", "dns-4"];
  return {
    desiredReplicas: 4,
    readyReplicas: 4,
    pods: nodes.map((node, i) => ({
      name: `coredns-abc-${i}`,
      node,
      ready: true,
      capacityType: "on-demand",
    })),
    nodes,
    colocatedNodes: [],
    spotNodes: [],
    nodeLocalDns: { present: true, desired: 40, ready: 40 },
    replicaController: {
      kind: "deployment",
      detail: "the coredns Deployment's own spec.replicas (4); no EKS add-on, no autoscaler",
    },
    clusterNodeCount: 40,
    schedulableNodeCount: 40,
    ...CLASSIC_COREDNS,
    ...overrides,
  };
}
