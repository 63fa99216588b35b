import { type MessageAttributeValue, PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { EnrichedAlertGroup } from "../model/index.ts";

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
  const attributes: Record<string, MessageAttributeValue> = {
    routes: { DataType: "String.Array", StringValue: JSON.stringify(group.routes) },
  };
  // SNS rejects empty attribute values, so absent ones are left out rather than sent blank.
  for (const [name, value] of Object.entries(strings)) {
    const clean = attributeText(value ?? "");
    if (clean) attributes[name] = { DataType: "String", StringValue: clean };
  }
  return attributes;
}

export async function publishGroup(
  sns: SNSClient,
  topicArn: string,
  group: EnrichedAlertGroup,
): Promise<string | undefined> {
  const result = await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Message: JSON.stringify(group),
      MessageAttributes: groupMessageAttributes(group),
    }),
  );
  return result.MessageId;
}

/**
 * A label value as an SNS attribute: control characters dropped (SNS rejects them and the publish would fail),
 * at most 256 characters, never half a surrogate pair.
 */
function attributeText(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const printable = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
  return [...printable].slice(0, 256).join("");
}
