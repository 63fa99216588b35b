import type { KubeApi } from "../cluster/kube-api.ts";
import type { Node, NodeList } from "../cluster/kube-objects.ts";
import { ComputeType } from "../model/index.ts";
import { EnrichLimits, KubePath, NodeLabel } from "./constants.ts";
import { computeTypeOf } from "./dns-layout.ts";
import { chunkByLength, inSelector, isLabelValue, listItems, listTable } from "./kube-reads.ts";
import { type NodeRecord, nodeRecordFromObject, nodeRecordFromTable } from "./node-record.ts";
import { cellText } from "./table.ts";

/** Node reads, each a fixed number of requests whatever the number of alerts. */

export interface NodeCounts {
  total: number;
  /** Not cordoned, and not Fargate: a Fargate node runs its one pod and never takes another. */
  schedulable: number;
  fargate: number;
}

export function countsFromRecords(records: readonly NodeRecord[]): NodeCounts {
  const fargate = records.filter(
    (record) => computeTypeOf(record.labels, record.name) === ComputeType.fargate,
  );
  const onFargate = new Set(fargate);
  return {
    total: records.length,
    schedulable: records.filter((record) => record.unschedulable !== true && !onFargate.has(record)).length,
    fargate: fargate.length,
  };
}

/** Every node as a Table row without objects: name, status and Internal-IP at ~250 bytes a node. */
export async function listNodeRows(kube: KubeApi): Promise<NodeRecord[]> {
  const rows = await listTable(kube, KubePath.nodes);
  return rows.map(nodeRecordFromTable).filter((record): record is NodeRecord => record !== null);
}

/**
 * Named nodes, selected on the `kubernetes.io/hostname` label (equal to the node name on EKS) so one request
 * covers many names. A handful come as full objects, the only form with spec.providerID; more come as Table
 * rows with metadata, split so no request line outgrows the server's header limit.
 */
export async function fetchNamedNodes(kube: KubeApi, names: readonly string[]): Promise<NodeRecord[]> {
  const selectable = [...new Set(names.filter(isLabelValue))].sort();
  if (selectable.length === 0) return [];
  if (selectable.length <= EnrichLimits.fullObjectNodes) {
    const nodes = await listItems<Node>(kube, KubePath.nodes, {
      labelSelector: inSelector(NodeLabel.hostname, selectable),
    });
    return nodes.map(nodeRecordFromObject);
  }
  const chunks = chunkByLength(selectable, EnrichLimits.selectorChars);
  const pages = await Promise.all(
    chunks.map((chunk) =>
      listTable(kube, KubePath.nodes, { labelSelector: inSelector(NodeLabel.hostname, chunk) }, "Metadata"),
    ),
  );
  return pages
    .flat()
    .map(nodeRecordFromTable)
    .filter((record): record is NodeRecord => record !== null);
}

/**
 * Pod IP -> node, one `status.podIP` field-selected Table list per IP. kube-system first: on EKS its
 * hostNetwork pods (aws-node, kube-proxy) carry every node's IP, so a hostNetwork exporter's instance is
 * placed within the kube-system read access enrichment is granted anyway. IPs not found there are looked up
 * across all namespaces, which needs cluster-wide pod list access.
 */
export async function lookupPodIps(
  kube: KubeApi,
  ips: readonly string[],
  options: { kubeSystemFirst: boolean } = { kubeSystemFirst: true },
): Promise<Map<string, string>> {
  const found = options.kubeSystemFirst
    ? await podIpNodes(kube, KubePath.dnsPods, ips)
    : new Map<string, string>();
  const rest = ips.filter((ip) => !found.has(ip));
  if (rest.length > 0)
    for (const [ip, node] of await podIpNodes(kube, KubePath.pods, rest)) found.set(ip, node);
  return found;
}

async function podIpNodes(kube: KubeApi, path: string, ips: readonly string[]): Promise<Map<string, string>> {
  const answers = await Promise.all(
    ips.map(
      async (ip) => [ip, await listTable(kube, path, { fieldSelector: `status.podIP=${ip}` })] as const,
    ),
  );
  const found = new Map<string, string>();
  for (const [ip, rows] of answers) {
    const node = rows.map((row) => cellText(row, "Node")).find((name) => name !== null);
    if (node) found.set(ip, node);
  }
  return found;
}

/** Pod IP -> node for every pod of one namespace (where a non-hostNetwork exporter runs), one Table list. */
export async function podIpsInNamespace(kube: KubeApi, namespace: string): Promise<Map<string, string>> {
  const rows = await listTable(kube, `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`);
  const found = new Map<string, string>();
  for (const row of rows) {
    const ip = cellText(row, "IP");
    const node = cellText(row, "Node");
    if (ip && node) found.set(ip.toLowerCase(), node);
  }
  return found;
}

/**
 * To match an EC2 instance id against spec.providerID, full objects are needed; this reads one bounded page
 * of them and says whether the cluster had more.
 */
export async function scanProviderIds(kube: KubeApi): Promise<{ records: NodeRecord[]; complete: boolean }> {
  const page = await kube.get<NodeList>(KubePath.nodes, {
    query: { limit: String(EnrichLimits.providerIdScanNodes) },
  });
  return { records: (page.items ?? []).map(nodeRecordFromObject), complete: !page.metadata?.continue };
}
