import type { ConfigMap } from "../cluster/kube-objects.ts";
import type { AddonLookupOutcome, CoreDnsAddon } from "../enrich/addon-lookup.ts";
import {
  type AddonReplicaSettings,
  addonReplicaSettings,
  autoscalerParams,
  type DnsAutoscaler,
  decideReplicaController,
} from "../enrich/replica-controller.ts";
import { ScaleOwner } from "../model/index.ts";

/** Who owns CoreDNS's replica count, freshly read, with what the scaler needs to write through it. */
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
  deploymentReplicas: number | null;
  /** The CoreDNS Deployment's name (default `coredns`). */
  deployment?: string;
}

/** Enrichment's decision (the same owner, the same words), with what the scaler writes through. */
export function scaleOwnerOf(input: OwnerInputs): OwnerState {
  const { addon } = input;
  const decided = decideReplicaController({
    addon,
    autoscaler: input.autoscaler,
    autoscalerParams: autoscalerParams(input.autoscalerConfigMap),
    deploymentReplicas: input.deploymentReplicas,
    deployment: input.deployment,
  });
  const { detail } = decided;
  switch (decided.kind) {
    case ScaleOwner.eksAddon: {
      if (addon.kind !== "present") break;
      const settings = addonReplicaSettings(addon.values);
      return {
        owner: ScaleOwner.eksAddon,
        detail,
        addon: addon.addon,
        settings,
        autoScaling: settings.autoScaling?.enabled === true,
      };
    }
    case ScaleOwner.clusterProportionalAutoscaler:
      if (!input.autoscaler) break;
      return {
        owner: decided.kind,
        detail,
        autoscaler: input.autoscaler,
        configMap: input.autoscalerConfigMap,
      };
    case ScaleOwner.deployment:
    case ScaleOwner.unknown:
      return { owner: decided.kind, detail };
  }
  throw new Error(`owner ${decided.kind} decided without what it needs (${detail})`);
}
