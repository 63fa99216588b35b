import type { Notifier } from "../deliver/notifier.ts";
import { groupContentKey } from "../idempotency/content-key.ts";
import type { DeliveryGuard } from "../idempotency/delivery-guard.ts";
import { DeliveryInProgressError } from "../idempotency/errors.ts";
import {
  type InternalMessage,
  readInternalMessage,
  type SnsRecordLike,
} from "../internal-topic/read-message.ts";
import type { logger as sharedLogger } from "../logger.ts";
import type { EnrichedAlertGroup, ScaleReport, Sink, VerificationReport } from "../model/index.ts";

export type NotifyLogger = Pick<typeof sharedLogger, "info" | "warn" | "error" | "setCorrelationId">;

export interface NotifyDeps {
  sink: Sink;
  /** The sink's notifier, with its secret resolved (see notifierFromSecret). */
  getNotifier: () => Promise<Notifier>;
  guard: DeliveryGuard;
  logger: NotifyLogger;
}

export const RecordStatus = {
  delivered: "delivered",
  /** An earlier invocation already delivered this message to this sink. */
  duplicate: "duplicate",
  /** The group's routes do not name this sink (a subscription without the routes filter). */
  notRouted: "not-routed",
  /** Nothing to send: a PagerDuty trigger older than the incident's last resolve. */
  skipped: "skipped",
} as const;
export type RecordStatus = (typeof RecordStatus)[keyof typeof RecordStatus];

export interface RecordOutcome {
  messageId: string;
  status: RecordStatus;
  /** HTTP requests this invocation made (0 for a duplicate or a group not routed here). */
  requests: number;
}

/**
 * One internal-topic record through one sink, exactly once per AMP message: the correlation id and the
 * idempotency key are the group's `source.messageId`, which every redelivery and every ingest retry of the
 * same alert shares (the internal record's own id differs per publish). Failures are logged and rethrown.
 */
export async function notifyRecord(
  record: SnsRecordLike,
  index: number,
  deps: NotifyDeps,
): Promise<RecordOutcome> {
  const { sink, logger } = deps;
  // Until the group is read, the internal record's id is the best handle (and no previous id lingers).
  logger.setCorrelationId(record.Sns.MessageId);
  const message = readOrFail(record, index, deps);
  if (message.kind !== "group") return notifyFollowUp(record, message, deps);
  const group = message.group;
  const messageId = group.source.messageId || record.Sns.MessageId;
  logger.setCorrelationId(messageId);
  const about: GroupLogFields = {
    sink,
    internalMessageId: record.Sns.MessageId,
    alertname: group.alertname,
    cluster: group.cluster,
  };

  if (!group.routes.includes(sink)) {
    logger.warn("group is not routed to this sink; check the subscription filter policy", {
      ...about,
      routes: group.routes,
    });
    return { messageId, status: RecordStatus.notRouted, requests: 0 };
  }
  try {
    return await deliverGroup(group, messageId, about, deps);
  } catch (error) {
    const failure = describeFailure(error);
    if (error instanceof DeliveryInProgressError)
      logger.warn("delivery already in progress; failing so Lambda retries", { ...about, failure });
    else logger.error("notification failed; failing so Lambda retries", { ...about, failure });
    throw error;
  }
}

/** What every log line about one group says. */
type GroupLogFields = {
  sink: Sink;
  internalMessageId: string;
  alertname: string | null;
  cluster: string | null;
};

/** The record's message; one that is not is logged and rethrown, so it reaches the on-failure destination. */
function readOrFail(record: SnsRecordLike, index: number, deps: NotifyDeps): InternalMessage {
  try {
    return readInternalMessage(record, index);
  } catch (error) {
    deps.logger.error(
      "record is not an alert group or scale report; failing so it reaches the on-failure destination",
      {
        sink: deps.sink,
        failure: describeFailure(error),
      },
    );
    throw error;
  }
}

/** The group through the sink once (this message, or the same alerts from another peer), logging the outcome. */
async function deliverGroup(
  group: EnrichedAlertGroup,
  messageId: string,
  about: GroupLogFields,
  deps: NotifyDeps,
): Promise<RecordOutcome> {
  const { sink, logger } = deps;
  const notifier = await deps.getNotifier();
  const outcome = await deps.guard.deliverOnce({ sink, messageId, contentKey: groupContentKey(group) }, () =>
    notifier.send(group),
  );
  if (!outcome.delivered) {
    logger.info("already delivered (this message, or the same alerts from another Alertmanager peer)", about);
    return { messageId, status: RecordStatus.duplicate, requests: 0 };
  }
  if (outcome.completionError !== undefined) {
    logger.error(
      "delivered, but the idempotency record could not be completed; a late redelivery may post again",
      {
        ...about,
        failure: { message: outcome.completionError },
      },
    );
  }
  if (outcome.result.skipped !== undefined) {
    logger.warn("not sent", { ...about, status: group.status, reason: outcome.result.skipped });
    return { messageId, status: RecordStatus.skipped, requests: 0 };
  }
  logger.info("notification delivered", {
    ...about,
    status: group.status,
    requests: outcome.result.requests,
  });
  return { messageId, status: RecordStatus.delivered, requests: outcome.result.requests };
}

/** What the pipeline itself says after an alert: the scaler's decision, or whether the drops stopped. */
type FollowUp =
  | { kind: "scale-report"; report: ScaleReport }
  | { kind: "verification"; report: VerificationReport };

/**
 * A follow-up, once per sink: keyed by the prompting group's message id under the follow-up's own prefix, so
 * the alert, its scale report and its verification are three deliveries of the same AMP message, each once.
 */
async function notifyFollowUp(
  record: SnsRecordLike,
  followUp: FollowUp,
  deps: NotifyDeps,
): Promise<RecordOutcome> {
  const { sink, logger } = deps;
  const { kind, report } = followUp;
  const messageId = `${kind}:${report.messageId}`;
  logger.setCorrelationId(report.messageId);
  const about = { sink, kind, internalMessageId: record.Sns.MessageId, cluster: report.cluster };
  if (!report.routes.includes(sink)) {
    logger.warn(`${kind} is not routed to this sink; check the subscription filter policy`, about);
    return { messageId, status: RecordStatus.notRouted, requests: 0 };
  }
  try {
    const notifier = await deps.getNotifier();
    const send = () =>
      followUp.kind === "scale-report"
        ? notifier.sendScaleReport(followUp.report)
        : notifier.sendVerification(followUp.report);
    const outcome = await deps.guard.deliverOnce({ sink, messageId }, send);
    if (!outcome.delivered) {
      logger.info(`${kind} already delivered`, about);
      return { messageId, status: RecordStatus.duplicate, requests: 0 };
    }
    logger.info(`${kind} delivered`, { ...about, requests: outcome.result.requests });
    return { messageId, status: RecordStatus.delivered, requests: outcome.result.requests };
  } catch (error) {
    logger.error(`${kind} failed; failing so Lambda retries`, { ...about, failure: describeFailure(error) });
    throw error;
  }
}

/** Only name and message: both are redacted by their makers, unlike causes and stacks of library errors. */
function describeFailure(error: unknown): { name?: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { message: String(error) };
}
