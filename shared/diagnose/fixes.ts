import { type CoreDnsPlacement, ReplicaControllerKind } from "../model/index.ts";

/**
 * The commands a fix offers, each naming the objects this cluster has: the CoreDNS Deployment and its
 * autoscaler's ConfigMap by their real names (a Helm release's `dns-coredns`, a `coredns-autoscaler`), the
 * pods a spread constraint selects by the Deployment's own selector. The defaults are EKS's names.
 */
const DEFAULT_DEPLOYMENT = "coredns";
const DEFAULT_AUTOSCALER_CONFIGMAP = "dns-autoscaler";

function deploymentOf(coredns: CoreDnsPlacement): string {
  return coredns.deployment ?? DEFAULT_DEPLOYMENT;
}

export function restartCoreDnsCommand(coredns: CoreDnsPlacement): string {
  return `kubectl -n kube-system rollout restart deployment/${deploymentOf(coredns)}`;
}

export function editAutoscalerCommand(coredns: CoreDnsPlacement): string {
  return `kubectl -n kube-system edit configmap ${coredns.autoscalerConfigMap ?? DEFAULT_AUTOSCALER_CONFIGMAP}`;
}

/**
 * The scale-up as a fix, for whoever owns the replica count: a kubectl scale would be reverted by an
 * autoscaler or the add-on, so it names the owner's own knob. `command` is what to run; `text` adds, for a
 * cluster-proportional autoscaler whose ConfigMap is edited by hand, what to change in words.
 */
export function scaleCoreDnsFix(
  coredns: CoreDnsPlacement,
  replicas: number,
  clusterName: string,
): { command: string; text: string } {
  switch (coredns.replicaController.kind) {
    case ReplicaControllerKind.eksAddon: {
      const max = Math.max(replicas, 10);
      const command =
        `aws eks update-addon --cluster-name ${clusterName} --addon-name coredns --resolve-conflicts PRESERVE ` +
        `--configuration-values '{"autoScaling":{"enabled":true,"minReplicas":${replicas},"maxReplicas":${max}}}'`;
      return { command, text: command };
    }
    case ReplicaControllerKind.clusterProportionalAutoscaler: {
      const command = editAutoscalerCommand(coredns);
      return {
        command,
        text: `${command} (lower "nodesPerReplica" or set "min": ${replicas} in the linear parameters)`,
      };
    }
    default: {
      const command = `kubectl -n kube-system scale deployment/${deploymentOf(coredns)} --replicas=${replicas}`;
      return { command, text: command };
    }
  }
}

/** Spreading CoreDNS one replica per node: a topology spread constraint on the hostname, per owner. */
export function spreadCoreDnsCommand(coredns: CoreDnsPlacement, clusterName: string): string {
  const matchLabels = JSON.stringify(coredns.podSelector ?? { "k8s-app": "kube-dns" });
  const constraint = `{"maxSkew":1,"topologyKey":"kubernetes.io/hostname","whenUnsatisfiable":"DoNotSchedule","labelSelector":{"matchLabels":${matchLabels}}}`;
  if (coredns.replicaController.kind === ReplicaControllerKind.eksAddon) {
    return (
      `aws eks update-addon --cluster-name ${clusterName} --addon-name coredns --resolve-conflicts PRESERVE ` +
      `--configuration-values '{"topologySpreadConstraints":[${constraint}]}'`
    );
  }
  return `kubectl -n kube-system patch deployment ${deploymentOf(coredns)} --type merge -p '{"spec":{"template":{"spec":{"topologySpreadConstraints":[${constraint}]}}}}'`;
}

/**
 * Keeping CoreDNS off spot capacity with one affinity that reads both provisioners' labels: `NotIn` also
 * matches nodes without the label, so on-demand nodes of either kind stay eligible.
 */
export function onDemandCoreDnsCommand(coredns: CoreDnsPlacement, clusterName: string): string {
  const affinity =
    '{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[' +
    '{"key":"karpenter.sh/capacity-type","operator":"NotIn","values":["spot"]},' +
    '{"key":"eks.amazonaws.com/capacityType","operator":"NotIn","values":["SPOT"]}]}]}}}';
  if (coredns.replicaController.kind === ReplicaControllerKind.eksAddon) {
    return (
      `aws eks update-addon --cluster-name ${clusterName} --addon-name coredns --resolve-conflicts PRESERVE ` +
      `--configuration-values '{"affinity":${affinity}}'`
    );
  }
  return `kubectl -n kube-system patch deployment ${deploymentOf(coredns)} --type merge -p '{"spec":{"template":{"spec":{"affinity":${affinity}}}}}'`;
}

/** Pods scheduled on one node: where a throttled node's own DNS traffic comes from. */
export function listNodePodsCommand(node: string): string {
  return `kubectl get pods -A -o wide --field-selector spec.nodeName=${node}`;
}

export const NODELOCAL_DNS_DOC = "https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/";
