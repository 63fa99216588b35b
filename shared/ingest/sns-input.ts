// zod/mini rather than Powertools parser's SnsSchema: that schema pulls in classic zod, ~440 KiB of the
// ingest bundle, for a check this small.
import * as z from "zod/mini";
import { InputError } from "../errors.ts";
import type { AmpMessage } from "../parse/index.ts";
import { isRecord } from "../parse/json-message.ts";
import { readOnFailureRecord } from "./on-failure-record.ts";

/**
 * Turns what reaches us into AMP messages: a Lambda SNS event (validated with Powertools' schema), a bare SNS
 * notification, or an Alertmanager webhook body saved to a file for `replay`.
 */

/** The notification fields we read, common to the strict and the loose schemas. */
interface NotificationFields {
  MessageId: string;
  Message: string;
  Subject?: string | null;
  TopicArn?: string | null;
  Timestamp?: string | null;
  MessageAttributes?: Record<string, { Value: string }> | null;
}

const MessageAttributes = z.record(z.string(), z.object({ Type: z.optional(z.string()), Value: z.string() }));

// What Lambda delivers from an SNS subscription (https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html).
const SnsLambdaEvent = z.object({
  Records: z
    .array(
      z.object({
        EventSource: z.literal("aws:sns"),
        Sns: z.object({
          Type: z.literal("Notification"),
          MessageId: z.string().check(z.minLength(1)),
          TopicArn: z.string(),
          Subject: z.nullish(z.string()),
          Message: z.string(),
          Timestamp: z.string(),
          MessageAttributes: z.optional(MessageAttributes),
        }),
      }),
    )
    .check(z.minLength(1)),
});

export function ampMessagesFromLambdaEvent(event: unknown): AmpMessage[] {
  const parsed = SnsLambdaEvent.safeParse(event);
  if (!parsed.success) throw new InputError(`not an SNS Lambda event: ${describeIssue(parsed.error)}`);
  return parsed.data.Records.map((record) => fromNotification(record.Sns));
}

// Files a user saves are often hand-trimmed, so replay accepts the fields that matter and nothing more.
const LooseNotification = z.object({
  MessageId: z.string().check(z.minLength(1)),
  Message: z.string(),
  Subject: z.nullish(z.string()),
  TopicArn: z.nullish(z.string()),
  Timestamp: z.nullish(z.string()),
  MessageAttributes: z.nullish(MessageAttributes),
});
const LooseLambdaEvent = z.object({
  Records: z.array(z.object({ Sns: LooseNotification })).check(z.minLength(1)),
});

export type ReplayInputKind = "lambda-sns-event" | "sns-message" | "alertmanager-webhook" | "message-body";

export interface ReplayInput {
  kind: ReplayInputKind;
  messages: AmpMessage[];
}

/** Reads a replay file; `name` only labels the synthetic message id of a bare body. */
export function ampMessagesFromFile(text: string, name: string): ReplayInput {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON at all: a text body (default template or key: value) saved as is.
    return { kind: "message-body", messages: [bareMessage(text, name)] };
  }
  // A message parked in a failure queue: the event the function was given is inside.
  const parked = readOnFailureRecord(json);
  if (parked !== null) return ampMessagesFromFile(JSON.stringify(parked.requestPayload), name);
  if (isRecord(json) && "Records" in json) {
    const parsed = LooseLambdaEvent.safeParse(json);
    if (!parsed.success)
      throw new InputError(`${name}: not a valid SNS Lambda event: ${describeIssue(parsed.error)}`);
    return { kind: "lambda-sns-event", messages: parsed.data.Records.map((r) => fromNotification(r.Sns)) };
  }
  if (isRecord(json) && "Message" in json && "MessageId" in json) {
    const parsed = LooseNotification.safeParse(json);
    if (!parsed.success)
      throw new InputError(`${name}: not a valid SNS message: ${describeIssue(parsed.error)}`);
    return { kind: "sns-message", messages: [fromNotification(parsed.data)] };
  }
  if (isRecord(json) && "alerts" in json)
    return { kind: "alertmanager-webhook", messages: [bareMessage(text, name)] };
  // JSON that is none of these is still a message body: the parser decides, and explains, what it is.
  return { kind: "message-body", messages: [bareMessage(text, name)] };
}

function fromNotification(sns: NotificationFields): AmpMessage {
  const attributes: Record<string, string> = {};
  for (const [key, attribute] of Object.entries(sns.MessageAttributes ?? {}))
    attributes[key] = attribute.Value;
  return {
    messageId: sns.MessageId,
    body: sns.Message,
    subject: sns.Subject ?? null,
    attributes,
    topicArn: sns.TopicArn ?? null,
    timestamp: sns.Timestamp ?? null,
  };
}

function bareMessage(body: string, name: string): AmpMessage {
  return {
    messageId: `replay:${name}`,
    body,
    subject: null,
    attributes: {},
    topicArn: null,
    timestamp: null,
  };
}

function describeIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const where = issue.path.length > 0 ? issue.path.join(".") : "(root)";
  return `${where}: ${issue.message}`;
}
