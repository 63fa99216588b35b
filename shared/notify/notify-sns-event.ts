import { SentinelError } from "../errors.ts";
import { snsRecords } from "../internal-topic/read-message.ts";
import { countBy, countMetric, flushMetrics } from "../metrics/metrics.ts";
import { MetricName } from "../metrics/names.ts";
import { type NotifyDeps, notifyRecord, type RecordOutcome, RecordStatus } from "./notify-record.ts";

/** More than one record of the event failed; `failures` keeps each error, the first is the cause. */
export class NotifyBatchError extends SentinelError {
  readonly failures: unknown[];

  constructor(sink: string, failures: unknown[], total: number) {
    super(`${failures.length} of ${total} records failed to notify ${sink}`, { cause: failures[0] });
    this.name = "NotifyBatchError";
    this.failures = failures;
  }
}

/**
 * Every record of an SNS event through one sink. A failing record does not stop the others; the invocation
 * then fails so Lambda retries it, and the records that did go out are skipped by the idempotency check.
 */
export async function notifySnsEvent(event: unknown, deps: NotifyDeps): Promise<RecordOutcome[]> {
  const records = snsRecords(event);
  const outcomes: RecordOutcome[] = [];
  const failures: unknown[] = [];
  for (const [index, record] of records.entries()) {
    try {
      const outcome = await notifyRecord(record, index, deps);
      countBy(MetricName.deliveries, { sink: deps.sink, outcome: outcome.status });
      if (outcome.status === RecordStatus.duplicate) countMetric(MetricName.duplicatesSuppressed);
      outcomes.push(outcome);
    } catch (error) {
      countBy(MetricName.deliveries, { sink: deps.sink, outcome: "failed" });
      failures.push(error);
    }
  }
  flushMetrics();
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new NotifyBatchError(deps.sink, failures, records.length);
  return outcomes;
}
