import type { KubeApi } from "../cluster/kube-api.ts";
import { logger as sharedLogger } from "../logger.ts";
import type { AlertGroup, CoreDnsPlacement, EnrichedAlert, EnrichmentFailureReason } from "../model/index.ts";
import type { CoreDnsAddonLookup } from "./addon-lookup.ts";
import { assembleEnrichment } from "./assemble.ts";
import type { ClusterFactsCache } from "./facts-cache.ts";
import { readFailure } from "./failure.ts";
import { chooseFetchPlan, type FetchPlan } from "./fetch-plan.ts";
import { readGroup } from "./group-reads.ts";
import { identifyNode } from "./node-identity.ts";

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
  /** The kind of each failure behind `errors`, from its type. */
  failureReasons: EnrichmentFailureReason[];
  trace: EnrichTrace;
}

type Outcome = Omit<EnrichResult, "trace"> & { trace: Omit<EnrichTrace, "requests" | "bytes"> };

/**
 * Enriches one alert group with node facts and CoreDNS placement in a fixed number of API requests.
 * Never rejects: whatever fails comes back as `errors` and per-alert `enrichmentError`, so delivery goes on.
 */
export async function enrichGroup(group: AlertGroup, deps: EnrichDeps): Promise<EnrichResult> {
  const before = { requests: deps.kube.stats.requests, bytes: deps.kube.stats.bytes };
  const log = deps.logger ?? sharedLogger;
  let outcome: Outcome;
  try {
    outcome = await enrich(group, deps);
  } catch (error) {
    // readGroup keeps every read failure as a value; this only catches a bug, and still lets delivery go on.
    const failure = readFailure("enrichment failed", error);
    outcome = {
      alerts: group.alerts.map((alert) => ({ ...alert, node: null, enrichmentError: failure.message })),
      coredns: null,
      errors: [failure.message],
      failureReasons: [failure.reason],
      trace: { plan: "none", clusterFacts: "unavailable", strategies: { unresolved: group.alerts.length } },
    };
  }
  const trace: EnrichTrace = {
    ...outcome.trace,
    requests: deps.kube.stats.requests - before.requests,
    bytes: deps.kube.stats.bytes - before.bytes,
  };
  if (outcome.errors.length > 0) log.warn("Enrichment incomplete", { errors: outcome.errors, ...trace });
  else log.debug("Enriched alert group", { ...trace });
  return { ...outcome, trace };
}

async function enrich(group: AlertGroup, deps: EnrichDeps): Promise<Outcome> {
  if (group.alerts.length === 0) {
    return {
      alerts: [],
      coredns: null,
      errors: [],
      failureReasons: [],
      trace: { plan: "none", clusterFacts: "unavailable", strategies: {} },
    };
  }
  const identities = group.alerts.map((alert) => identifyNode(alert.labels));
  const plan = chooseFetchPlan(identities);
  const cacheKey = deps.clusterKey ?? group.cluster ?? "default";
  const cached = deps.cache?.get(cacheKey) ?? null;
  const reads = await readGroup(deps.kube, group, identities, plan, cached, deps.addon);
  const assembled = assembleEnrichment(group, identities, reads);
  if (assembled.factsToCache) deps.cache?.set(cacheKey, assembled.factsToCache);
  return {
    alerts: assembled.alerts,
    coredns: assembled.coredns,
    errors: assembled.errors,
    failureReasons: assembled.failureReasons,
    trace: {
      plan: plan.kind,
      clusterFacts: cached ? "cached" : reads.workloads ? "read" : "unavailable",
      strategies: assembled.strategies,
    },
  };
}
