import { describe, expect, it } from "vitest";
import { DIAGNOSIS_RULES, diagnose, recommendedReplicas } from "../../shared/diagnose/index.ts";
import { DiagnosisCode } from "../../shared/model/index.ts";
import { enrichedAlert, nodeFacts, placement } from "../support/enrich-diagnosis.ts";

const codes = (findings: { code: string }[]) => findings.map((finding) => finding.code);
const worker = nodeFacts("worker-1", { runsNodeLocalDNS: true });

describe("diagnose", () => {
  it("on a well-run cluster, drops on a NodeLocal node give only that finding", () => {
    expect(codes(diagnose([enrichedAlert(worker)], placement(), []))).toEqual([
      DiagnosisCode.nodelocalDnsOnThrottledNode,
    ]);
  });

  it("returns no findings for a resolved group", () => {
    const resolved = enrichedAlert(nodeFacts("dns-1", { hostsCoreDNS: true }), { status: "resolved" });
    expect(
      diagnose([resolved], placement({ nodeLocalDns: { present: false, desired: 0, ready: 0 } }), []),
    ).toEqual([]);
  });

  it("orders findings by severity, one per code", () => {
    const findings = diagnose(
      [
        enrichedAlert(nodeFacts("dns-1", { hostsCoreDNS: true, capacityType: "spot" })),
        enrichedAlert(nodeFacts("app-9")),
      ],
      placement({
        desiredReplicas: 2,
        readyReplicas: 2,
        pods: [
          { name: "coredns-a", node: "dns-1", ready: true, capacityType: "spot" },
          { name: "coredns-b", node: "dns-1", ready: true, capacityType: "spot" },
        ],
        nodes: ["dns-1"],
        colocatedNodes: ["dns-1"],
        spotNodes: ["dns-1"],
        nodeLocalDns: { present: false, desired: 0, ready: 0 },
        replicaController: {
          kind: "cluster-proportional-autoscaler",
          detail: "cluster-proportional-autoscaler deployment/dns-autoscaler",
        },
      }),
      [],
    );
    expect(codes(findings)).toEqual([
      DiagnosisCode.corednsOnThrottledNode,
      DiagnosisCode.corednsUnderscaled,
      DiagnosisCode.corednsColocated,
      DiagnosisCode.corednsOnSpot,
      DiagnosisCode.nonCorednsNodeThrottled,
      DiagnosisCode.nodelocalDnsAbsent,
      DiagnosisCode.corednsReplicasManaged,
    ]);
    for (const finding of findings) {
      expect(finding.reason).not.toMatch(/\n/);
      expect(finding.fix).not.toMatch(/\n/);
    }
  });

  it("has one rule per stable code", () => {
    expect(new Set(DIAGNOSIS_RULES.map((rule) => rule.code))).toEqual(new Set(Object.values(DiagnosisCode)));
  });
});

describe("COREDNS_ON_THROTTLED_NODE", () => {
  it("fires when a throttled node hosts CoreDNS, naming pods and node", () => {
    const [finding] = diagnose([enrichedAlert(nodeFacts("dns-2", { hostsCoreDNS: true }))], placement(), []);
    expect(finding).toMatchObject({ code: DiagnosisCode.corednsOnThrottledNode, nodes: ["dns-2"] });
    expect(finding?.reason).toMatch(/1 CoreDNS pod \(coredns-abc-1\) run on dns-2/);
    expect(finding?.fix).toMatch(/kubectl -n kube-system scale deployment\/coredns --replicas=8/);
  });

  it("does not fire when throttled nodes host no CoreDNS", () => {
    expect(codes(diagnose([enrichedAlert(worker)], placement(), []))).not.toContain(
      DiagnosisCode.corednsOnThrottledNode,
    );
  });
});

