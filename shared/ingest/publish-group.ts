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
    if (value) attributes[name] = { DataType: "String", StringValue: value.slice(0, 256) };
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
