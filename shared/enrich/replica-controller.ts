import type { ConfigMap, Deployment } from "../cluster/kube-objects.ts";
import { type ReplicaController, ReplicaControllerKind } from "../model/index.ts";
import type { AddonLookupOutcome } from "./addon-lookup.ts";
import { AUTO_MODE_DOCS, DnsWorkload } from "./constants.ts";

/** What the EKS coredns add-on's configuration values say about replicas. */
export interface AddonReplicaSettings {
  replicaCount: number | null;
  autoScaling: { enabled: boolean; minReplicas: number | null; maxReplicas: number | null } | null;
}

/** From the parsed configuration values (see parseConfigurationValues); unreadable values count as unset. */
export function addonReplicaSettings(values: unknown): AddonReplicaSettings {
  const empty: AddonReplicaSettings = { replicaCount: null, autoScaling: null };
  if (typeof values !== "object" || values === null) return empty;
  const record = values as Record<string, unknown>;
  const scaling = record.autoScaling as Record<string, unknown> | undefined;
  return {
    replicaCount: wholeNumber(record.replicaCount),
    autoScaling:
      typeof scaling === "object" && scaling !== null
        ? {
            enabled: scaling.enabled === true || scaling.enabled === "true",
            minReplicas: wholeNumber(scaling.minReplicas),
            maxReplicas: wholeNumber(scaling.maxReplicas),
          }
        : null,
  };
}

/** A cluster-proportional-autoscaler Deployment and what it targets. */
export interface DnsAutoscaler {
  deployment: string;
  /** `deployment/coredns` as given in --target, lower-cased. */
  target: string | null;
  configMap: string;
}

/** Reads --target and --configmap from the autoscaler's command line (upstream puts them in `command`). */
export function dnsAutoscalerOf(deployment: Deployment): DnsAutoscaler {
  const words: string[] = [];
  for (const container of deployment.spec?.template?.spec?.containers ?? []) {
    const command = (container as { command?: string[] }).command ?? [];
    words.push(...command, ...(container.args ?? []));
  }
  const flag = (name: string) => {
    const word = words.find((w) => w.startsWith(`--${name}=`));
    return word ? word.slice(name.length + 3) : null;
  };
  return {
    deployment: deployment.metadata.name,
    target: flag("target")?.toLowerCase() ?? null,
    configMap: flag("configmap") ?? deployment.metadata.name,
  };
}

/**
 * A `k8s-app=dns-autoscaler` Deployment whose command line we cannot read is taken to scale coredns: that
 * label is the upstream DNS autoscaler's, and its default ConfigMap carries the Deployment's name.
 */
export function targetsCoreDns(
  autoscaler: DnsAutoscaler,
  coredns: string = DnsWorkload.corednsDeployment,
): boolean {
  if (autoscaler.target === null) return true;
  return autoscaler.target.split(",").includes(`deployment/${coredns.toLowerCase()}`);
}

/**
 * Who runs cluster DNS when no CoreDNS Deployment was found: EKS Auto Mode (on its nodes, as a managed
 * component; see AUTO_MODE_DOCS), or nobody we can name (another DNS provider behind the kube-dns Service).
 */
export function withoutCoreDnsDeployment(layout: {
  autoMode: { enabled: boolean; source: string | null };
  dnsService: string | null;
}): ReplicaController {
  if (layout.autoMode.enabled) {
    const how = layout.autoMode.source === "compute-config" ? "DescribeCluster computeConfig" : "node labels";
    return {
      kind: ReplicaControllerKind.eksAutoMode,
      detail:
        `EKS Auto Mode (${how}): AWS runs cluster DNS on each Auto Mode node as a managed component and ` +
        `caches queries on the node (${AUTO_MODE_DOCS.networking}); there is no CoreDNS Deployment to scale`,
    };
  }
  const service =
    layout.dnsService === null
      ? "the kube-dns Service was not read"
      : layout.dnsService === "absent"
        ? "there is no kube-dns Service"
        : `the kube-dns Service selects ${layout.dnsService}, which no Deployment's pods match`;
  return {
    kind: ReplicaControllerKind.unknown,
    detail: `no CoreDNS: no kube-system Deployment has pods labelled k8s-app=kube-dns, k8s-app=coredns or app.kubernetes.io/name=coredns, and ${service} (another DNS provider?)`,
  };
}

