import { DiagnosisCode } from "../../model/index.ts";
import { CoreDnsSizing, recommendedReplicas } from "../context.ts";
import { scaleCoreDnsFix } from "../fixes.ts";
import type { DiagnosisRule } from "../rule.ts";

/** Fewer replicas than max(2, ceil(nodes / 16)): too few ENIs carry the cluster's upstream DNS. */
export const corednsUnderscaled: DiagnosisRule = {
  code: DiagnosisCode.corednsUnderscaled,
  evaluate({ coredns, clusterName }) {
    if (!coredns || coredns.deployment === null || coredns.clusterNodeCount === 0) return null;
    const wanted = recommendedReplicas(coredns.clusterNodeCount);
    if (coredns.desiredReplicas >= wanted) return null;
    const scale = scaleCoreDnsFix(coredns, wanted, clusterName);
    const ready = coredns.readyReplicas < coredns.desiredReplicas ? ` (${coredns.readyReplicas} ready)` : "";
    return {
      code: this.code,
      reason:
        `${coredns.desiredReplicas} CoreDNS replicas${ready} serve ${coredns.clusterNodeCount} nodes; at one per ` +
        `${CoreDnsSizing.nodesPerReplica} nodes the cluster needs at least ${wanted}`,
      fix: scale.text,
      commands: [scale.command],
      nodes: [...coredns.nodes],
    };
  },
};
