/**
 * The pipeline's own CloudWatch metrics (EMF through Powertools Metrics): one namespace, and the names the
 * code emits and the stack's alarms and dashboard read. Tests check the template against this list.
 */
export const METRICS_NAMESPACE = "LinkLocalSentinel";

export const MetricName = {
  /** A heartbeat alert arrived: the path from the cluster's metrics agent through AMP and SNS works. */
  heartbeats: "Heartbeats",
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];
