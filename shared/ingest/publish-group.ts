import { type MessageAttributeValue, PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { EnrichedAlertGroup } from "../model/index.ts";
import { encodeGroup, InternalEncoding } from "../model/internal-message.ts";
import { wellFormed } from "../well-formed.ts";
import { GROUP_BUDGET_BYTES } from "./fit-to-sns.ts";

/**
 * The attributes the sink subscriptions filter on. `routes` is a String.Array so a filter policy
 * `{"routes": ["pagerduty"]}` matches any group routed to PagerDuty among others.
 */
export function groupMessageAttributes(group: EnrichedAlertGroup): Record<string, MessageAttributeValue> {
  const severity = group.commonLabels.severity ?? group.alerts[0]?.labels.severity;
  const strings: Record<string, string | null | undefined> = {
    status: group.status,
    severity,
    cluster: group.cluster,
    alertname: group.alertname,
    format: group.source.format,
  };
  return routedAttributes(group.routes, strings);
}

/**
 * What every message on the internal topic carries: `routes` as a String.Array, and string attributes cleaned
 * for SNS. SNS rejects empty attribute values, so absent ones are left out rather than sent blank.
 */
export function routedAttributes(
  routes: readonly string[],
  strings: Record<string, string | null | undefined>,
): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {
    routes: { DataType: "String.Array", StringValue: JSON.stringify(routes) },
  };
  for (const [name, value] of Object.entries(strings)) {
    const clean = attributeText(value ?? "");
    if (clean) attributes[name] = { DataType: "String", StringValue: clean };
  }
  return attributes;
}

/**
 * Publishes to SNS through a client that is never reused after a failed call. The SDK's query serializer keeps
 * a half-written body when serialising throws (a lone surrogate made `encodeURIComponent` throw): the next
 * Publish from the same client sent `TopicArn` and `Message` twice, the failed group first. A fresh client
 * after any failure costs one new connection; a poisoned one costs the next group.
 */
export class SnsPublisher {
  private client: SNSClient;

  constructor(private readonly createClient: () => SNSClient) {
    this.client = createClient();
  }

  async publish(command: PublishCommand): Promise<string | undefined> {
    try {
      return (await this.client.send(command)).MessageId;
    } catch (error) {
      this.client = this.createClient();
      throw error;
    }
  }
}

export async function publishGroup(
  sns: SnsPublisher,
  topicArn: string,
  group: EnrichedAlertGroup,
): Promise<string | undefined> {
  const encoded = encodeGroup(group, GROUP_BUDGET_BYTES);
  const attributes = groupMessageAttributes(group);
  if (encoded.encoding !== InternalEncoding.json)
    attributes.encoding = { DataType: "String", StringValue: encoded.encoding };
  return sns.publish(
    new PublishCommand({ TopicArn: topicArn, Message: encoded.body, MessageAttributes: attributes }),
  );
}

/**
 * A label value as an SNS attribute: well-formed (a lone surrogate makes the SDK's serializer throw), control
 * characters dropped (SNS rejects them and the publish would fail), at most 256 characters, never half a
 * surrogate pair.
 */
function attributeText(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const printable = wellFormed(value).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
  return [...printable].slice(0, 256).join("");
}
