import type { KubeApi } from "../cluster/kube-api.ts";
import { logger as sharedLogger } from "../logger.ts";
import type { AlertGroup, CapacityType, CoreDnsPlacement, EnrichedAlert } from "../model/index.ts";
import type { AddonLookupOutcome, CoreDnsAddonLookup } from "./addon-lookup.ts";
import { EnrichLimits } from "./constants.ts";
import { corednsPlacement, nodeLocalCoversEveryNode } from "./coredns-placement.ts";
import {
  type DnsWorkloads,
  fetchConfigMap,
  fetchDnsWorkloads,
  fetchNodeLocalDnsNodes,
} from "./dns-workloads.ts";
import type { ClusterDnsFacts, ClusterFactsCache } from "./facts-cache.ts";
import { type Attempt, attempt, describeReadFailure } from "./failure.ts";
import { chooseFetchPlan, type FetchPlan } from "./fetch-plan.ts";
import { identifyNode, type NodeIdentity } from "./node-identity.ts";
import {
  countNodes,
  countsFromRecords,
  fetchNamedNodes,
  listNodeRows,
  lookupPodIps,
  type NodeCounts,
  podIpsInNamespace,
  scanProviderIds,
} from "./node-reads.ts";
import { capacityTypeOf, mergeNodeRecords, type NodeRecord, nodeFacts } from "./node-record.ts";
import { autoscalerParams, decideReplicaController, targetsCoreDns } from "./replica-controller.ts";
import { buildNodeIndex, type Resolution, resolveNode } from "./resolve-node.ts";

