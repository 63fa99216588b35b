import type { KubeApi } from "../cluster/kube-api.ts";
import type { AlertGroup, EnrichmentFailureReason } from "../model/index.ts";
import {
  type AddonLookupOutcome,
  type AutoModeOutcome,
  type CoreDnsAddonLookup,
  lookupAutoMode,
  lookupCoreDnsAddon,
} from "./addon-lookup.ts";
import { EnrichLimits } from "./constants.ts";
import { nodeLocalCoversEveryNode } from "./coredns-placement.ts";
import { type DnsWorkloads, fetchConfigMap, fetchDnsWorkloads } from "./dns-workloads.ts";
import type { ClusterDnsFacts } from "./facts-cache.ts";
import { type Attempt, attempt } from "./failure.ts";
import type { FetchPlan } from "./fetch-plan.ts";
import type { NodeIdentity } from "./node-identity.ts";
import {
  countsFromRecords,
  fetchNamedNodes,
  listNodeRows,
  lookupPodIps,
  type NodeCounts,
  podIpsInNamespace,
  scanProviderIds,
} from "./node-reads.ts";
import { mergeNodeRecords, type NodeRecord } from "./node-record.ts";
import { autoscalerParams } from "./replica-controller.ts";
import { buildNodeIndex, type NodeIndex, resolveNode } from "./resolve-node.ts";

/** Everything one group's reads brought back; failures are kept as one-line messages, never thrown. */
export interface GroupReads {
  cached: ClusterDnsFacts | null;
  workloads: DnsWorkloads | null;
  addon: AddonLookupOutcome;
  /** DescribeCluster's word on EKS Auto Mode (null: not asked, as with a kubeconfig). */
  autoMode: AutoModeOutcome;
  counts: NodeCounts | null;
  records: Map<string, NodeRecord>;
  podIps: Map<string, string>;
  /** Nodes with a ready node-local-dns pod, when they had to be looked up. */
  nodeLocalOn: Set<string> | null;
  nodeLocalCoversAll: boolean;
  autoscalerParams: string | null;
  /** Failed reads of cluster-wide facts. */
  errors: string[];
  /** Failed or skipped node reads; they explain alerts left without a node. */
  nodeErrors: string[];
  /** The kind of every failed read above (the add-on lookup's is on `addon`). */
  failureReasons: EnrichmentFailureReason[];
}

/**
 * The group's reads in three rounds of parallel requests: (A) what needs no other answer (kube-system's DNS
 * pods and Deployments, the node Table when cold or for a large group, pod IPs for a warm small one), (B) pod
 * IPs the node Table left unplaced, (C) details of the nodes found and of CoreDNS's nodes, the autoscaler's
 * ConfigMap. Cluster-wide facts are skipped when `cached` holds them. A cold 1-alert group: 4 requests.
 */
