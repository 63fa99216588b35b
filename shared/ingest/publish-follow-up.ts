import { type MessageAttributeValue, PublishCommand } from "@aws-sdk/client-sns";
import type { ScaleReport, VerificationReport } from "../model/index.ts";
import { routedAttributes, type SnsPublisher } from "./publish-group.ts";

/** What follows an alert group on the internal topic: the scaler's report, then the verification. */
export type FollowUpReport = ScaleReport | VerificationReport;

/**
 * The attributes the subscriptions filter a follow-up on. `routes` carries only notifier sinks (never
 * `coredns-scale`), so the scaler cannot loop on its own report; `kind` lets the verify queue take scale
 * reports and never a verification. `alertname` keeps headroom warnings out of the verify queue.
 */
export function followUpAttributes(report: FollowUpReport): Record<string, MessageAttributeValue> {
  // Cleaned as a group's are: a label value could hold what SNS (or the SDK's serializer) refuses.
  return routedAttributes(report.routes, {
    kind: report.kind,
    action: report.kind === "scale-report" ? report.action : null,
    cluster: report.cluster,
    alertname: report.alertname,
  });
}

export function publishFollowUp(
  sns: SnsPublisher,
  topicArn: string,
  report: FollowUpReport,
): Promise<string | undefined> {
  return sns.publish(
    new PublishCommand({
      TopicArn: topicArn,
      Message: JSON.stringify(report),
      MessageAttributes: followUpAttributes(report),
    }),
  );
}
