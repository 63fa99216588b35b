import { DiagnosisCode } from "../../model/index.ts";
import { nodeList } from "../context.ts";
import { restartCoreDnsCommand, spreadCoreDnsCommand } from "../fixes.ts";
import type { DiagnosisRule } from "../rule.ts";

/** Replicas sharing a node share one ENI allowance: extra replicas there add no DNS capacity. */
export const corednsColocated: DiagnosisRule = {
  code: DiagnosisCode.corednsColocated,
  evaluate({ coredns, clusterName }) {
    if (!coredns || coredns.colocatedNodes.length === 0) return null;
    const counts = coredns.colocatedNodes.map(
      (node) => `${node} (${coredns.pods.filter((pod) => pod.node === node).length})`,
    );
    const spread = spreadCoreDnsCommand(coredns, clusterName);
    const restart = restartCoreDnsCommand(coredns);
    return {
      code: this.code,
      reason: `CoreDNS replicas share nodes, and so one 1024 pps ENI allowance: ${nodeList(counts)}`,
      fix: `${spread}; then ${restart}`,
      commands: [spread, restart],
      nodes: [...coredns.colocatedNodes],
    };
  },
};