export async function readGroup(
  kube: KubeApi,
  group: AlertGroup,
  identities: readonly NodeIdentity[],
  plan: FetchPlan,
  cached: ClusterDnsFacts | null,
  addonLookup: CoreDnsAddonLookup | undefined,
): Promise<GroupReads> {
  const errors: string[] = [];
  const nodeErrors: string[] = [];
  const failureReasons: EnrichmentFailureReason[] = [];
  const keep = <T>(outcome: Attempt<T> | null, sink: string[]) => keepValue(outcome, sink, failureReasons);
  const records = new Map<string, NodeRecord>();
  const addRecords = (list: readonly NodeRecord[]) => {
    for (const record of list) records.set(record.name, mergeNodeRecords(records.get(record.name), record));
  };
  const targeted = plan.kind === "targeted";
  // A cold read lists the node Table whatever the group: the node count, the cordoned nodes and every node IP
  // in one request (cached with the cluster facts' other answers), instead of a count, a cordoned list and
  // per-IP lookups. A warm targeted group then needs only its own nodes.
  const readRows = !targeted || cached === null;

  const autoModeLookup: Promise<AutoModeOutcome> = cached
    ? Promise.resolve({ enabled: cached.autoMode.enabled })
    : lookupAutoMode(addonLookup);
  const [workloadsRead, addon, nodeRows, podIpHits, scan, autoMode] = await Promise.all([
    cached
      ? null
      : attempt("reading CoreDNS, dns-autoscaler and node-local-dns in kube-system", async () =>
          fetchDnsWorkloads(kube, { autoModeEnabled: (await autoModeLookup).enabled === true }),
        ),
    cached ? cached.addon : lookupCoreDnsAddon(addonLookup),
    readRows ? attempt("listing nodes (Table form)", () => listNodeRows(kube)) : null,
    !readRows && plan.ips.length > 0
      ? attempt("looking up instance IPs as pod IPs", () =>
          // Auto Mode runs no aws-node or kube-proxy pods: kube-system holds no node IPs to look in first.
          lookupPodIps(kube, plan.ips, { kubeSystemFirst: cached?.autoMode.enabled !== true }),
        )
      : null,
    targeted && plan.instanceIds.length > 0
      ? attempt("scanning nodes for EC2 instance ids", () => scanProviderIds(kube))
      : null,
    autoModeLookup,
  ]);
  if ("error" in autoMode) {
    errors.push(autoMode.error);
    failureReasons.push(autoMode.reason);
  }
  const workloads = cached?.workloads ?? keep(workloadsRead, errors);
  const podIps = keep(podIpHits, nodeErrors) ?? new Map<string, string>();
  const rows = keep(nodeRows, nodeErrors);
  if (rows) addRecords(rows);
  const scanned = keep(scan, nodeErrors);
  if (scanned) addRecords(scanned.records);
  if (scanned && !scanned.complete && plan.instanceIds.length > 0) {
    nodeErrors.push(
      `instance ids were matched against the first ${EnrichLimits.providerIdScanNodes} nodes only`,
    );
  }
  const counts: NodeCounts | null =
    (rows ? countsFromRecords(rows) : null) ??
    (cached
      ? {
          total: cached.clusterNodeCount,
          schedulable: cached.schedulableNodeCount,
          fargate: cached.fargateNodeCount,
        }
      : null);

  if (readRows && rows) {
    const unplaced = unresolvedIps(identities, buildNodeIndex(records.values(), podIps));
    for (const [ip, node] of (await podIpFollowUp(kube, group, unplaced, nodeErrors, failureReasons)) ?? [])
      podIps.set(ip, node);
  }

  const alertNodes = candidateAlertNodes(plan, identities, records, podIps);
  const corednsNodes = cached
    ? []
    : (workloads?.corednsPods.flatMap((pod) => (pod.node ? [pod.node] : [])) ?? []);
  const detailNames = [...new Set([...alertNodes, ...corednsNodes])].filter(
    (name) => !hasDetail(records.get(name)),
  );
  const nodeLocal = workloads?.nodeLocal ?? { present: false, desired: 0, ready: 0 };
  const nodeLocalCoversAll = nodeLocalCoversEveryNode(nodeLocal, counts?.total ?? 0);
  const autoscaler = workloads?.autoscaler ?? null;
  // The autoscaler found targets the CoreDNS Deployment (dns-layout.ts), whatever either is called.
  const configMapName = !cached && autoscaler ? autoscaler.configMap : null;
  const [details, configMap] = await Promise.all([
    detailNames.length > 0 ? attempt("reading node details", () => fetchNamedNodes(kube, detailNames)) : null,
    configMapName
      ? attempt(`reading ConfigMap ${configMapName}`, () => fetchConfigMap(kube, configMapName))
      : null,
  ]);
  addRecords(keep(details, nodeErrors) ?? []);
  // Which nodes run NodeLocal DNSCache came with the kube-system pods read (and is cached with it).
  const nodeLocalOn = nodeLocal.present && !nodeLocalCoversAll ? (workloads?.nodeLocalNodes ?? null) : null;
  const params = cached ? cached.autoscalerParams : autoscalerParams(keep(configMap, errors));

  return {
    cached,
    workloads,
    addon,
    autoMode,
    counts,
    records,
    podIps,
    nodeLocalOn,
    nodeLocalCoversAll,
    autoscalerParams: params,
    errors,
    nodeErrors,
    failureReasons,
  };
}

