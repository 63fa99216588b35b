import { KubeNotFoundError } from "../cluster/errors.ts";
import type { KubeApi } from "../cluster/kube-api.ts";
import type { ConfigMap, Deployment } from "../cluster/kube-objects.ts";
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

/** The DNS workloads of kube-system, read in two requests whatever the cluster size. */
export interface DnsWorkloads {
  corednsPods: DnsPodRow[];
  corednsReplicas: { desired: number; ready: number } | null;
  autoscaler: DnsAutoscaler | null;
  nodeLocal: NodeLocalDnsStatus;
  /** Nodes with a ready node-local-dns pod. */
  nodeLocalNodes: Set<string>;
}

/**
 * One Table read of kube-system pods covers CoreDNS and NodeLocal DNSCache (a set-based selector on
 * `k8s-app`), and one list of Deployments covers CoreDNS and its autoscaler. NodeLocal DNSCache is counted
 * from its pods (one per node it runs on) rather than read from its DaemonSet: the same figures, and which
 * nodes it serves, without a third request.
 */
export async function fetchDnsWorkloads(kube: KubeApi): Promise<DnsWorkloads> {
  const appLabel = DnsWorkload.appLabelKey;
  const [pods, deployments] = await Promise.all([
    listTable(kube, KubePath.dnsPods, {
      labelSelector: inSelector(appLabel, [DnsWorkload.corednsAppLabel, DnsWorkload.nodeLocalAppLabel]),
    }),
    listItems<Deployment>(kube, KubePath.dnsDeployments, {
      labelSelector: inSelector(appLabel, [DnsWorkload.corednsAppLabel, DnsWorkload.autoscalerAppLabel]),
    }),
  ]);
  return readDnsWorkloads(pods, deployments);
}

/** A DaemonSet's pods are named `<daemonset>-<5 characters>`: how a row without labels is told apart. */
const NODE_LOCAL_POD = new RegExp(`^${DnsWorkload.nodeLocalDaemonSet}-[a-z0-9]{5}$`);

export function readDnsWorkloads(pods: TableRecord[], deployments: Deployment[]): DnsWorkloads {
  const coredns = deployments.find((d) => d.metadata.name === DnsWorkload.corednsDeployment) ?? null;
  const autoscalerDeployment = deployments.find(
    (d) => d.metadata.labels?.[DnsWorkload.appLabelKey] === DnsWorkload.autoscalerAppLabel,
  );
  const rows = pods.map(dnsPodRow).filter((pod): pod is DnsPodRow => pod !== null);
  const nodeLocalPods = rows.filter((pod) => NODE_LOCAL_POD.test(pod.name));
  const nodeLocalReady = nodeLocalPods.filter((pod) => pod.ready);
  return {
    corednsPods: rows.filter((pod) => !NODE_LOCAL_POD.test(pod.name)),
    corednsReplicas: coredns
      ? { desired: coredns.spec?.replicas ?? 1, ready: coredns.status?.readyReplicas ?? 0 }
      : null,
    autoscaler: autoscalerDeployment ? dnsAutoscalerOf(autoscalerDeployment) : null,
    nodeLocal: {
      present: nodeLocalPods.length > 0,
      desired: nodeLocalPods.length,
      ready: nodeLocalReady.length,
    },
    nodeLocalNodes: new Set(nodeLocalReady.flatMap((pod) => (pod.node ? [pod.node] : []))),
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
