import { DiagnosisCode } from "../../model/index.ts";
import { nodeList } from "../context.ts";
import { listNodePodsCommand } from "../fixes.ts";
import type { DiagnosisRule } from "../rule.ts";

/**
 * A node with NodeLocal DNSCache still drops: the cache's misses (and everything under its TTL's churn) go
 * to the VPC resolver from this node's own ENI. Nodes hosting CoreDNS are left to that finding.
 */
const EDIT_NODELOCAL = "kubectl -n kube-system edit configmap node-local-dns";

export const nodelocalDnsOnThrottledNode: DiagnosisRule = {
  code: DiagnosisCode.nodelocalDnsOnThrottledNode,
  evaluate({ throttled, coredns }) {
    if (!coredns) return null;
    const nodes = throttled
      .filter((node) => node.runsNodeLocalDNS && !node.hostsCoreDNS)
      .map((node) => node.name);
    const first = nodes[0];
    if (first === undefined) return null;
    const listPods = listNodePodsCommand(first);
    return {
      code: this.code,
      reason:
        `${nodeList(nodes)} run NodeLocal DNSCache and still exceed the 1024 pps link-local allowance: ` +
        "cache misses go to the VPC resolver from the node's own ENI",
      fix:
        `Raise the cache TTL and enable prefetch (${EDIT_NODELOCAL}: \`cache 300\` and ` +
        "`prefetch 10 60s` in the .:53 block), cut search-path lookups with pod dnsConfig ndots: 2, and check " +
        `hostNetwork pods on the node (${listPods})`,
      commands: [EDIT_NODELOCAL, listPods],
      nodes,
    };
  },
};
