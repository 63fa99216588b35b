import { AUTO_MODE_DOCS } from "../../enrich/constants.ts";
import { ComputeType, DiagnosisCode } from "../../model/index.ts";
import { nodeList } from "../context.ts";
import { listNodePodsCommand } from "../fixes.ts";
import type { DiagnosisRule } from "../rule.ts";

/**
 * Drops on an EKS Auto Mode node. The EKS documentation lists cluster DNS among the capabilities Auto Mode
 * runs as core components rather than add-ons, and says Auto Mode caches DNS queries on the node
 * (AUTO_MODE_DOCS). So whatever that cache cannot answer goes to the VPC resolver from this node's own ENI:
 * the drops are this node's pods' lookups (plus hostNetwork pods, IMDS, NTP). There is no CoreDNS replica to
 * add or NodeLocal DNSCache to install; what helps is fewer lookups, or the same lookups over more nodes.
 */
export const autoModeNodeThrottled: DiagnosisRule = {
  code: DiagnosisCode.autoModeNodeThrottled,
  evaluate({ throttled }) {
    const nodes = throttled.filter((node) => node.computeType === ComputeType.auto).map((node) => node.name);
    const first = nodes[0];
    if (first === undefined) return null;
    const listPods = listNodePodsCommand(first);
    return {
      code: this.code,
      reason:
        `${nodeList(nodes)} are EKS Auto Mode nodes: Auto Mode runs cluster DNS on each node and caches queries there ` +
        `(${AUTO_MODE_DOCS.networking}), so what the cache cannot answer leaves through the node's own ENI: ` +
        "the drops are the lookups of the node's own pods, hostNetwork pods, IMDS or NTP",
      fix:
        `Find the pods resolving most: ${listPods}; spread them over more nodes (a topologySpreadConstraint on ` +
        "kubernetes.io/hostname in their Deployment), cut their lookups (dnsConfig ndots: 2, fully qualified names " +
        "with a trailing dot, caching in the application); there is no CoreDNS replica or NodeLocal DNSCache to add " +
        `on Auto Mode (${AUTO_MODE_DOCS.overview})`,
      commands: [listPods],
      nodes,
    };
  },
};
