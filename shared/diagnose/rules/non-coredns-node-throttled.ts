import { ComputeType, DiagnosisCode, type NodeTalkers } from "../../model/index.ts";
import { nodeList } from "../context.ts";
import { listNodePodsCommand } from "../fixes.ts";
import type { DiagnosisRule } from "../rule.ts";

/**
 * Drops on a node with neither CoreDNS nor NodeLocal DNSCache: the link-local traffic is the node's own
 * (hostNetwork pods resolving through the VPC resolver, IMDS or NTP heavy workloads).
 */
export const nonCorednsNodeThrottled: DiagnosisRule = {
  code: DiagnosisCode.nonCorednsNodeThrottled,
  evaluate({ throttled, coredns, talkers }) {
    // Without CoreDNS placement, "hosts no CoreDNS" would be a guess.
    if (!coredns) return null;
    // Auto Mode nodes resolve on the node itself: AUTO_MODE_NODE_THROTTLED speaks for them.
    const nodes = throttled.filter(
      (node) => !node.hostsCoreDNS && !node.runsNodeLocalDNS && node.computeType !== ComputeType.auto,
    );
    if (nodes.length === 0) return null;
    const first = nodes[0];
    const listPods = listNodePodsCommand(first?.name ?? "<node>");
    // Fargate runs no DaemonSet and offers no IMDS: only the pod's own lookups are left to cut.
    const fargate = nodes.every((node) => node.computeType === ComputeType.fargate);
    const rest = fargate
      ? "(a Fargate node is one pod: give it dnsPolicy ClusterFirst and cut its lookups)"
      : "(look for hostNetwork pods: give them dnsPolicy ClusterFirstWithHostNet); cache IMDS credentials in the SDK; " +
        "install NodeLocal DNSCache so lookups are answered on the node";
    const shape =
      first && nodes.length === 1 && first.instanceType
        ? ` (${first.instanceType}, ${first.capacityType})`
        : "";
    return {
      code: this.code,
      reason:
        `${nodeList(nodes.map((node) => node.name))}${shape} exceed the link-local allowance without hosting CoreDNS: ` +
        `the traffic is their own; ${whatWasFound(
          nodes.map((node) => node.name),
          talkers,
        )}`,
      fix: `Find the talkers: ${listPods} ${rest}`,
      commands: [listPods],
      nodes: nodes.map((node) => node.name),
    };
  },
};

/** What the talker read found on these nodes, or where to look when it did not run. */
function whatWasFound(nodes: string[], talkers: NodeTalkers[] | null): string {
  const read = talkers?.filter((entry) => nodes.includes(entry.node)) ?? [];
  if (read.length === 0) return "from hostNetwork pods using the VPC resolver, IMDS or NTP heavy workloads";
  const pods = read.reduce((sum, entry) => sum + entry.talkers.length, 0);
  if (pods > 0)
    return `${pods} pod(s) there resolve through the VPC resolver (HOSTNETWORK_DNS_BYPASS names them)`;
  return "no pod there resolves through the VPC resolver, so IMDS or NTP heavy workloads, or NodeLocal DNSCache misses";
}
