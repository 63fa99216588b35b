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

/** What the reads collect as they go: node records merged by name, failures as messages and their kinds. */
interface ReadLog {
  records: Map<string, NodeRecord>;
  errors: string[];
  nodeErrors: string[];
  failureReasons: EnrichmentFailureReason[];
  /** The value of a read, or null with its failure kept in `sink`. */
  keep<T>(outcome: Attempt<T> | null, sink: string[]): T | null;
  addRecords(list: readonly NodeRecord[]): void;
}

function readLog(): ReadLog {
  const log: ReadLog = {
    records: new Map(),
    errors: [],
    nodeErrors: [],
    failureReasons: [],
    keep: (outcome, sink) => keepValue(outcome, sink, log.failureReasons),
    addRecords(list) {
      for (const record of list)
        log.records.set(record.name, mergeNodeRecords(log.records.get(record.name), record));
    },
  };
  return log;
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
  const log = readLog();
  // A cold read lists the node Table whatever the group: the node count, the cordoned nodes and every node IP
  // in one request (cached with the cluster facts' other answers), instead of a count, a cordoned list and
  // per-IP lookups. A warm targeted group then needs only its own nodes.
  const readRows = plan.kind !== "targeted" || cached === null;
  const first = await independentReads(kube, plan, cached, addonLookup, readRows, log);
  if (readRows && first.rows) {
    const unplaced = unresolvedIps(identities, buildNodeIndex(log.records.values(), first.podIps));
    const found = await podIpFollowUp(kube, group, unplaced, log.nodeErrors, log.failureReasons);
    for (const [ip, node] of found ?? []) first.podIps.set(ip, node);
  }
  const details = await detailReads(kube, plan, identities, cached, first, log);
  return {
    cached,
    workloads: first.workloads,
    addon: first.addon,
    autoMode: first.autoMode,
    counts: first.counts,
    records: log.records,
    podIps: first.podIps,
    nodeLocalOn: details.nodeLocalOn,
    nodeLocalCoversAll: details.nodeLocalCoversAll,
    autoscalerParams: details.autoscalerParams,
    errors: log.errors,
    nodeErrors: log.nodeErrors,
    failureReasons: log.failureReasons,
  };
}

/** Round A's answers, failures already kept in the log. */
interface IndependentReads {
  workloads: DnsWorkloads | null;
  addon: AddonLookupOutcome;
  autoMode: AutoModeOutcome;
  rows: NodeRecord[] | null;
  podIps: Map<string, string>;
  counts: NodeCounts | null;
}

/** Round A: the reads that need no other answer, in parallel; node records found go into the log. */
async function independentReads(
  kube: KubeApi,
  plan: FetchPlan,
  cached: ClusterDnsFacts | null,
  addonLookup: CoreDnsAddonLookup | undefined,
  readRows: boolean,
  log: ReadLog,
): Promise<IndependentReads> {
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
    plan.kind === "targeted" && plan.instanceIds.length > 0
      ? attempt("scanning nodes for EC2 instance ids", () => scanProviderIds(kube))
      : null,
    autoModeLookup,
  ]);
  if ("error" in autoMode) {
    log.errors.push(autoMode.error);
    log.failureReasons.push(autoMode.reason);
  }
  const workloads = cached?.workloads ?? log.keep(workloadsRead, log.errors);
  const podIps = log.keep(podIpHits, log.nodeErrors) ?? new Map<string, string>();
  const rows = log.keep(nodeRows, log.nodeErrors);
  if (rows) log.addRecords(rows);
  const scanned = log.keep(scan, log.nodeErrors);
  if (scanned) log.addRecords(scanned.records);
  if (scanned && !scanned.complete && plan.instanceIds.length > 0) {
    log.nodeErrors.push(
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
  return { workloads, addon, autoMode, rows, podIps, counts };
}

/**
 * Round C: details of the alerts' nodes and CoreDNS's nodes the earlier rounds read without labels, and the
 * autoscaler's ConfigMap; with what NodeLocal DNSCache covers.
 */
async function detailReads(
  kube: KubeApi,
  plan: FetchPlan,
  identities: readonly NodeIdentity[],
  cached: ClusterDnsFacts | null,
  first: IndependentReads,
  log: ReadLog,
): Promise<Pick<GroupReads, "nodeLocalOn" | "nodeLocalCoversAll" | "autoscalerParams">> {
  const { workloads } = first;
  const alertNodes = candidateAlertNodes(plan, identities, log.records, first.podIps);
  const corednsNodes = cached
    ? []
    : (workloads?.corednsPods.flatMap((pod) => (pod.node ? [pod.node] : [])) ?? []);
  const detailNames = [...new Set([...alertNodes, ...corednsNodes])].filter(
    (name) => !hasDetail(log.records.get(name)),
  );
  const nodeLocal = workloads?.nodeLocal ?? { present: false, desired: 0, ready: 0 };
  const nodeLocalCoversAll = nodeLocalCoversEveryNode(nodeLocal, first.counts?.total ?? 0);
  const autoscaler = workloads?.autoscaler ?? null;
  // The autoscaler found targets the CoreDNS Deployment (dns-layout.ts), whatever either is called.
  const configMapName = !cached && autoscaler ? autoscaler.configMap : null;
  const [details, configMap] = await Promise.all([
    detailNames.length > 0 ? attempt("reading node details", () => fetchNamedNodes(kube, detailNames)) : null,
    configMapName
      ? attempt(`reading ConfigMap ${configMapName}`, () => fetchConfigMap(kube, configMapName))
      : null,
  ]);
  log.addRecords(log.keep(details, log.nodeErrors) ?? []);
  // Which nodes run NodeLocal DNSCache came with the kube-system pods read (and is cached with it).
  const nodeLocalOn = nodeLocal.present && !nodeLocalCoversAll ? (workloads?.nodeLocalNodes ?? null) : null;
  const autoscalerParamsRead = cached
    ? cached.autoscalerParams
    : autoscalerParams(log.keep(configMap, log.errors));
  return { nodeLocalOn, nodeLocalCoversAll, autoscalerParams: autoscalerParamsRead };
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
