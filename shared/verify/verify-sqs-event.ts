import { errorMessage, InputError } from "../errors.ts";
import { readInternalMessage } from "../internal-topic/read-message.ts";
import type { logger as sharedLogger } from "../logger.ts";
import { countBy, flushMetrics } from "../metrics/metrics.ts";
import { MetricName } from "../metrics/names.ts";
import { Sink, type VerificationReport } from "../model/index.ts";
import { AmpQueryError } from "./amp-query.ts";
import { type FollowUpTarget, targetOfGroup, targetOfScaleReport } from "./follow-up-target.ts";
import type { RateSeries } from "./verdict.ts";
import type { VerifyConfig } from "./verify-config.ts";
import { unaskableVerification, uncheckedVerification, verifyTarget } from "./verify-group.ts";

export type VerifyLogger = Pick<typeof sharedLogger, "info" | "warn" | "error" | "setCorrelationId">;

export interface VerifyEventDeps {
  config: Pick<VerifyConfig, "followsScaleReports" | "maxReceives" | "clusterLabel">;
  query: (
    promql: string,
    range: { start: number; end: number; stepSeconds: number },
  ) => Promise<RateSeries[]>;
  publish: (report: VerificationReport) => Promise<unknown>;
  /** Unix seconds. */
  now: () => number;
  logger: VerifyLogger;
}

/** Lambda's partial batch response: the records SQS delivers again (and parks after maxReceiveCount). */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

interface SqsRecordLike {
  messageId: string;
  body: string;
  receiveCount: number;
}

/**
 * Every record of the verify queue (the internal topic's groups and scale reports, delayed): the check in
 * AMP, published as a verification for the notifiers. A record that fails is retried by SQS; on its last
 * receive a failed AMP query is reported as "not verified" rather than left to the dead-letter queue, and so
 * is a group that names no node to ask about. A record that cannot be read, or whose verification cannot be
 * published, fails each receive and ends in the dead-letter queue, which alarms.
 */
export async function verifySqsEvent(event: unknown, deps: VerifyEventDeps): Promise<SqsBatchResponse> {
  const failures: SqsBatchResponse["batchItemFailures"] = [];
  for (const record of sqsRecords(event)) {
    deps.logger.setCorrelationId(record.messageId);
    try {
      const outcome = await verifyRecord(record, deps);
      countBy(MetricName.verifications, { outcome });
    } catch (error) {
      deps.logger.error("verification failed; SQS delivers the record again", {
        error: errorMessage(error),
        detail: ampDetail(error),
        receiveCount: record.receiveCount,
      });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  flushMetrics();
  return { batchItemFailures: failures };
}

/** What happened to one record, as the Verifications metric counts it. */
type RecordOutcome = "stopped" | "dropping" | "not-verified" | "nothing-to-check" | "left-to-scale-report";

async function verifyRecord(record: SqsRecordLike, deps: VerifyEventDeps): Promise<RecordOutcome> {
  // Raw message delivery: the body is the internal topic's message itself, as the notifiers read it.
  const message = readInternalMessage({ Sns: { MessageId: record.messageId, Message: record.body } }, 0);
  if (message.kind === "verification")
    throw new InputError(
      `SQS message ${record.messageId} is a verification: the queue's filter lets none in`,
    );
  if (message.kind === "group" && deps.config.followsScaleReports && routedToScaler(message.group.routes)) {
    deps.logger.info("the scaler's report on this group is followed up instead");
    return "left-to-scale-report";
  }
  const target =
    message.kind === "group" ? targetOfGroup(message.group) : targetOfScaleReport(message.report);
  deps.logger.setCorrelationId(target.messageId);
  const checked = await check(target, record, deps);
  // Nothing to ask AMP about is still said, so on-call is not left waiting for a follow-up.
  const report = checked ?? unaskableVerification(target, deps.now());
  await deps.publish(report);
  if (checked === null) {
    deps.logger.info("nothing to verify: the group names no node or no cluster");
    return "nothing-to-check";
  }
  deps.logger.info("verification", {
    checked: report.checked,
    stopped: report.stopped,
    summary: report.summary,
  });
  if (!report.checked) return "not-verified";
  return report.stopped ? "stopped" : "dropping";
}

async function check(
  target: FollowUpTarget,
  record: SqsRecordLike,
  deps: VerifyEventDeps,
): Promise<VerificationReport | null> {
  const now = deps.now();
  try {
    return await verifyTarget(target, { query: deps.query, now, clusterLabel: deps.config.clusterLabel });
  } catch (error) {
    // Receives remain: the record fails, and verifySqsEvent logs it once.
    if (record.receiveCount < deps.config.maxReceives) throw error;
    deps.logger.warn("AMP could not be asked on the last receive: sending 'not verified'", {
      error: errorMessage(error),
      detail: ampDetail(error),
    });
    return uncheckedVerification(target, errorMessage(error), now);
  }
}

/** What AMP answered, for the log only: a 403 names the account and the role. */
function ampDetail(error: unknown): string | undefined {
  return error instanceof AmpQueryError ? error.detail : undefined;
}

function routedToScaler(routes: readonly string[]): boolean {
  return routes.includes(Sink.corednsScale);
}

/** `Records` of an SQS Lambda event; anything else is an InputError (a wrong trigger, a test event). */
function sqsRecords(event: unknown): SqsRecordLike[] {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) throw new InputError("the event is not an SQS event: it has no Records array");
  return records.map((record, index) => {
    const r = record as {
      messageId?: unknown;
      body?: unknown;
      attributes?: { ApproximateReceiveCount?: unknown };
    };
    if (typeof r?.messageId !== "string" || typeof r.body !== "string")
      throw new InputError(`SQS record at index ${index} has no messageId and body strings`);
    const receiveCount = Number(r.attributes?.ApproximateReceiveCount ?? 1);
    return {
      messageId: r.messageId,
      body: r.body,
      receiveCount: Number.isFinite(receiveCount) ? receiveCount : 1,
    };
  });
}
