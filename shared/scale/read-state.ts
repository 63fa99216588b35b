import type { KubeApi } from "../cluster/kube-api.ts";
import { type Deployment, KubeAccept, type List, type Node } from "../cluster/kube-objects.ts";
import {
  type CoreDnsAddonLookup,
  lookupAutoMode,
  lookupCoreDnsAddon,
  selfManagedCoreDns,
} from "../enrich/addon-lookup.ts";
import { AUTO_MODE_DOCS, KubePath, NodeLabel } from "../enrich/constants.ts";
import {
  computeTypeOf,
  deploymentSelectedBy,
  describeServiceSelector,
  findCoreDnsDeployment,
  findDnsAutoscaler,
} from "../enrich/dns-layout.ts";
import { fetchConfigMap, fetchKubeDnsService } from "../enrich/dns-workloads.ts";
import { listItems, listTable } from "../enrich/kube-reads.ts";
import { cellText } from "../enrich/table.ts";
import { ComputeType } from "../model/index.ts";
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
  /** The Deployment's pods' label selector, as the landing check lists them. */
  podSelector: string;
  /** CoreDNS runs on Fargate: each new replica gets a Fargate node of its own, so nodes never bound it. */
  onFargate: boolean;
}

export const ScaleReadLimits = {
  /** Full node objects per page while looking for nodes that could take a replica. */
  nodePageSize: 100,
  /** Pages scanned at most: 500 nodes are plenty to find room for the few replicas one decision adds. */
  maxNodePages: 5,
} as const;

/** No CoreDNS Deployment to scale: EKS Auto Mode runs cluster DNS itself, or the cluster has no CoreDNS. */
export class CoreDnsMissingError extends Error {
  constructor(
    message: string,
    readonly autoMode: boolean,
  ) {
    super(message);
    this.name = "CoreDnsMissingError";
  }
}

export async function readScaleState(
  kube: KubeApi,
  options: { addon?: CoreDnsAddonLookup; assumeSelfManaged: boolean },
): Promise<ScaleState> {
  const [deployments, addon, autoMode] = await Promise.all([
    listItems<Deployment>(kube, KubePath.dnsDeployments),
    // The operator's word stands in for EKS's answer only where EKS cannot be asked.
    lookupCoreDnsAddon(options.addon ?? (options.assumeSelfManaged ? selfManagedCoreDns : undefined)),
    lookupAutoMode(options.addon),
  ]);
  const deployment = await coreDnsDeploymentOf(kube, deployments, autoMode.enabled === true);
  const podSelector = Object.entries(deployment.spec?.selector?.matchLabels ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
  const autoscaler = findDnsAutoscaler(deployments, deployment.metadata.name);
  const [pods, autoscalerConfigMap] = await Promise.all([
    listTable(kube, KubePath.dnsPods, { labelSelector: podSelector }),
    autoscaler ? fetchConfigMap(kube, autoscaler.configMap) : null,
  ]);
  const podsBefore = new Map<string, string | null>();
  for (const row of pods) {
    const name = cellText(row, "Name");
    if (name) podsBefore.set(name, cellText(row, "Node"));
  }
  const nodes = [...podsBefore.values()].filter((node): node is string => node !== null);
  return {
    deployment,
    owner: scaleOwnerOf({
      addon,
      autoscaler,
      autoscalerConfigMap,
      deploymentReplicas: deployment.spec?.replicas ?? null,
      deployment: deployment.metadata.name,
    }),
    podsBefore,
    podSelector,
    onFargate: nodes.length > 0 && nodes.every((node) => computeTypeOf(null, node) === ComputeType.fargate),
  };
}

/**
 * The CoreDNS Deployment as enrichment finds it (dns-layout.ts), or why there is none: EKS Auto Mode (from
 * DescribeCluster, or a node labelled `compute-type: auto`) or no CoreDNS at all.
 */
async function coreDnsDeploymentOf(
  kube: KubeApi,
  deployments: Deployment[],
  autoModeEnabled: boolean,
): Promise<Deployment> {
  const byLabels = findCoreDnsDeployment(deployments);
  if (byLabels) return byLabels;
  const autoMode = autoModeEnabled || (await hasAutoModeNode(kube));
  if (autoMode) {
    throw new CoreDnsMissingError(
      `EKS Auto Mode runs cluster DNS on its nodes as a managed component (${AUTO_MODE_DOCS.networking}): ` +
        "there is no CoreDNS Deployment to scale",
      true,
    );
  }
  const service = await fetchKubeDnsService(kube);
  const selected = deploymentSelectedBy(deployments, service?.spec?.selector);
  if (selected) return selected;
  throw new CoreDnsMissingError(
    `no CoreDNS Deployment in kube-system (none has pods labelled k8s-app=kube-dns, k8s-app=coredns or ` +
      `app.kubernetes.io/name=coredns; kube-dns Service: ${describeServiceSelector(service)})`,
    false,
  );
}

/** One node labelled `eks.amazonaws.com/compute-type=auto`, where EKS could not be asked (a kubeconfig). */
async function hasAutoModeNode(kube: KubeApi): Promise<boolean> {
  const page = await kube.get<List<Node>>(KubePath.nodes, {
    accept: KubeAccept.partialObjectMetadataList,
    query: { labelSelector: `${NodeLabel.computeType}=${ComputeType.auto}`, limit: "1" },
  });
  return (page.items ?? []).length > 0;
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
