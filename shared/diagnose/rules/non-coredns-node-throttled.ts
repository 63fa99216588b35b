import { DiagnosisCode } from "../../model/index.ts";
import { nodeList } from "../context.ts";
import type { DiagnosisRule } from "../rule.ts";

/**
 * Drops on a node with neither CoreDNS nor NodeLocal DNSCache: the link-local traffic is the node's own
 * (hostNetwork pods resolving through the VPC resolver, IMDS or NTP heavy workloads).
 */
export const nonCorednsNodeThrottled: DiagnosisRule = {
  code: DiagnosisCode.nonCorednsNodeThrottled,
  evaluate({ throttled, coredns }) {
    // Without CoreDNS placement, "hosts no CoreDNS" would be a guess.
    if (!coredns) return null;
    const nodes = throttled.filter((node) => !node.hostsCoreDNS && !node.runsNodeLocalDNS);
    if (nodes.length === 0) return null;
    const first = nodes[0];
    const shape =
      first && nodes.length === 1 && first.instanceType
        ? ` (${first.instanceType}, ${first.capacityType})`
        : "";
    return {
      code: this.code,
      reason:
        `${nodeList(nodes.map((node) => node.name))}${shape} exceed the link-local allowance without hosting CoreDNS: ` +
        "the traffic is their own, from hostNetwork pods using the VPC resolver, IMDS or NTP heavy workloads",
      fix:
        `Find the talkers: kubectl get pods -A -o wide --field-selector spec.nodeName=${first?.name ?? "<node>"} ` +
        "(look for hostNetwork pods: give them dnsPolicy ClusterFirstWithHostNet); cache IMDS credentials in the SDK; " +
        "install NodeLocal DNSCache so lookups are answered on the node",
      nodes: nodes.map((node) => node.name),
    };
  },
};
