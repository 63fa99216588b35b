import { errorMessage, SentinelError } from "../errors.ts";
import { logger } from "../logger.ts";
import { countBy, countMetric, flushMetrics } from "../metrics/metrics.ts";
import { EnrichmentFailureReason, MetricName } from "../metrics/names.ts";
import { DiagnosisCode } from "../model/index.ts";
import { type IngestDeps, type IngestOutcome, ingestMessage } from "./ingest-message.ts";
import { publishGroup, type SnsPublisher } from "./publish-group.ts";
import { ampMessagesFromLambdaEvent } from "./sns-input.ts";

export interface IngestEventDeps extends IngestDeps {
  sns: SnsPublisher;
  internalTopicArn: string;
}

export class PublishError extends SentinelError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PublishError";
  }
}

/**
 * Handles one Lambda SNS event from the AMP topic. Every record is attempted; if any publish failed the
 * invocation fails afterwards so Lambda retries it (sinks deduplicate the records that did go out).
 */
export async function ingestSnsEvent(
  event: unknown,
  deps: IngestEventDeps,
): Promise<{ published: number; heartbeats: number }> {
  const messages = ampMessagesFromLambdaEvent(event);
  const failures: string[] = [];
  let heartbeats = 0;
  let published = 0;
  for (const message of messages) {
    logger.setCorrelationId(message.messageId);
    try {
      const outcomes = await ingestMessage(message, deps);
      // A heartbeat is recorded, never published: it is for the stack's alarm, not for a human.
      for (const outcome of outcomes) if (outcome.heartbeat) countMetric(MetricName.heartbeats);
      const toPublish = outcomes.filter((outcome) => !outcome.heartbeat);
      heartbeats += outcomes.length - toPublish.length;
      // One group per cluster the message named, published side by side: one Publish's worst case bounds them.
      const results = await Promise.allSettled(
        toPublish.map(async ({ group }) => {
          const publishedId = await publishGroup(deps.sns, deps.internalTopicArn, group);
          logger.info("published to the internal topic", {
            publishedId,
            routes: group.routes,
            cluster: group.cluster,
          });
        }),
      );
      for (const outcome of toPublish) recordGroupMetrics(outcome);
      published += results.filter((r) => r.status === "fulfilled").length;
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    } catch (error) {
      logger.error("could not ingest message", { error: errorMessage(error) });
      failures.push(`${message.messageId}: ${errorMessage(error)}`);
    }
  }
  flushMetrics();
  if (failures.length > 0) {
    throw new PublishError(
      `${failures.length} of ${messages.length} messages failed: ${failures.join("; ")}`,
    );
  }
  return { published, heartbeats };
}

/** What one ingested group adds to the pipeline's metrics (flushed once per invocation). */
function recordGroupMetrics(outcome: IngestOutcome): void {
  const { group } = outcome;
  countBy(MetricName.groupsReceived, { format: group.source.format });
  countMetric(MetricName.alertsReceived, group.alerts.length);
  if (outcome.parseError !== null) countMetric(MetricName.rawFallbacks);
  const unavailable = group.diagnosis.some((d) => d.code === DiagnosisCode.enrichmentUnavailable);
  // The kind comes from the failures' types; facts missing without a failed read (an alert naming no
  // known node) count as `other`.
  const reason = unavailable ? (outcome.enrichmentFailure ?? EnrichmentFailureReason.other) : null;
  // Enrichment turned off on purpose (no EKS_CLUSTER_NAME) is not a failure to alarm on.
  if (reason !== null && reason !== EnrichmentFailureReason.off)
    countBy(MetricName.enrichmentFailures, { reason });
  if (outcome.kubeRequests !== undefined) countMetric(MetricName.kubeRequests, outcome.kubeRequests);
}
