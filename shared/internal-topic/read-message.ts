import { errorMessage, InputError } from "../errors.ts";
import type { EnrichedAlertGroup, ScaleReport, VerificationReport } from "../model/index.ts";
import { decodeGroupBody } from "../model/internal-message.ts";

// Every reader of the internal topic (notify, scale, verify) reads it here, below all three, so none of them
// imports another to read a message.

/** The parts of an SNS Lambda record the notify functions read. */
export interface SnsRecordLike {
  Sns: { MessageId: string; Message: string };
}

/** `Records` of an SNS Lambda event; anything else is an InputError (a wrong trigger, a test event). */
export function snsRecords(event: unknown): SnsRecordLike[] {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) throw new InputError("the event is not an SNS event: it has no Records array");
  return records.map((record, index) => {
    const sns = (record as { Sns?: { MessageId?: unknown; Message?: unknown } } | null)?.Sns;
    if (typeof sns?.MessageId !== "string" || typeof sns.Message !== "string") {
      throw new InputError(`SNS record at index ${index} has no Sns.MessageId and Sns.Message strings`);
    }
    return { Sns: { MessageId: sns.MessageId, Message: sns.Message } };
  });
}

/** What travels on the internal topic: an alert group from ingest, or a scale report from the scaler. */
export type InternalMessage =
  | { kind: "group"; group: EnrichedAlertGroup }
  | { kind: "scale-report"; report: ScaleReport }
  | { kind: "verification"; report: VerificationReport };

/**
 * The EnrichedAlertGroup ingest published, or the ScaleReport the scaler published. Only what the notify path
 * relies on is checked (the renderers own the rest); a message that is neither is an InputError, which fails
 * the invocation so it ends up in the on-failure destination instead of vanishing.
 */
export function readInternalMessage(record: SnsRecordLike, index: number): InternalMessage {
  const where = `SNS record at index ${index} (MessageId ${record.Sns.MessageId})`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.Sns.Message);
  } catch {
    throw new InputError(`${where} is not JSON; the internal topic carries alert groups and scale reports`);
  }
  try {
    parsed = decodeGroupBody(parsed);
  } catch (error) {
    throw new InputError(`${where} holds a compressed group that cannot be read: ${errorMessage(error)}`);
  }
  const message = parsed as (Partial<EnrichedAlertGroup> & Partial<Pick<ScaleReport, "kind">>) | null;
  if (message === null || typeof message !== "object" || message.schemaVersion !== 1) {
    throw new InputError(`${where} is not an EnrichedAlertGroup or ScaleReport with schemaVersion 1`);
  }
  if ((message as { kind?: string }).kind === "verification") {
    const report = message as unknown as Partial<VerificationReport>;
    if (
      typeof report.messageId !== "string" ||
      !Array.isArray(report.routes) ||
      typeof report.summary !== "string"
    ) {
      throw new InputError(`${where} is a verification without messageId, routes or summary`);
    }
    return { kind: "verification", report: report as VerificationReport };
  }
  if (message.kind === "scale-report") {
    const report = message as Partial<ScaleReport>;
    if (
      typeof report.messageId !== "string" ||
      !Array.isArray(report.routes) ||
      typeof report.action !== "string"
    ) {
      throw new InputError(`${where} is a scale report without messageId, routes or action`);
    }
    return { kind: "scale-report", report: report as ScaleReport };
  }
  if (
    !Array.isArray(message.alerts) ||
    !Array.isArray(message.routes) ||
    typeof message.source?.messageId !== "string"
  ) {
    throw new InputError(`${where} lacks alerts, routes or source.messageId`);
  }
  return { kind: "group", group: message as EnrichedAlertGroup };
}