/** One line about the autoscaler's parameters: linear (nodes/cores per replica, min, max) or ladder. */
export function autoscalerParams(configMap: ConfigMap | null): string | null {
  const data = configMap?.data;
  if (!data) return null;
  if (data.linear) {
    try {
      const linear = JSON.parse(data.linear) as Record<string, unknown>;
      const parts = [
        linear.nodesPerReplica !== undefined ? `1 replica per ${linear.nodesPerReplica} nodes` : null,
        linear.coresPerReplica !== undefined ? `per ${linear.coresPerReplica} cores` : null,
        linear.min !== undefined ? `min ${linear.min}` : null,
        linear.max !== undefined ? `max ${linear.max}` : null,
      ].filter((part) => part !== null);
      return `linear: ${parts.join(", ")}`;
    } catch {
      return "linear parameters unreadable";
    }
  }
  if (data.ladder) return "ladder parameters";
  return null;
}

/**
 * Who owns CoreDNS's replica count: the one decision behind enrichment's `replicaController`, the diagnosis and
 * the scaler's owner (shared/scale/owner.ts adds what it writes through). An add-on with autoScaling wins (EKS
 * rewrites replicas continuously), then a cluster-proportional-autoscaler targeting coredns, then an add-on
 * pinning or defaulting replicas, then the Deployment itself when EKS (or the operator) says there is no add-on.
 */
export function decideReplicaController(input: {
  addon: AddonLookupOutcome;
  autoscaler: DnsAutoscaler | null;
  autoscalerParams: string | null;
  deploymentReplicas: number | null;
  /** The CoreDNS Deployment's name (default `coredns`). */
  deployment?: string;
}): ReplicaController {
  const { addon, autoscaler } = input;
  const name = input.deployment ?? DnsWorkload.corednsDeployment;
  const addonName = addon.kind === "present" ? `EKS add-on coredns ${addon.addon.addonVersion}` : null;
  const settings = addon.kind === "present" ? addonReplicaSettings(addon.values) : null;
  if (addonName && settings?.autoScaling?.enabled) {
    const { minReplicas, maxReplicas } = settings.autoScaling;
    return {
      kind: ReplicaControllerKind.eksAddon,
      detail: `${addonName} with autoScaling (min ${minReplicas ?? "default"}, max ${maxReplicas ?? "default"})`,
    };
  }
  const cpa = autoscaler && targetsCoreDns(autoscaler, name) ? autoscaler : null;
  if (cpa) {
    const params = input.autoscalerParams ? ` ${input.autoscalerParams}` : "";
    return {
      kind: ReplicaControllerKind.clusterProportionalAutoscaler,
      detail: `cluster-proportional-autoscaler deployment/${cpa.deployment}, ConfigMap ${cpa.configMap}${params}`,
    };
  }
  if (addonName && settings?.replicaCount !== null && settings?.replicaCount !== undefined) {
    return {
      kind: ReplicaControllerKind.eksAddon,
      detail: `${addonName} with replicaCount ${settings.replicaCount}`,
    };
  }
  if (addonName) {
    return {
      kind: ReplicaControllerKind.eksAddon,
      detail: `${addonName} without replicaCount or autoScaling (an add-on update with OVERWRITE resets kubectl scale)`,
    };
  }
  const replicas = input.deploymentReplicas === null ? "" : ` (${input.deploymentReplicas})`;
  if (addon.kind === "absent") {
    const why = addon.declaredByOperator
      ? "not an EKS add-on, as --self-managed-coredns says"
      : "no EKS add-on, no autoscaler";
    return {
      kind: ReplicaControllerKind.deployment,
      detail: `the ${name} Deployment's own spec.replicas${replicas}; ${why}`,
    };
  }
  const why =
    addon.kind === "failed"
      ? `the EKS add-on lookup failed: ${addon.error}`
      : "the EKS add-on was not checked (a kubeconfig cannot ask EKS; replay --self-managed-coredns says CoreDNS is not an add-on)";
  return {
    kind: ReplicaControllerKind.unknown,
    detail: `${why}; no cluster-proportional-autoscaler targets ${name}, spec.replicas${replicas}`,
  };
}

function wholeNumber(value: unknown): number | null {
  const number = typeof value === "string" ? Number(value) : value;
  return typeof number === "number" && Number.isInteger(number) ? number : null;
}
