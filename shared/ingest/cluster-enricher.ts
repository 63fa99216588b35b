import type { KubeApi } from "../cluster/kube-api.ts";
import { diagnose, type ScaleUpPolicy } from "../diagnose/index.ts";
import { failureReasonOf, readFailure } from "../enrich/failure.ts";
import { type ClusterFactsCache, enrichGroup } from "../enrich/index.ts";
import { fetchTalkers } from "../enrich/talkers.ts";
import { errorMessage } from "../errors.ts";
import {
  type ClusterConnection,
  type ClusterConnector,
  ENRICHMENT_OFF,
} from "../fleet/cluster-connection.ts";
import {
  type AlertGroup,
  type EnrichedAlert,
  EnrichmentFailureReason,
  mainFailureReason,
  type NodeTalkers,
} from "../model/index.ts";
import type { GroupEnricher, GroupEnrichment } from "./enrichment.ts";

// The connection types moved to shared/fleet/, below ingest and scale, which both connect; ingest keeps them.
export { type ClusterConnection, type ClusterConnector, ENRICHMENT_OFF };

export interface ClusterEnricherOptions {
  cache?: ClusterFactsCache;
  /**
   * Bound on the whole enrichment of one group. Each API call has its own timeout, but several in a row could
   * hold a notification for tens of seconds; past the deadline the group goes out without cluster facts.
   */
  deadlineMs?: number;
  /** The scaler's step (COREDNS_SCALE_STEP, COREDNS_MAX_REPLICAS): scale-up fixes propose its number. */
  scaleUp?: ScaleUpPolicy;
}

/** Enrichment plus diagnosis against whichever cluster the connector picks; never rejects. */
export function clusterEnricher(
  connect: ClusterConnector,
  options: ClusterEnricherOptions = {},
): GroupEnricher {
  return async (group) => {
    let connection: ClusterConnection | string;
    try {
      connection = connect(group);
    } catch (error) {
      return withoutClusterFacts(
        group,
        `cannot reach the cluster: ${errorMessage(error)}`,
        failureReasonOf(error),
      );
    }
    if (typeof connection === "string") {
      // By the connector's contract a string is one of two refusals: no cluster configured, or another one.
      const reason =
        connection === ENRICHMENT_OFF ? EnrichmentFailureReason.off : EnrichmentFailureReason.otherCluster;
      return withoutClusterFacts(group, connection, reason);
    }
    const kube = connection.kube;
    // The client is shared across invocations: this group's requests are the difference.
    const requestsBefore = kube.stats.requests;
    const enrichment = enrichGroup(group, {
      kube,
      addon: connection.addon,
      cache: options.cache,
      clusterKey: connection.name,
    }).then(async (enriched) => ({
      ...enriched,
      talkers: await readTalkers(kube, enriched.alerts, enriched),
    }));
    const result =
      options.deadlineMs === undefined
        ? await enrichment
        : await withDeadline(enrichment, options.deadlineMs);
    if (result === null) {
      return withoutClusterFacts(
        group,
        `enrichment of cluster "${connection.name}" took longer than ${options.deadlineMs} ms`,
        EnrichmentFailureReason.timeout,
      );
    }
    return {
      alerts: result.alerts,
      coredns: result.coredns,
      diagnosis: diagnose(result.alerts, result.coredns, result.errors, {
        clusterName: connection.name,
        talkers: result.talkers,
        scaleUp: options.scaleUp,
      }),
      kubeRequests: kube.stats.requests - requestsBefore,
      talkers: result.talkers ?? undefined,
      failure: mainFailureReason(result.failureReasons),
    };
  };
}

/**
 * The talkers on throttled nodes that host no CoreDNS (one bounded read per node); a failed read is kept as an
 * error of the group, never thrown.
 */
async function readTalkers(
  kube: KubeApi,
  alerts: readonly EnrichedAlert[],
  failures: { errors: string[]; failureReasons: EnrichmentFailureReason[] },
): Promise<NodeTalkers[] | null> {
  const nodes = [
    ...new Set(
      alerts
        .filter((alert) => alert.status === "firing" && alert.node && !alert.node.hostsCoreDNS)
        .map((alert) => alert.node?.name as string),
    ),
  ].sort();
  if (nodes.length === 0) return null;
  try {
    return await fetchTalkers(kube, nodes);
  } catch (error) {
    const failure = readFailure("listing the pods of the throttled nodes", error);
    failures.errors.push(failure.message);
    failures.failureReasons.push(failure.reason);
    return null;
  }
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The group without cluster facts: every alert carries `why`, and one ENRICHMENT_UNAVAILABLE says it. */
export function withoutClusterFacts(
  group: AlertGroup,
  why: string,
  failure: EnrichmentFailureReason,
): GroupEnrichment {
  const alerts = group.alerts.map((alert) => ({ ...alert, node: null, enrichmentError: why }));
  return { alerts, coredns: null, diagnosis: diagnose(alerts, null, [why]), failure };
}
