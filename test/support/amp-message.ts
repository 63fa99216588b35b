import type { Alert } from "../../shared/model/index.ts";
import { type AmpMessage, parseAmpMessage } from "../../shared/parse/index.ts";
import type { snsLambdaEvent } from "../../sim/alertmanager-messages.ts";

/** A fresh AMP message for each test, with the SNS fields a real delivery carries. */
export function ampMessage(body: string, overrides: Partial<AmpMessage> = {}): AmpMessage {
  return {
    messageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
    body,
    subject: null,
    attributes: {},
    topicArn: "arn:aws:sns:us-east-1:111122223333:amp-alerts",
    timestamp: "2026-11-23T03:04:05.678Z",
    ...overrides,
  };
}

/** The alerts the parser reads from the first record of a Lambda SNS event: what ingest received. */
export function alertsInEvent(event: ReturnType<typeof snsLambdaEvent>): Alert[] {
  const record = event.Records[0]?.Sns;
  if (!record) return [];
  const attributes = Object.fromEntries(
    Object.entries(record.MessageAttributes).map(([k, v]) => [k, v.Value]),
  );
  const parsed = parseAmpMessage(
    {
      messageId: record.MessageId,
      body: record.Message,
      subject: null,
      attributes,
      topicArn: null,
      timestamp: null,
    },
    { clusterLabel: "cluster" },
  );
  return parsed.ok ? parsed.group.alerts : [];
}
