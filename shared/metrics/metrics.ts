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

let pending = false;

export function countMetric(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
  pending = true;
}

/** The total (service dimension only, what alarms read) and a breakdown by one more dimension. */
export function countBy(name: MetricName, dimensions: Record<string, string>, value = 1): void {
  countMetric(name, value);
  const single = metrics.singleMetric();
  for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
  single.addMetric(name, MetricUnit.Count, value);
}

/** Writes what was counted during this invocation; nothing (not even Powertools' "no metrics" warning) when nothing was. */
export function flushMetrics(): void {
  if (!pending) return;
  pending = false;
  metrics.publishStoredMetrics();
}
