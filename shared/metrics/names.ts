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

export { EnrichmentFailureReason } from "../model/enrichment-failure.ts";
