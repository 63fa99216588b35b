import { type MessageAttributeValue, PublishCommand } from "@aws-sdk/client-sns";
import type { SnsPublisher } from "../ingest/publish-group.ts";
import type { ScaleReport } from "../model/index.ts";

/**
 * A scale report on the internal topic. `routes` carries only notifier sinks (never `coredns-scale`), so the
 * Slack and PagerDuty subscriptions pick it up and the scaler's own subscription cannot loop on it.
 */
export function scaleReportAttributes(report: ScaleReport): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {
    routes: { DataType: "String.Array", StringValue: JSON.stringify(report.routes) },
    kind: { DataType: "String", StringValue: report.kind },
    action: { DataType: "String", StringValue: report.action },
  };
  if (report.cluster) attributes.cluster = { DataType: "String", StringValue: report.cluster.slice(0, 256) };
  return attributes;
}

export function publishScaleReport(
  sns: SnsPublisher,
  topicArn: string,
  report: ScaleReport,
): Promise<string | undefined> {
  return sns.publish(
    new PublishCommand({
      TopicArn: topicArn,
      Message: JSON.stringify(report),
      MessageAttributes: scaleReportAttributes(report),
    }),
  );
}
