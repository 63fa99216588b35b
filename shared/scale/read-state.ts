import type { KubeApi } from "../cluster/kube-api.ts";
import type { Deployment, List, Node } from "../cluster/kube-objects.ts";
import { type CoreDnsAddonLookup, lookupCoreDnsAddon, selfManagedCoreDns } from "../enrich/addon-lookup.ts";
import { DnsWorkload, KubePath } from "../enrich/constants.ts";
import { fetchConfigMap } from "../enrich/dns-workloads.ts";
import { inSelector, listItems, listTable } from "../enrich/kube-reads.ts";
import { dnsAutoscalerOf, targetsCoreDns } from "../enrich/replica-controller.ts";
import { cellText } from "../enrich/table.ts";
import { type OwnerState, scaleOwnerOf } from "./owner.ts";
import { CapacityCounter, type NodeCapacity, type PlacementRules } from "./placement.ts";

/**
 * The scaler's fresh reads. Never the ingest's cached facts: a decision to write must see the Deployment's
 * current resourceVersion, replicas, rollout state and annotation, and who owns the count right now.
 */
export interface ScaleState {
  deployment: Deployment;
  owner: OwnerState;
  /** CoreDNS pods before any write, name -> node, to tell the new replicas apart afterwards. */
  podsBefore: Map<string, string | null>;
}

export const ScaleReadLimits = {
  /** Full node objects per page while looking for nodes that could take a replica. */
  nodePageSize: 100,
  /** Pages scanned at most: 500 nodes are plenty to find room for the few replicas one decision adds. */
  maxNodePages: 5,
} as const;

export class CoreDnsMissingError extends Error {
  constructor() {
    super("there is no Deployment kube-system/coredns to scale");
    this.name = "CoreDnsMissingError";
  }
}

export async function readScaleState(
  kube: KubeApi,
  options: { addon?: CoreDnsAddonLookup; assumeSelfManaged: boolean },
): Promise<ScaleState> {
  const appLabel = DnsWorkload.appLabelKey;
  const [deployments, pods, addon] = await Promise.all([
    listItems<Deployment>(kube, KubePath.dnsDeployments, {
      labelSelector: inSelector(appLabel, [DnsWorkload.corednsAppLabel, DnsWorkload.autoscalerAppLabel]),
    }),
    listTable(kube, KubePath.dnsPods, { labelSelector: `${appLabel}=${DnsWorkload.corednsAppLabel}` }),
    // The operator's word stands in for EKS's answer only where EKS cannot be asked.
    lookupCoreDnsAddon(options.addon ?? (options.assumeSelfManaged ? selfManagedCoreDns : undefined)),
  ]);
  const deployment = deployments.find((d) => d.metadata.name === DnsWorkload.corednsDeployment);
  if (!deployment) throw new CoreDnsMissingError();
  const autoscalerDeployment = deployments.find(
    (d) => d.metadata.labels?.[appLabel] === DnsWorkload.autoscalerAppLabel,
  );
  const autoscaler = autoscalerDeployment ? dnsAutoscalerOf(autoscalerDeployment) : null;
  const autoscalerConfigMap =
    autoscaler && targetsCoreDns(autoscaler) ? await fetchConfigMap(kube, autoscaler.configMap) : null;
  const podsBefore = new Map<string, string | null>();
  for (const row of pods) {
    const name = cellText(row, "Name");
    if (name) podsBefore.set(name, cellText(row, "Node"));
  }
  return {
    deployment,
    owner: scaleOwnerOf({
      addon,
      autoscaler,
      autoscalerConfigMap,
      deploymentReplicas: deployment.spec?.replicas ?? null,
    }),
    podsBefore,
  };
}

/** Pages through full node objects (taints and conditions are only there) until `wanted` spread values are found. */
export async function scanNodeCapacity(
  kube: KubeApi,
  rules: PlacementRules,
  wanted: number,
): Promise<NodeCapacity> {
  const counter = new CapacityCounter(rules, wanted);
  let token: string | undefined;
  for (let page = 0; page < ScaleReadLimits.maxNodePages; page++) {
    const list = await kube.get<List<Node>>(KubePath.nodes, {
      query: { limit: String(ScaleReadLimits.nodePageSize), continue: token },
    });
    counter.add(list.items ?? []);
    if (counter.enough) return counter.result(false);
    token = list.metadata?.continue || undefined;
    if (!token) return counter.result(true);
  }
  return counter.result(false);
}
