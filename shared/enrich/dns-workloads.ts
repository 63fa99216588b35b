import { KubeNotFoundError } from "../cluster/errors.ts";
import type { KubeApi } from "../cluster/kube-api.ts";
import type { ConfigMap, Deployment, Service } from "../cluster/kube-objects.ts";
import { DnsWorkload, KubePath } from "./constants.ts";
import {
  CORE_DNS_APP_LABELS,
  deploymentSelectedBy,
  describeServiceSelector,
  findCoreDnsDeployment,
  findDnsAutoscaler,
} from "./dns-layout.ts";
import { inSelector, listItems, listTable } from "./kube-reads.ts";
import type { DnsAutoscaler } from "./replica-controller.ts";
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
  /** The CoreDNS Deployment's name, whatever it is (dns-layout.ts); null when the cluster has none. */
  corednsDeployment: string | null;
  /** Its `spec.selector.matchLabels`. */
  corednsSelector: Record<string, string> | null;
  corednsPods: DnsPodRow[];
  corednsReplicas: { desired: number; ready: number } | null;
  autoscaler: DnsAutoscaler | null;
  nodeLocal: NodeLocalDnsStatus;
  /** Nodes with a ready node-local-dns pod. */
  nodeLocalNodes: Set<string>;
  /** The kube-dns Service's selector as text when it had to be read (no Deployment looked like CoreDNS). */
  dnsService: string | null;
}

/**
 * One Table read of kube-system pods covers CoreDNS (EKS's `k8s-app=kube-dns`, the Helm chart's
 * `k8s-app=coredns`) and NodeLocal DNSCache (a set-based selector on `k8s-app`), and one list of kube-system's
 * Deployments finds CoreDNS and its autoscaler whatever their names. NodeLocal DNSCache is counted from its
 * pods (one per node it runs on) rather than read from its DaemonSet: the same figures, and which nodes it
 * serves, without a third request. Only when no Deployment looks like CoreDNS is the kube-dns Service read
 * (and, if it selects a Deployment after all, that Deployment's pods): two more requests, in those layouts only.
 */
export async function fetchDnsWorkloads(
  kube: KubeApi,
  options: { autoModeEnabled: boolean } = { autoModeEnabled: false },
): Promise<DnsWorkloads> {
  const appLabel = DnsWorkload.appLabelKey;
  const [pods, deployments] = await Promise.all([
    listTable(kube, KubePath.dnsPods, {
      labelSelector: inSelector(appLabel, [...CORE_DNS_APP_LABELS, DnsWorkload.nodeLocalAppLabel]),
    }),
    listItems<Deployment>(kube, KubePath.dnsDeployments),
  ]);
  const coredns = findCoreDnsDeployment(deployments);
  // Auto Mode, known from DescribeCluster, explains a missing Deployment: no Service read needed.
  if (coredns || options.autoModeEnabled) return readDnsWorkloads(pods, deployments, coredns, null);
  const service = await fetchKubeDnsService(kube);
  const selected = deploymentSelectedBy(deployments, service?.spec?.selector);
  const selectedPods = selected
    ? await listTable(kube, KubePath.dnsPods, { labelSelector: selectorText(service?.spec?.selector) })
    : [];
  return readDnsWorkloads(
    [...pods, ...selectedPods],
    deployments,
    selected,
    describeServiceSelector(service),
  );
}

/** A DaemonSet's pods are named `<daemonset>-<5 characters>`: how a row without labels is told apart. */
const NODE_LOCAL_POD = new RegExp(`^${DnsWorkload.nodeLocalDaemonSet}-[a-z0-9]{5}$`);

export function readDnsWorkloads(
  pods: TableRecord[],
  deployments: Deployment[],
  coredns: Deployment | null = findCoreDnsDeployment(deployments),
  dnsService: string | null = null,
): DnsWorkloads {
  const name = coredns?.metadata.name ?? null;
  // A Deployment's pods are named `<deployment>-<replicaset hash>-<5 characters>`.
  const ownPod = name ? new RegExp(`^${escapeRegExp(name)}-[a-z0-9]+-[a-z0-9]{5}$`) : null;
  const rows = pods.map(dnsPodRow).filter((pod): pod is DnsPodRow => pod !== null);
  const nodeLocalPods = rows.filter((pod) => NODE_LOCAL_POD.test(pod.name));
  const nodeLocalReady = nodeLocalPods.filter((pod) => pod.ready);
  return {
    corednsDeployment: name,
    corednsSelector: coredns?.spec?.selector?.matchLabels ?? null,
    corednsPods: ownPod ? rows.filter((pod) => ownPod.test(pod.name) && !NODE_LOCAL_POD.test(pod.name)) : [],
    corednsReplicas: coredns
      ? { desired: coredns.spec?.replicas ?? 1, ready: coredns.status?.readyReplicas ?? 0 }
      : null,
    autoscaler: findDnsAutoscaler(deployments, name),
    nodeLocal: {
      present: nodeLocalPods.length > 0,
      desired: nodeLocalPods.length,
      ready: nodeLocalReady.length,
    },
    nodeLocalNodes: new Set(nodeLocalReady.flatMap((pod) => (pod.node ? [pod.node] : []))),
    dnsService,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function selectorText(selector: Record<string, string> | undefined): string {
  return Object.entries(selector ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}

/** The kube-dns Service by name (RBAC can grant exactly it); null when the cluster has none. */
export async function fetchKubeDnsService(kube: KubeApi): Promise<Service | null> {
  try {
    return await kube.get<Service>(`${KubePath.dnsServices}/${DnsWorkload.dnsService}`);
  } catch (error) {
    if (error instanceof KubeNotFoundError) return null;
    throw error;
  }
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
