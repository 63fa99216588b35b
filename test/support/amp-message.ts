import type { AmpMessage } from "../../shared/parse/index.ts";

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
