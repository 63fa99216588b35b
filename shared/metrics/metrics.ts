import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { METRICS_NAMESPACE, type MetricName } from "./names.ts";

/**
 * One Powertools Metrics instance per process, in the project's namespace, with the default `service`
 * dimension the alarms select on. Metrics are written as EMF lines on stdout, which Lambda sends to CloudWatch
 * Logs and CloudWatch turns into metrics: no PutMetricData call, nothing to time out.
 */
export const metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "linklocal-sentinel",
});

export function countMetric(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** Writes what was counted during this invocation (a no-op when nothing was). */
export function flushMetrics(): void {
  metrics.publishStoredMetrics();
}
