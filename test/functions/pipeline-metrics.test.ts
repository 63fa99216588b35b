import { DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { METRICS_NAMESPACE, MetricName } from "../../shared/metrics/names.ts";
import { linkLocalGroup, renderWebhookV4, snsLambdaEvent } from "../../sim/alertmanager-messages.ts";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { stubLambdaEnv } from "../support/lambda-env.ts";
import { lambdaContext } from "../support/routing-lambda.ts";
import { type CountingWebhook, startCountingWebhook } from "../support/routing-webhook.ts";

/**
 * The pipeline's own metrics, as the handlers write them (CloudWatch EMF on stdout), for a storm, a failure
 * and a duplicate: the counts each document carries.
 */
type Handler = (event: unknown, context?: unknown) => Promise<unknown>;
const sns = mockClient(SNSClient);
const eks = mockClient(EKSClient);
let slack: CountingWebhook;
let pagerDuty: CountingWebhook;
let dynamo: LocalDynamo;
let ingest: Handler;
let notifySlack: Handler;
let notifyPagerDuty: Handler;
const emf: Record<string, unknown>[] = [];

beforeAll(async () => {
  slack = await startCountingWebhook();
  pagerDuty = await startCountingWebhook();
  dynamo = await startDynalite();
  await dynamo.createIdempotencyTable("metrics-idempotency");
  stubLambdaEnv({
    INTERNAL_TOPIC_ARN: "arn:aws:sns:eu-west-1:111122223333:internal",
    EKS_CLUSTER_NAME: "prod-eks-1",
    ENRICH_DEADLINE_MS: "2000",
    ROUTES: "default => slack, pagerduty",
    SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/x`,
    PAGERDUTY_ROUTING_KEY: "R0UTINGKEY0123456789abcdef012345",
    PAGERDUTY_EVENTS_URL: pagerDuty.url,
    IDEMPOTENCY_TABLE: "metrics-idempotency",
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  });
  sns.on(PublishCommand).resolves({ MessageId: "internal-1" });
  eks
    .on(DescribeClusterCommand)
    .rejects(Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" }));
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split("\n")) if (line.includes('"_aws"')) emf.push(JSON.parse(line));
    return true;
  });
  ingest = (await import("../../functions/ingest/index.ts")).handler as Handler;
  notifySlack = (await import("../../functions/notify-slack/index.ts")).handler as Handler;
  notifyPagerDuty = (await import("../../functions/notify-pagerduty/index.ts")).handler as Handler;
});
afterAll(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await Promise.all([slack.close(), pagerDuty.close(), dynamo.close()]);
});

/** Sum of a metric over the EMF documents written since `from`, those with exactly these dimensions. */
function total(from: number, name: string, dimensions: Record<string, string> = {}): number {
  return emf
    .slice(from)
    .filter((d) => {
      const directive = (d._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] })
        .CloudWatchMetrics[0];
      const keys = directive?.Dimensions[0] ?? [];
      const wanted = ["service", ...Object.keys(dimensions)];
      return (
        directive?.Namespace === METRICS_NAMESPACE &&
        keys.length === wanted.length &&
        wanted.every((k) => keys.includes(k)) &&
        Object.entries(dimensions).every(([k, v]) => d[k] === v)
      );
    })
    .flatMap((d) => [d[name] ?? []].flat() as number[])
    .reduce((sum, n) => sum + n, 0);
}

function internalRecord() {
  const message = sns.commandCalls(PublishCommand).at(-1)?.args[0].input.Message ?? "";
  return { Records: [{ Sns: { MessageId: `internal-${emf.length}`, Message: message } }] };
}

describe("the pipeline's metrics", () => {
  it("a storm: one group, its alerts, the enrichment failure by reason, one delivery per sink", async () => {
    const from = emf.length;
    await ingest(
      snsLambdaEvent([
        {
          body: renderWebhookV4(linkLocalGroup({ count: 1_000, cluster: "prod-eks-1" })),
          messageId: "storm-1",
        },
      ]),
    );
    expect(total(from, MetricName.groupsReceived)).toBe(1);
    expect(total(from, MetricName.groupsReceived, { format: "webhook-json" })).toBe(1);
    expect(total(from, MetricName.alertsReceived)).toBe(1_000);
    expect(total(from, MetricName.rawFallbacks)).toBe(0);
    expect(total(from, MetricName.enrichmentFailures)).toBe(1);
    expect(total(from, MetricName.enrichmentFailures, { reason: "forbidden" })).toBe(1);
    const record = internalRecord();
    await notifySlack(record, lambdaContext("notify-slack"));
    await notifyPagerDuty(record, lambdaContext("notify-pagerduty"));
    expect(total(from, MetricName.deliveries, { sink: "slack", outcome: "delivered" })).toBe(1);
    expect(total(from, MetricName.deliveries, { sink: "pagerduty", outcome: "delivered" })).toBe(1);
  });

  it("a duplicate: the redelivery is counted as suppressed, not delivered again", async () => {
    await ingest(
      snsLambdaEvent([
        { body: renderWebhookV4(linkLocalGroup({ count: 2, cluster: "prod-eks-1" })), messageId: "dup-1" },
      ]),
    );
    const record = internalRecord();
    await notifySlack(record, lambdaContext("notify-slack"));
    const from = emf.length;
    await notifySlack(record, lambdaContext("notify-slack"));
    expect(total(from, MetricName.duplicatesSuppressed)).toBe(1);
    expect(total(from, MetricName.deliveries, { sink: "slack", outcome: "duplicate" })).toBe(1);
    expect(total(from, MetricName.deliveries, { sink: "slack", outcome: "delivered" })).toBe(0);
  });

  it("a failure: a final 400 from PagerDuty is a failed delivery, and an unreadable message a raw fallback", async () => {
    const from = emf.length;
    await ingest(snsLambdaEvent([{ body: "Alerts Firing: garbled", messageId: "raw-1" }]));
    expect(total(from, MetricName.rawFallbacks)).toBe(1);
    await ingest(
      snsLambdaEvent([
        { body: renderWebhookV4(linkLocalGroup({ count: 1, cluster: "prod-eks-1" })), messageId: "fail-1" },
      ]),
    );
    pagerDuty.failNext(400, 400, 400, 400);
    await expect(notifyPagerDuty(internalRecord(), lambdaContext("notify-pagerduty"))).rejects.toThrow();
    expect(total(from, MetricName.deliveries, { sink: "pagerduty", outcome: "failed" })).toBe(1);
  });
});
