import { KubeNotFoundError } from "../cluster/errors.ts";
import type { KubeApi } from "../cluster/kube-api.ts";
import type { ConfigMap, DaemonSet, Deployment } from "../cluster/kube-objects.ts";
import { DnsWorkload, KubePath } from "./constants.ts";
import { inSelector, listItems, listTable } from "./kube-reads.ts";
import { type DnsAutoscaler, dnsAutoscalerOf } from "./replica-controller.ts";
import { cellText, type TableRecord } from "./table.ts";

/** A CoreDNS pod as its Table row shows it. */
export interface DnsPodRow {
  name: string;
  node: string | null;
  ready: boolean;
}

export interface NodeLocalDnsStatus {
  present: boolean;
  desired: number;
  ready: number;
}

/** The DNS workloads of kube-system, read in three requests whatever the cluster size. */
export interface DnsWorkloads {
  corednsPods: DnsPodRow[];
  corednsReplicas: { desired: number; ready: number } | null;
  autoscaler: DnsAutoscaler | null;
  nodeLocal: NodeLocalDnsStatus;
}

export async function fetchDnsWorkloads(kube: KubeApi): Promise<DnsWorkloads> {
  const appLabel = DnsWorkload.appLabelKey;
  const [pods, deployments, daemonSets] = await Promise.all([
    listTable(kube, KubePath.dnsPods, { labelSelector: `${appLabel}=${DnsWorkload.corednsAppLabel}` }),
    // One list for CoreDNS and its autoscaler: a set-based selector merges what would be two GETs.
    listItems<Deployment>(kube, KubePath.dnsDeployments, {
      labelSelector: inSelector(appLabel, [DnsWorkload.corednsAppLabel, DnsWorkload.autoscalerAppLabel]),
    }),
    // A field selector rather than a GET by name: absence is then an empty list, not a 404 that would read
    // the same as an unknown cluster.
    listItems<DaemonSet>(kube, KubePath.dnsDaemonSets, {
      fieldSelector: `metadata.name=${DnsWorkload.nodeLocalDaemonSet}`,
    }),
  ]);
  return readDnsWorkloads(pods, deployments, daemonSets);
}

export function readDnsWorkloads(
  pods: TableRecord[],
  deployments: Deployment[],
  daemonSets: DaemonSet[],
): DnsWorkloads {
  const coredns = deployments.find((d) => d.metadata.name === DnsWorkload.corednsDeployment) ?? null;
  const autoscalerDeployment = deployments.find(
    (d) => d.metadata.labels?.[DnsWorkload.appLabelKey] === DnsWorkload.autoscalerAppLabel,
  );
  const nodeLocal = daemonSets.find((d) => d.metadata.name === DnsWorkload.nodeLocalDaemonSet);
  return {
    corednsPods: pods.map(dnsPodRow).filter((pod): pod is DnsPodRow => pod !== null),
    corednsReplicas: coredns
      ? { desired: coredns.spec?.replicas ?? 1, ready: coredns.status?.readyReplicas ?? 0 }
      : null,
    autoscaler: autoscalerDeployment ? dnsAutoscalerOf(autoscalerDeployment) : null,
    nodeLocal: nodeLocal
      ? {
          present: true,
          desired: nodeLocal.status?.desiredNumberScheduled ?? 0,
          ready: nodeLocal.status?.numberReady ?? 0,
        }
      : { present: false, desired: 0, ready: 0 },
  };
}

const FINISHED_PHASES = new Set(["Succeeded", "Failed", "Completed", "Error"]);

/** `Ready` reads `1/1`; a pod counts as ready when all its containers are and it is not finished. */
function dnsPodRow(record: TableRecord): DnsPodRow | null {
  const name = cellText(record, "Name");
  if (!name) return null;
  const status = cellText(record, "Status") ?? "";
  if (FINISHED_PHASES.has(status)) return null;
  const [ready, total] = (cellText(record, "Ready") ?? "0/0").split("/").map(Number);
  return {
    name,
    node: cellText(record, "Node"),
    ready: status === "Running" && total !== undefined && total > 0 && ready === total,
  };
}

/**
 * The autoscaler's ConfigMap, by name: a GET lets RBAC grant exactly that ConfigMap (`resourceNames`), not
 * every ConfigMap of kube-system (`aws-auth` lives there). A missing one is null.
 */
export async function fetchConfigMap(kube: KubeApi, name: string): Promise<ConfigMap | null> {
  try {
    return await kube.get<ConfigMap>(`${KubePath.dnsConfigMaps}/${encodeURIComponent(name)}`);
  } catch (error) {
    if (error instanceof KubeNotFoundError) return null;
    throw error;
  }
}

/** Nodes with a ready node-local-dns pod: one node by field selector, or every node from one Table list. */
export async function fetchNodeLocalDnsNodes(
  kube: KubeApi,
  nodes: readonly string[] | "all",
): Promise<Set<string>> {
  const labelSelector = `${DnsWorkload.appLabelKey}=${DnsWorkload.nodeLocalAppLabel}`;
  const lists =
    nodes === "all"
      ? [listTable(kube, KubePath.dnsPods, { labelSelector })]
      : nodes.map((node) =>
          listTable(kube, KubePath.dnsPods, { labelSelector, fieldSelector: `spec.nodeName=${node}` }),
        );
  const serving = new Set<string>();
  for (const rows of await Promise.all(lists)) {
    for (const row of rows) {
      const pod = dnsPodRow(row);
      if (pod?.node && pod.ready) serving.add(pod.node);
    }
  }
  return serving;
}