describe("COREDNS_UNDERSCALED", () => {
  it("rule is max(2, ceil(nodes / 16))", () => {
    expect([3, 32, 33, 500, 5000].map(recommendedReplicas)).toEqual([2, 2, 3, 32, 313]);
  });

  it("fires for 2 replicas on 500 nodes, with the owner's command", () => {
    const findings = diagnose(
      [enrichedAlert(worker)],
      placement({
        desiredReplicas: 2,
        clusterNodeCount: 500,
        replicaController: {
          kind: "eks-addon",
          detail: "EKS add-on coredns v1.11.3-eksbuild.2 with replicaCount 2",
        },
      }),
      [],
      { clusterName: "prod-eu" },
    );
    const finding = findings.find((f) => f.code === DiagnosisCode.corednsUnderscaled);
    expect(finding?.reason).toBe(
      "2 CoreDNS replicas serve 500 nodes; at one per 16 nodes the cluster needs at least 32",
    );
    expect(finding?.fix).toMatch(
      /aws eks update-addon --cluster-name prod-eu --addon-name coredns --resolve-conflicts PRESERVE/,
    );
    expect(finding?.fix).toMatch(/"minReplicas":32/);
  });

  it("does not fire at the recommended count or when the node count is unknown", () => {
    expect(
      codes(diagnose([enrichedAlert(worker)], placement({ desiredReplicas: 3, clusterNodeCount: 48 }), [])),
    ).not.toContain(DiagnosisCode.corednsUnderscaled);
    expect(
      codes(diagnose([enrichedAlert(worker)], placement({ desiredReplicas: 1, clusterNodeCount: 0 }), [])),
    ).not.toContain(DiagnosisCode.corednsUnderscaled);
  });
});

describe("COREDNS_COLOCATED and COREDNS_ON_SPOT", () => {
  const stacked = placement({
    pods: [
      { name: "coredns-a", node: "dns-1", ready: true, capacityType: "spot" },
      { name: "coredns-b", node: "dns-1", ready: true, capacityType: "spot" },
      { name: "coredns-c", node: "dns-2", ready: true, capacityType: "on-demand" },
    ],
    nodes: ["dns-1", "dns-2"],
    colocatedNodes: ["dns-1"],
    spotNodes: ["dns-1"],
    desiredReplicas: 3,
  });

  it("fire with counts and the spread / on-demand fixes", () => {
    const findings = diagnose([enrichedAlert(worker)], stacked, []);
    const colocated = findings.find((f) => f.code === DiagnosisCode.corednsColocated);
    const spot = findings.find((f) => f.code === DiagnosisCode.corednsOnSpot);
    expect(colocated?.reason).toMatch(/dns-1 \(2\)/);
    expect(colocated?.fix).toMatch(/topologySpreadConstraints/);
    expect(spot?.reason).toMatch(/^2 of 3 CoreDNS pods run on spot capacity \(dns-1\)/);
    expect(spot?.fix).toMatch(/karpenter.sh\/capacity-type.*NotIn.*eks.amazonaws.com\/capacityType.*NotIn/);
  });

  it("do not fire for spread, on-demand replicas", () => {
    const found = codes(diagnose([enrichedAlert(worker)], placement(), []));
    expect(found).not.toContain(DiagnosisCode.corednsColocated);
    expect(found).not.toContain(DiagnosisCode.corednsOnSpot);
  });
});

describe("NodeLocal DNSCache findings", () => {
  it("NODELOCAL_DNS_ABSENT fires without the DaemonSet and not with it", () => {
    const absent = placement({ nodeLocalDns: { present: false, desired: 0, ready: 0 } });
    const finding = diagnose([enrichedAlert(nodeFacts("app-1"))], absent, []).find(
      (f) => f.code === DiagnosisCode.nodelocalDnsAbsent,
    );
    expect(finding?.fix).toMatch(/kubectl apply -f nodelocaldns.yaml/);
    expect(codes(diagnose([enrichedAlert(worker)], placement(), []))).not.toContain(
      DiagnosisCode.nodelocalDnsAbsent,
    );
  });

  it("NODELOCAL_DNS_ON_THROTTLED_NODE fires for a NodeLocal node without CoreDNS only", () => {
    expect(diagnose([enrichedAlert(worker)], placement(), [])[0]).toMatchObject({
      code: DiagnosisCode.nodelocalDnsOnThrottledNode,
      nodes: ["worker-1"],
    });
    const dnsNode = nodeFacts("dns-1", { hostsCoreDNS: true, runsNodeLocalDNS: true });
    expect(codes(diagnose([enrichedAlert(dnsNode)], placement(), []))).not.toContain(
      DiagnosisCode.nodelocalDnsOnThrottledNode,
    );
  });
});

