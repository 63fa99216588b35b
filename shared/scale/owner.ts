import type { ConfigMap } from "../cluster/kube-objects.ts";
import type { AddonLookupOutcome, CoreDnsAddon } from "../enrich/addon-lookup.ts";
import {
  type AddonReplicaSettings,
  addonReplicaSettings,
  type DnsAutoscaler,
  targetsCoreDns,
} from "../enrich/replica-controller.ts";
import { ScaleOwner } from "../model/index.ts";

/**
 * Who owns CoreDNS's replica count, freshly read, with what the scaler needs to write through it. The order
 * is enrichment's (replica-controller.ts): add-on autoScaling, then a cluster-proportional-autoscaler
 * targeting coredns, then an add-on (replicaCount or none), then nobody.
 */
export type OwnerState =
  | { owner: typeof ScaleOwner.deployment; detail: string }
  | {
      owner: typeof ScaleOwner.eksAddon;
      detail: string;
      addon: CoreDnsAddon;
      settings: AddonReplicaSettings;
      autoScaling: boolean;
    }
  | {
      owner: typeof ScaleOwner.clusterProportionalAutoscaler;
      detail: string;
      autoscaler: DnsAutoscaler;
      configMap: ConfigMap | null;
    }
  | { owner: typeof ScaleOwner.unknown; detail: string };

export interface OwnerInputs {
  addon: AddonLookupOutcome;
  autoscaler: DnsAutoscaler | null;
  autoscalerConfigMap: ConfigMap | null;
  /** The operator's word for a cluster whose add-on status cannot be asked (a kubeconfig replay). */
  assumeSelfManaged: boolean;
  /** The CoreDNS Deployment's name (default `coredns`). */
  deployment?: string;
}

export function scaleOwnerOf(input: OwnerInputs): OwnerState {
  const { addon } = input;
  const deployment = input.deployment ?? "coredns";
  if (addon.kind === "present") {
    const settings = addonReplicaSettings(addon.values);
    const name = `EKS add-on coredns ${addon.addon.addonVersion}`;
    if (settings.autoScaling?.enabled) {
      const { minReplicas, maxReplicas } = settings.autoScaling;
      return {
        owner: ScaleOwner.eksAddon,
        detail: `${name} with autoScaling (min ${minReplicas ?? "default"}, max ${maxReplicas ?? "default"})`,
        addon: addon.addon,
        settings,
        autoScaling: true,
      };
    }
  }
  const cpa = input.autoscaler && targetsCoreDns(input.autoscaler, deployment) ? input.autoscaler : null;
  if (cpa) {
    return {
      owner: ScaleOwner.clusterProportionalAutoscaler,
      detail: `cluster-proportional-autoscaler deployment/${cpa.deployment} (ConfigMap ${cpa.configMap})`,
      autoscaler: cpa,
      configMap: input.autoscalerConfigMap,
    };
  }
  if (addon.kind === "present") {
    const settings = addonReplicaSettings(addon.values);
    const count =
      settings.replicaCount === null ? "without replicaCount" : `with replicaCount ${settings.replicaCount}`;
    return {
      owner: ScaleOwner.eksAddon,
      detail: `EKS add-on coredns ${addon.addon.addonVersion} ${count}`,
      addon: addon.addon,
      settings,
      autoScaling: false,
    };
  }
  if (addon.kind === "absent")
    return { owner: ScaleOwner.deployment, detail: `nobody: the ${deployment} Deployment` };
  if (input.assumeSelfManaged) {
    return {
      owner: ScaleOwner.deployment,
      detail: `the ${deployment} Deployment (self-managed, as the operator said)`,
    };
  }
  const why =
    addon.kind === "failed"
      ? `the EKS add-on lookup failed: ${addon.error}`
      : "the EKS add-on was not checked (a kubeconfig cannot ask EKS; replay --self-managed-coredns says CoreDNS is not an add-on)";
  return { owner: ScaleOwner.unknown, detail: `${why}, so who owns the replica count is unknown` };
}
