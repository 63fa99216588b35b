import { DiagnosisCode, ReplicaControllerKind } from "../../model/index.ts";
import { editAutoscalerCommand } from "../fixes.ts";
import type { DiagnosisRule } from "../rule.ts";

const OWNERS = new Set<string>([
  ReplicaControllerKind.eksAddon,
  ReplicaControllerKind.clusterProportionalAutoscaler,
]);

/** Something other than the Deployment owns the replica count: a kubectl scale would be undone. */
const UPDATE_ADDON = "aws eks update-addon --resolve-conflicts PRESERVE";

export const corednsReplicasManaged: DiagnosisRule = {
  code: DiagnosisCode.corednsReplicasManaged,
  evaluate({ coredns }) {
    if (coredns?.replicaController.kind === ReplicaControllerKind.eksAutoMode) {
      return {
        code: this.code,
        reason: `Cluster DNS is run by ${coredns.replicaController.detail}`,
        fix:
          "Nothing to scale or edit: AWS runs and scales cluster DNS on Auto Mode nodes; " +
          "lower the lookups of the pods on the dropping nodes instead (AUTO_MODE_NODE_THROTTLED)",
        commands: [],
        nodes: [],
      };
    }
    if (!coredns || !OWNERS.has(coredns.replicaController.kind)) return null;
    const editAutoscaler = editAutoscalerCommand(coredns);
    const cpa = coredns.replicaController.kind === ReplicaControllerKind.clusterProportionalAutoscaler;
    return {
      code: this.code,
      reason: `CoreDNS replicas (${coredns.desiredReplicas}) are owned by ${coredns.replicaController.detail}; kubectl scale would be reverted`,
      fix: cpa
        ? `Change the autoscaler's parameters: ${editAutoscaler} (nodesPerReplica, min)`
        : `Change the add-on's configuration values (replicaCount or autoScaling.minReplicas) with ${UPDATE_ADDON}`,
      commands: [cpa ? editAutoscaler : UPDATE_ADDON],
      nodes: [],
    };
  },
};
