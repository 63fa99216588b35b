import { ComputeType, DiagnosisCode } from "../../model/index.ts";
import { nodeList, plural, recommendedReplicas } from "../context.ts";
import { scaleCoreDnsFix } from "../fixes.ts";
import type { DiagnosisRule } from "../rule.ts";

/** The ENI dropping packets carries a CoreDNS replica's upstream lookups: cluster-wide DNS failures. */
export const corednsOnThrottledNode: DiagnosisRule = {
  code: DiagnosisCode.corednsOnThrottledNode,
  evaluate({ throttled, coredns, clusterName }) {
    if (!coredns) return null;
    const hosting = throttled.filter((node) => coredns.nodes.includes(node.name)).map((node) => node.name);
    if (hosting.length === 0) return null;
    const pods = coredns.pods.filter((pod) => pod.node && hosting.includes(pod.node)).map((pod) => pod.name);
    const target = Math.max(coredns.desiredReplicas * 2, recommendedReplicas(coredns.clusterNodeCount));
    const scale = scaleCoreDnsFix(coredns, target, clusterName);
    // Fargate runs no DaemonSet, so no per-node cache; each new replica there is a Fargate node of its own.
    const onFargate = throttled
      .filter((node) => hosting.includes(node.name))
      .every((node) => node.computeType === ComputeType.fargate);
    const then = onFargate
      ? " (on Fargate each new replica gets its own node and ENI)"
      : "; and cache per node with NodeLocal DNSCache";
    return {
      code: this.code,
      reason:
        `${plural(pods.length, "CoreDNS pod")} (${nodeList(pods)}) run on ${nodeList(hosting)}, whose ENI exceeds the ` +
        `1024 pps link-local allowance: lookups these replicas forward to the VPC resolver are dropped for the whole cluster`,
      fix: `Spread the load over more ENIs: ${scale.text}${then}`,
      commands: [scale.command],
      nodes: hosting,
    };
  },
};
