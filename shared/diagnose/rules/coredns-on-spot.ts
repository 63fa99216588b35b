import { DiagnosisCode } from "../../model/index.ts";
import { nodeList } from "../context.ts";
import { onDemandCoreDnsCommand, restartCoreDnsCommand } from "../fixes.ts";
import type { DiagnosisRule } from "../rule.ts";

/** Spot interruptions take CoreDNS replicas away with two minutes' notice, pushing load onto the rest. */
export const corednsOnSpot: DiagnosisRule = {
  code: DiagnosisCode.corednsOnSpot,
  evaluate({ coredns, clusterName }) {
    if (!coredns || coredns.spotNodes.length === 0) return null;
    const onDemand = onDemandCoreDnsCommand(coredns, clusterName);
    const restart = restartCoreDnsCommand(coredns);
    const onSpot = coredns.pods.filter((pod) => pod.node && coredns.spotNodes.includes(pod.node)).length;
    return {
      code: this.code,
      reason:
        `${onSpot} of ${coredns.pods.length} CoreDNS pods run on spot capacity (${nodeList(coredns.spotNodes)}); ` +
        "an interruption moves their load onto the remaining replicas",
      fix: `${onDemand}; then ${restart}`,
      commands: [onDemand, restart],
      nodes: [...coredns.spotNodes],
    };
  },
};
