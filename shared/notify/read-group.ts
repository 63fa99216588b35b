import { errorMessage, InputError } from "../errors.ts";
import { decodeGroupBody } from "../ingest/internal-message.ts";
import type { EnrichedAlertGroup } from "../model/index.ts";

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

/**
 * The EnrichedAlertGroup ingest published. Only what the notify path relies on is checked (the renderers
 * own the rest); a message that is not one is an InputError, which fails the invocation so it ends up in the
 * on-failure destination instead of vanishing.
 */
export function readEnrichedGroup(record: SnsRecordLike, index: number): EnrichedAlertGroup {
  const where = `SNS record at index ${index} (MessageId ${record.Sns.MessageId})`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.Sns.Message);
  } catch {
    throw new InputError(`${where} is not JSON; the internal topic carries EnrichedAlertGroup messages`);
  }
  try {
    parsed = decodeGroupBody(parsed);
  } catch (error) {
    throw new InputError(`${where} holds a compressed group that cannot be read: ${errorMessage(error)}`);
  }
  const group = parsed as Partial<EnrichedAlertGroup> | null;
  if (group === null || typeof group !== "object" || group.schemaVersion !== 1) {
    throw new InputError(`${where} is not an EnrichedAlertGroup with schemaVersion 1`);
  }
  if (
    !Array.isArray(group.alerts) ||
    !Array.isArray(group.routes) ||
    typeof group.source?.messageId !== "string"
  ) {
    throw new InputError(`${where} lacks alerts, routes or source.messageId`);
  }
  return group as EnrichedAlertGroup;
}