function keepValue<T>(
  outcome: Attempt<T> | null,
  sink: string[],
  reasons: EnrichmentFailureReason[],
): T | null {
  if (!outcome) return null;
  if (outcome.ok) return outcome.value;
  sink.push(outcome.message);
  reasons.push(outcome.reason);
  return null;
}

/** A Table row without metadata lacks labels; a node that matters is read again with them. */
function hasDetail(record: NodeRecord | undefined): boolean {
  return record?.labels !== null && record?.labels !== undefined && record.ready !== null;
}

/**
 * The nodes alerts point at before the final resolution: what the details read must cover. Every alert the
 * reads so far already tie to a node is included, whatever the plan: a cold targeted group places a
 * hostNetwork exporter's IP through the node Table, whose rows carry no labels (so no instance type, zone or
 * capacity type) until that node is read with them.
 */
function candidateAlertNodes(
  plan: FetchPlan,
  identities: readonly NodeIdentity[],
  records: Map<string, NodeRecord>,
  podIps: Map<string, string>,
): string[] {
  const names = new Set<string>();
  const index = buildNodeIndex(records.values(), podIps);
  for (const identity of identities) {
    const resolution = resolveNode(identity, index);
    if (resolution.node) names.add(resolution.node);
  }
  if (plan.kind === "targeted") {
    // Names not read yet (a warm group reads its nodes only now) and nodes found through pod IPs.
    for (const name of plan.names) names.add(name);
    for (const node of podIps.values()) names.add(node);
  }
  return [...names];
}

function unresolvedIps(identities: readonly NodeIdentity[], index: NodeIndex): string[] {
  const ips = new Set<string>();
  for (const identity of identities) {
    if (identity.kind !== "host" || (identity.shape !== "ipv4" && identity.shape !== "ipv6")) continue;
    if (!resolveNode(identity, index).node) ips.add(identity.host);
  }
  return [...ips];
}

/**
 * Pod IPs the node Table could not place: a few are looked up one by one; many are read from the pod Table
 * of the namespace the alerts share (the exporter's); otherwise the lookup is skipped and the reason kept.
 */
async function podIpFollowUp(
  kube: KubeApi,
  group: AlertGroup,
  ips: readonly string[],
  nodeErrors: string[],
  reasons: EnrichmentFailureReason[],
): Promise<Map<string, string> | null> {
  const keep = <T>(outcome: Attempt<T> | null, sink: string[]) => keepValue(outcome, sink, reasons);
  if (ips.length === 0) return null;
  if (ips.length <= EnrichLimits.targetedHostLookups) {
    return keep(
      await attempt("looking up instance IPs as pod IPs", () => lookupPodIps(kube, ips)),
      nodeErrors,
    );
  }
  const namespaces = new Set(
    group.alerts.flatMap((alert) => (alert.labels.namespace ? [alert.labels.namespace] : [])),
  );
  const [namespace] = namespaces;
  if (namespaces.size !== 1 || !namespace) {
    nodeErrors.push(
      `pod IP lookup skipped for ${ips.length} instance IPs that match no node: more than ` +
        `${EnrichLimits.targetedHostLookups} and the alerts share no namespace label`,
    );
    return null;
  }
  return keep(
    await attempt(`listing pods of namespace ${namespace}`, () => podIpsInNamespace(kube, namespace)),
    nodeErrors,
  );
}