describe("NON_COREDNS_NODE_THROTTLED", () => {
  it("fires for a node with neither CoreDNS nor NodeLocal, naming its shape", () => {
    const finding = diagnose(
      [enrichedAlert(nodeFacts("app-7", { capacityType: "spot" }))],
      placement(),
      [],
    ).find((f) => f.code === DiagnosisCode.nonCorednsNodeThrottled);
    expect(finding?.reason).toMatch(
      /^app-7 \(m5.large, spot\) exceed the link-local allowance without hosting CoreDNS/,
    );
    expect(finding?.fix).toMatch(/--field-selector spec.nodeName=app-7/);
  });

  it("does not fire for CoreDNS or NodeLocal nodes", () => {
    const found = codes(
      diagnose(
        [enrichedAlert(worker), enrichedAlert(nodeFacts("dns-1", { hostsCoreDNS: true }))],
        placement(),
        [],
      ),
    );
    expect(found).not.toContain(DiagnosisCode.nonCorednsNodeThrottled);
  });
});

describe("without CoreDNS placement", () => {
  it("makes no node-level claims about CoreDNS or NodeLocal, only ENRICHMENT_UNAVAILABLE", () => {
    const error =
      "reading CoreDNS, dns-autoscaler and node-local-dns in kube-system: Kubernetes API failed GET x with HTTP 500";
    expect(
      codes(diagnose([enrichedAlert(nodeFacts("app-1")), enrichedAlert(worker)], null, [error])),
    ).toEqual([DiagnosisCode.enrichmentUnavailable]);
  });
});

describe("COREDNS_REPLICAS_MANAGED", () => {
  it("fires for the add-on or cluster-proportional-autoscaler, naming it", () => {
    const addon = placement({
      replicaController: {
        kind: "eks-addon",
        detail: "EKS add-on coredns v1 with autoScaling (min 2, max 10)",
      },
    });
    const finding = diagnose([enrichedAlert(worker)], addon, []).find(
      (f) => f.code === DiagnosisCode.corednsReplicasManaged,
    );
    expect(finding?.reason).toBe(
      "CoreDNS replicas (4) are owned by EKS add-on coredns v1 with autoScaling (min 2, max 10); kubectl scale would be reverted",
    );
  });

  it("does not fire when nobody or an unknown owner scales", () => {
    for (const kind of ["deployment", "unknown"] as const) {
      const found = codes(
        diagnose([enrichedAlert(worker)], placement({ replicaController: { kind, detail: "" } }), []),
      );
      expect(found).not.toContain(DiagnosisCode.corednsReplicasManaged);
    }
  });
});

describe("ENRICHMENT_UNAVAILABLE", () => {
  it.each([
    ["Kubernetes API forbade GET /api/v1/nodes (403 Forbidden): nodes is forbidden", /infra\/rbac.yaml/],
    [
      "Kubernetes API rejected the credentials (401 Unauthorized) for GET /api/v1/nodes",
      /create-access-entry/,
    ],
    ["Kubernetes API has no /api/v1/nodes (404 Not Found)", /EKS_CLUSTER_NAME/],
    ["Kubernetes API did not answer GET /api/v1/nodes within 5000 ms", /VPC config/],
    ["Kubernetes API failed GET /api/v1/nodes with HTTP 503", /control plane/],
  ])("fires for %s with the matching fix", (error, fix) => {
    const findings = diagnose([enrichedAlert(null, { enrichmentError: error })], null, [error]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: DiagnosisCode.enrichmentUnavailable, nodes: [] });
    expect(findings[0]?.reason).toBe(`no node facts for 1 of 1 firing alert; ${error}`);
    expect(findings[0]?.fix).toMatch(fix);
  });

  it("fires when alerts could not be matched to a node, suggesting a node label", () => {
    const reason = "instance host 10.9.9.9 matched no node InternalIP/Hostname/InternalDNS and no pod IP";
    const [finding] = diagnose([enrichedAlert(null, { enrichmentError: reason })], placement(), []).filter(
      (f) => f.code === DiagnosisCode.enrichmentUnavailable,
    );
    expect(finding?.fix).toMatch(/__meta_kubernetes_pod_node_name/);
  });

  it("does not fire when every alert has its node and reads succeeded", () => {
    expect(codes(diagnose([enrichedAlert(worker)], placement(), []))).not.toContain(
      DiagnosisCode.enrichmentUnavailable,
    );
  });
});
