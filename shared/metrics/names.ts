/**
 * The pipeline's own CloudWatch metrics (EMF through Powertools Metrics): one namespace, and the names the
 * code emits and the stack's alarms and dashboard read. Tests check the template against this list.
 * Every metric carries the `service` dimension; the breakdowns below are separate EMF documents with one more.
 */
export const METRICS_NAMESPACE = "LinkLocalSentinel";

export const MetricName = {
  /** A heartbeat alert arrived: the path from the cluster's metrics agent through AMP and SNS works. */
  heartbeats: "Heartbeats",
  /** Alert groups (SNS messages) ingested; breakdown by `format`. */
  groupsReceived: "GroupsReceived",
  /** Alerts in those groups. */
  alertsReceived: "AlertsReceived",
  /** Messages that could not be read and went out as received (an AMP format change shows here first). */
  rawFallbacks: "RawFallbacks",
  /** Groups delivered without (some) node facts; breakdown by `reason`. */
  enrichmentFailures: "EnrichmentFailures",
  /** Kubernetes API requests one group's enrichment made. */
  kubeRequests: "KubeRequestsPerGroup",
  /** Notifications per sink; breakdown by `sink` and `outcome` (delivered, duplicate, skipped, failed...). */
  deliveries: "Deliveries",
  /** Redeliveries and Alertmanager HA copies not sent again. */
  duplicatesSuppressed: "DuplicatesSuppressed",
  /** Scaler decisions; breakdown by `action` (scaled, would-scale, refused, skipped). */
  scaleDecisions: "ScaleDecisions",
  /** Follow-ups checked in AMP; breakdown by `outcome` (stopped, dropping, not-verified, ...). */
  verifications: "Verifications",
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/** Why a group lacks node facts, as a few stable values fit for a metric dimension. */
export const EnrichmentFailureReason = {
  off: "off",
  forbidden: "forbidden",
  unauthorized: "unauthorized",
  timeout: "timeout",
  otherCluster: "other-cluster",
  unreachable: "unreachable",
  other: "other",
} as const;
export type EnrichmentFailureReason = (typeof EnrichmentFailureReason)[keyof typeof EnrichmentFailureReason];

export function enrichmentFailureReason(text: string): EnrichmentFailureReason {
  if (/EKS_CLUSTER_NAME is not set/.test(text)) return EnrichmentFailureReason.off;
  if (/\b403\b|forbidden|AccessDenied|not allowed/i.test(text)) return EnrichmentFailureReason.forbidden;
  if (/\b401\b|unauthori[sz]ed/i.test(text)) return EnrichmentFailureReason.unauthorized;
  if (/took longer|timed? ?out|did not answer|deadline/i.test(text)) return EnrichmentFailureReason.timeout;
  if (/is for cluster .* but this deployment/.test(text)) return EnrichmentFailureReason.otherCluster;
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|connection|not found/i.test(text))
    return EnrichmentFailureReason.unreachable;
  return EnrichmentFailureReason.other;
}