export interface EnrichLogger {
  debug(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

export interface EnrichDeps {
  kube: KubeApi;
  /** The EKS add-on lookup; without it the replica controller is decided from Kubernetes alone. */
  addon?: CoreDnsAddonLookup;
  /** Cluster-wide facts reused across warm invocations (see facts-cache.ts); none means always read. */
  cache?: ClusterFactsCache;
  /** Cache key; defaults to the group's cluster label. */
  clusterKey?: string;
  logger?: EnrichLogger;
}

/** What a group's enrichment cost and how it went, for logs and the bench. */
export interface EnrichTrace {
  plan: FetchPlan["kind"] | "none";
  clusterFacts: "cached" | "read" | "unavailable";
  requests: number;
  bytes: number;
  /** Alerts per resolution strategy, plus `unresolved`. */
  strategies: Record<string, number>;
}

export interface EnrichResult {
  alerts: EnrichedAlert[];
  coredns: CoreDnsPlacement | null;
  /** Group-level failures, one line each; empty when every read succeeded. */
  errors: string[];
  trace: EnrichTrace;
}

/**
 * Enriches one alert group with node facts and CoreDNS placement in a fixed number of API requests.
 * Never rejects: whatever fails comes back as `errors` and per-alert `enrichmentError`, so delivery goes on.
 */
export async function enrichGroup(group: AlertGroup, deps: EnrichDeps): Promise<EnrichResult> {
  const before = { requests: deps.kube.stats.requests, bytes: deps.kube.stats.bytes };
  const log = deps.logger ?? sharedLogger;
  let result: Omit<EnrichResult, "trace"> & { trace: Omit<EnrichTrace, "requests" | "bytes"> };
  try {
    result = await enrich(group, deps);
  } catch (error) {
    const reason = describeReadFailure("enrichment failed", error);
    result = {
      alerts: group.alerts.map((alert) => ({ ...alert, node: null, enrichmentError: reason })),
      coredns: null,
      errors: [reason],
      trace: { plan: "none", clusterFacts: "unavailable", strategies: { unresolved: group.alerts.length } },
    };
  }
  const trace: EnrichTrace = {
    ...result.trace,
    requests: deps.kube.stats.requests - before.requests,
    bytes: deps.kube.stats.bytes - before.bytes,
  };
  if (result.errors.length > 0) log.warn("Enrichment incomplete", { errors: result.errors, ...trace });
  else log.debug("Enriched alert group", { ...trace });
  return { ...result, trace };
}

async function enrich(group: AlertGroup, deps: EnrichDeps) {
  const { kube } = deps;
  if (group.alerts.length === 0) {
    return {
      alerts: [],
      coredns: null,
      errors: [],
      trace: { plan: "none" as const, clusterFacts: "unavailable" as const, strategies: {} },
    };
  }
  const identities = group.alerts.map((alert) => identifyNode(alert.labels));
  const plan = chooseFetchPlan(identities);
  const cacheKey = deps.clusterKey ?? group.cluster ?? "default";
  const cached = deps.cache?.get(cacheKey) ?? null;
  const errors: string[] = [];
  const nodeErrors: string[] = [];
  const records = new Map<string, NodeRecord>();
  const addRecords = (list: readonly NodeRecord[]) => {
    for (const record of list) records.set(record.name, mergeNodeRecords(records.get(record.name), record));
  };
  const keep = <T>(outcome: Attempt<T> | null, sink: string[]): T | null => {
    if (!outcome) return null;
    if (outcome.ok) return outcome.value;
    sink.push(outcome.error);
    return null;
  };

  // Phase A: everything that does not depend on another answer, in parallel.
  const targeted = plan.kind === "targeted";
  const [workloadsRead, addon, countsRead, nodeRows, podIpHits, scan] = await Promise.all([
    cached
      ? null
      : attempt("reading CoreDNS, dns-autoscaler and node-local-dns in kube-system", () =>
          fetchDnsWorkloads(kube),
        ),
    cached ? Promise.resolve(cached.addon) : lookupAddon(deps.addon),
    cached || !targeted ? null : attempt("counting nodes", () => countNodes(kube)),
    targeted ? null : attempt("listing nodes (Table form)", () => listNodeRows(kube)),
    targeted && plan.ips.length > 0
      ? attempt("looking up instance IPs as pod IPs", () => lookupPodIps(kube, plan.ips))
      : null,
    targeted && plan.instanceIds.length > 0
      ? attempt("scanning nodes for EC2 instance ids", () => scanProviderIds(kube))
      : null,
  ]);
  const workloads: DnsWorkloads | null = cached?.workloads ?? keep(workloadsRead, errors);
  const podIps = keep(podIpHits, nodeErrors) ?? new Map<string, string>();
  const rows = keep(nodeRows, nodeErrors);
  if (rows) addRecords(rows);
  const scanned = keep(scan, nodeErrors);
  if (scanned) addRecords(scanned.records);
  let counts: NodeCounts | null = rows ? countsFromRecords(rows) : keep(countsRead, errors);
  if (!counts && cached)
    counts = { total: cached.clusterNodeCount, schedulable: cached.schedulableNodeCount };

  // Phase B (table plan): hosts the node Table did not resolve may be pod IPs.
  if (!targeted && rows) {
    const unresolvedIps = unresolvedIpHosts(identities, buildNodeIndex(records.values(), podIps));
    const more = await podIpFollowUp(kube, group, unresolvedIps);
    if (more) for (const [ip, node] of keep(more, nodeErrors) ?? []) podIps.set(ip, node);
  }

  // Phase C: details of the alerts' nodes and of CoreDNS's nodes, NodeLocal per node, the autoscaler's ConfigMap.
  const alertNodes = candidateAlertNodes(plan, identities, records, podIps);
  const corednsNodes = cached
    ? []
    : (workloads?.corednsPods.map((pod) => pod.node).filter((n): n is string => !!n) ?? []);
  const detailNames = [...new Set([...alertNodes, ...corednsNodes])].filter(
    (name) => !hasFullDetail(records.get(name)),
  );
  const nodeLocal = workloads?.nodeLocal ?? { present: false, desired: 0, ready: 0 };
  const coversAll = nodeLocalCoversEveryNode(nodeLocal, counts?.total ?? 0);
  const autoscaler = workloads?.autoscaler ?? null;
  const configMapName = !cached && autoscaler && targetsCoreDns(autoscaler) ? autoscaler.configMap : null;
  const [details, nodeLocalNodes, configMap] = await Promise.all([
    detailNames.length > 0 ? attempt("reading node details", () => fetchNamedNodes(kube, detailNames)) : null,
    nodeLocal.present && !coversAll && alertNodes.length > 0
      ? attempt("finding node-local-dns pods", () =>
          fetchNodeLocalDnsNodes(kube, targeted && alertNodes.length <= 2 ? alertNodes : "all"),
        )
      : null,
    configMapName
      ? attempt(`reading ConfigMap ${configMapName}`, () => fetchConfigMap(kube, configMapName))
      : null,
  ]);
  addRecords(keep(details, nodeErrors) ?? []);
  const nodeLocalOn = keep(nodeLocalNodes, errors);

  // Phase D: assemble, pure from here on.
  let coredns: CoreDnsPlacement | null = null;
  if (workloads) {
    const capacityOf = (node: string): CapacityType => {
      const labels = records.get(node)?.labels;
      return labels ? capacityTypeOf(labels) : (cached?.corednsNodeCapacity[node] ?? "unknown");
    };
    const params = cached ? cached.autoscalerParams : autoscalerParams(keep(configMap, errors));
    coredns = corednsPlacement({
      workloads,
      capacityOf,
      replicaController: decideReplicaController({
        addon,
        autoscaler,
        autoscalerParams: params,
        deploymentReplicas: workloads.corednsReplicas?.desired ?? null,
      }),
      clusterNodeCount: counts?.total ?? 0,
      schedulableNodeCount: counts?.schedulable ?? 0,
    });
    // Only complete facts are reused: a failed read or add-on lookup is retried by the next group.
    if (!cached && counts && deps.cache && errors.length === 0 && addon.kind !== "failed") {
      const facts: ClusterDnsFacts = {
        workloads,
        autoscalerParams: params,
        addon,
        corednsNodeCapacity: Object.fromEntries(coredns.nodes.map((node) => [node, capacityOf(node)])),
        clusterNodeCount: counts.total,
        schedulableNodeCount: counts.schedulable,
      };
      deps.cache.set(cacheKey, facts);
    }
  }
  if (addon.kind === "failed") errors.push(addon.error);

  const index = buildNodeIndex(records.values(), podIps);
  const corednsOn = new Set(coredns?.nodes ?? []);
  const strategies: Record<string, number> = {};
  const alerts: EnrichedAlert[] = group.alerts.map((alert, position) => {
    const resolution: Resolution = resolveNode(identities[position] ?? { kind: "none" }, index);
    const record = resolution.node ? records.get(resolution.node) : undefined;
    if (!resolution.node || !record) {
      strategies.unresolved = (strategies.unresolved ?? 0) + 1;
      const reason =
        resolution.node === null ? resolution.reason : `node ${resolution.node} could not be read`;
      const because = nodeErrors.length > 0 ? `${reason} (${nodeErrors.join("; ")})` : reason;
      return { ...alert, node: null, enrichmentError: because };
    }
    strategies[resolution.strategy] = (strategies[resolution.strategy] ?? 0) + 1;
    return {
      ...alert,
      node: nodeFacts(record, {
        hostsCoreDNS: corednsOn.has(record.name),
        runsNodeLocalDNS: nodeLocal.present && (coversAll || nodeLocalOn?.has(record.name) === true),
      }),
    };
  });
  errors.push(...nodeErrors);
  return {
    alerts,
    coredns,
    errors: [...new Set(errors)],
    trace: {
      plan: plan.kind,
      clusterFacts: cached ? ("cached" as const) : workloads ? ("read" as const) : ("unavailable" as const),
      strategies,
    },
  };
}

async function lookupAddon(lookup: CoreDnsAddonLookup | undefined): Promise<AddonLookupOutcome> {
  if (!lookup) return { kind: "skipped" };
  try {
    const addon = await lookup.describeCoreDns();
    return addon ? { kind: "present", addon } : { kind: "absent" };
  } catch (error) {
    return { kind: "failed", error: describeReadFailure("describing the EKS coredns add-on", error) };
  }
}

/** Full objects carry the providerID; anything less is worth re-reading when the node matters. */
function hasFullDetail(record: NodeRecord | undefined): boolean {
  return record?.labels !== null && record?.labels !== undefined && record.ready !== null;
}

/** The nodes alerts point at, before the final resolution: what the details read must cover. */
function candidateAlertNodes(
  plan: FetchPlan,
  identities: readonly NodeIdentity[],
  records: Map<string, NodeRecord>,
  podIps: Map<string, string>,
): string[] {
  const names = new Set<string>();
  if (plan.kind === "targeted") {
    for (const name of plan.names) names.add(name);
    for (const node of podIps.values()) names.add(node);
    for (const id of plan.instanceIds) {
      const node = [...records.values()].find((record) => record.instanceId === id);
      if (node) names.add(node.name);
    }
    return [...names];
  }
  const index = buildNodeIndex(records.values(), podIps);
  for (const identity of identities) {
    const resolution = resolveNode(identity, index);
    if (resolution.node) names.add(resolution.node);
  }
  return [...names];
}

function unresolvedIpHosts(
  identities: readonly NodeIdentity[],
  index: ReturnType<typeof buildNodeIndex>,
): string[] {
  const ips = new Set<string>();
  for (const identity of identities) {
    if (identity.kind !== "host" || (identity.shape !== "ipv4" && identity.shape !== "ipv6")) continue;
    if (!resolveNode(identity, index).node) ips.add(identity.host);
  }
  return [...ips];
}

/**
 * Pod IPs the node Table could not place: a few are looked up one by one; many are read from the pod Table
 * of the namespace the alerts share (the exporter's), or left unresolved with the reason.
 */
async function podIpFollowUp(
  kube: KubeApi,
  group: AlertGroup,
  ips: readonly string[],
): Promise<Attempt<Map<string, string>> | null> {
  if (ips.length === 0) return null;
  if (ips.length <= EnrichLimits.targetedHostLookups) {
    return attempt("looking up instance IPs as pod IPs", () => lookupPodIps(kube, ips));
  }
  const namespaces = new Set(
    group.alerts.map((alert) => alert.labels.namespace).filter((ns): ns is string => !!ns),
  );
  const [namespace] = namespaces;
  if (namespaces.size !== 1 || !namespace) return null;
  return attempt(`listing pods of namespace ${namespace}`, () => podIpsInNamespace(kube, namespace));
}
