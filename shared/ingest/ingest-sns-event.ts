import { errorMessage, SentinelError } from "../errors.ts";
import { logger } from "../logger.ts";
import { countMetric, flushMetrics } from "../metrics/metrics.ts";
import { MetricName } from "../metrics/names.ts";
import { type IngestDeps, ingestMessage } from "./ingest-message.ts";
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
  for (const message of messages) {
    logger.setCorrelationId(message.messageId);
    try {
      const { group, heartbeat } = await ingestMessage(message, deps);
      if (heartbeat) {
        // Recorded, never published: a heartbeat is for the stack's alarm, not for a human.
        countMetric(MetricName.heartbeats);
        heartbeats += 1;
        continue;
      }
      const publishedId = await publishGroup(deps.sns, deps.internalTopicArn, group);
      logger.info("published to the internal topic", { publishedId, routes: group.routes });
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
  return { published: messages.length - heartbeats, heartbeats };
}
