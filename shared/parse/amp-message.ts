/** One SNS message as AMP's Alertmanager published it, independent of how it reached us. */
export interface AmpMessage {
  messageId: string;
  body: string;
  subject: string | null;
  /** SNS message attributes, flattened to their string values (AMP sets `truncated` and `modified`). */
  attributes: Record<string, string>;
  topicArn: string | null;
  /** RFC 3339 publish time. */
  timestamp: string | null;
}

// AMP replaces bodies SNS would reject with these fixed strings (AMP user guide, "SNS receiver message
// validation and truncation rules"); they carry no alert, only the reason.
const REPLACED_BODY_PREFIXES = [
  "Error - not a valid UTF-8 encoded string",
  "Error - Message should not be empty",
];

/** The reason AMP gives when it replaced the body with an error string, else null. */
export function replacedBodyReason(message: AmpMessage): string | null {
  const body = message.body.trim();
  if (body === "") return "the message body is empty";
  const known = REPLACED_BODY_PREFIXES.find((prefix) => body.startsWith(prefix));
  if (!known) return null;
  const modified = message.attributes.modified;
  return `AMP replaced the body: ${modified ?? known}`;
}

export function isTruncatedByAmp(message: AmpMessage): boolean {
  return message.attributes.truncated?.toLowerCase() === "true";
}
