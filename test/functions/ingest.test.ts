import { randomBytes } from "node:crypto";
import { DescribeClusterCommand, EKSClient, ResourceNotFoundException } from "@aws-sdk/client-eks";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EnrichedAlertGroup } from "../../shared/model/index.ts";
import { decodeGroupBody } from "../../shared/model/internal-message.ts";
import {
  linkLocalGroup,
  renderAwsJsonTemplate,
  renderDefaultText,
  renderWebhookV4,
  snsLambdaEvent,
  truncateLikeAmp,
} from "../../sim/alertmanager-messages.ts";

const TOPIC = "arn:aws:sns:us-east-1:111122223333:linklocal-sentinel-internal";
const sns = mockClient(SNSClient);
// No cluster behind these alerts: enrichment degrades, delivery goes on (tests/functions/ingest-eks covers enrichment).
const eks = mockClient(EKSClient);

async function loadHandler() {
  vi.resetModules();
  vi.stubEnv("INTERNAL_TOPIC_ARN", TOPIC);
  vi.stubEnv("AWS_REGION", "us-east-1");
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", "SILENT");
  return (await import("../../functions/ingest/index.ts")).handler;
}

function published(): { group: EnrichedAlertGroup; attributes: Record<string, unknown> }[] {
  return sns.commandCalls(PublishCommand).map((call) => ({
    group: decodeGroupBody(JSON.parse(call.args[0].input.Message ?? "null")) as EnrichedAlertGroup,
    attributes: call.args[0].input.MessageAttributes ?? {},
  }));
}

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: "internal-1" });
  eks.reset();
  eks
    .on(DescribeClusterCommand)
    .rejects(new ResourceNotFoundException({ message: "No cluster found", $metadata: {} }));
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("ingest handler", () => {
  it("publishes one enriched group per SNS message with the filter attributes", async () => {
    const handler = await loadHandler();
    const event = snsLambdaEvent([
      { body: renderAwsJsonTemplate(linkLocalGroup({ count: 3 })), messageId: "amp-1" },
    ]);
    await expect(handler(event)).resolves.toEqual({ published: 1, heartbeats: 0 });

    const [message] = published();
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toBe(TOPIC);
    expect(message?.group.schemaVersion).toBe(1);
    expect(message?.group.source.messageId).toBe("amp-1");
    expect(message?.group.alerts).toHaveLength(3);
    expect(message?.group.alerts.every((a) => a.node === null)).toBe(true);
    expect(message?.attributes).toEqual({
      routes: { DataType: "String.Array", StringValue: '["slack"]' },
      status: { DataType: "String", StringValue: "firing" },
      severity: { DataType: "String", StringValue: "critical" },
      cluster: { DataType: "String", StringValue: "prod-eks-1" },
      alertname: { DataType: "String", StringValue: "LinkLocalAllowanceExceeded" },
      format: { DataType: "String", StringValue: "aws-json-template" },
    });
  });

  it("publishes an unreadable message as a raw fallback routed to Slack", async () => {
    const handler = await loadHandler();
    const event = snsLambdaEvent([
      {
        body: "Error - not a valid UTF-8 encoded string",
        attributes: { truncated: "true", modified: "Message: Error - not a valid UTF-8 encoded string" },
      },
    ]);
    await handler(event);
    const [message] = published();
    expect(message?.group.status).toBe("unknown");
    expect(message?.group.raw).toEqual({
      reason: "AMP replaced the body: Message: Error - not a valid UTF-8 encoded string",
      text: "Error - not a valid UTF-8 encoded string",
      cut: false,
    });
    expect(message?.attributes.routes).toEqual({ DataType: "String.Array", StringValue: '["slack"]' });
    expect(message?.attributes).not.toHaveProperty("cluster");
  });

  it("keeps a raw fallback of a huge unreadable body within SNS's limit", async () => {
    const handler = await loadHandler();
    await handler(snsLambdaEvent([{ body: "ü garbage ".repeat(40_000) }]));
    const [call] = sns.commandCalls(PublishCommand);
    const bytes = Buffer.byteLength(call?.args[0].input.Message ?? "", "utf8");
    expect(bytes).toBeLessThanOrEqual(256 * 1024);
    expect(published()[0]?.group.raw?.cut).toBe(true);
  });

  it.each([
    ["quotes", '"'.repeat(250_000)],
    ["backslashes", "\\".repeat(250_000)],
    ["control characters", "\u0001".repeat(200_000)],
  ])("keeps a raw fallback of %s, which grow when escaped, within SNS's limit", async (_name, body) => {
    const handler = await loadHandler();
    await handler(snsLambdaEvent([{ body }]));
    const bytes = Buffer.byteLength(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? "", "utf8");
    expect(bytes).toBeLessThanOrEqual(256 * 1024);
    expect(published()[0]?.group.raw?.cut).toBe(true);
  });

  it("keeps a one-alert group with a runaway annotation, cutting the value rather than the alert", async () => {
    const handler = await loadHandler();
    const group = linkLocalGroup({ count: 1 });
    // Random text does not compress: even gzipped it is over the limit, so the value is cut.
    group.alerts[0]!.annotations.description = randomBytes(300_000).toString("base64");
    await handler(snsLambdaEvent([{ body: renderWebhookV4(group) }]));
    const bytes = Buffer.byteLength(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? "", "utf8");
    expect(bytes).toBeLessThanOrEqual(256 * 1024);
    const [message] = published();
    expect(message?.group.alerts).toHaveLength(1);
    expect(message?.group.alerts[0]?.labels.instance).toBe("10.0.0.4:9100");
    expect(message?.group.alerts[0]?.annotations.description).toMatch(/…\[cut\]$/);
    expect(message?.group.truncated).toBe(true);
  });

  it("sends a large but repetitive group whole, gzipped, and says so in an attribute", async () => {
    const handler = await loadHandler();
    const group = linkLocalGroup({ count: 1 });
    group.alerts[0]!.annotations.description = "\u0001x".repeat(150_000);
    await handler(snsLambdaEvent([{ body: renderWebhookV4(group) }]));
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(Buffer.byteLength(input?.Message ?? "", "utf8")).toBeLessThanOrEqual(256 * 1024);
    expect(input?.MessageAttributes?.encoding).toEqual({ DataType: "String", StringValue: "gzip+base64" });
    const [message] = published();
    expect(message?.group.alerts[0]?.annotations.description).toBe("\u0001x".repeat(150_000));
    expect(message?.group.truncated).toBe(false);
  });

  it("sends a group routed only to coredns-scale to Slack as well, so someone is told", async () => {
    vi.stubEnv("ROUTES", "default => coredns-scale");
    const handler = await loadHandler();
    await handler(snsLambdaEvent([{ body: renderWebhookV4(linkLocalGroup({ count: 1 })) }]));
    expect(published()[0]?.attributes.routes).toEqual({
      DataType: "String.Array",
      StringValue: '["coredns-scale","slack"]',
    });
  });

  it("strips control characters from attribute values, which SNS would reject", async () => {
    const handler = await loadHandler();
    const group = linkLocalGroup({ count: 1, cluster: "prod\u0000eks" });
    await handler(snsLambdaEvent([{ body: renderWebhookV4(group) }]));
    expect(published()[0]?.attributes.cluster).toEqual({ DataType: "String", StringValue: "prodeks" });
  });

  it("publishes every complete alert of a truncated body and flags it", async () => {
    const handler = await loadHandler();
    const cut = truncateLikeAmp(renderAwsJsonTemplate(linkLocalGroup({ count: 1200 })));
    await handler(snsLambdaEvent([{ body: cut.body, attributes: cut.attributes ?? {} }]));
    const [message] = published();
    expect(message?.group.truncated).toBe(true);
    expect(message?.group.alerts.length).toBeGreaterThan(100);
    const bytes = Buffer.byteLength(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? "", "utf8");
    expect(bytes).toBeLessThanOrEqual(256 * 1024);
  });

  it("handles every record of a batch and fails the invocation when one publish fails", async () => {
    const handler = await loadHandler();
    sns.on(PublishCommand).rejectsOnce(new Error("Throttling: Rate exceeded")).resolves({ MessageId: "ok" });
    const body = renderDefaultText(linkLocalGroup({ count: 1 }));
    const event = snsLambdaEvent([
      { body, messageId: "first" },
      { body, messageId: "second" },
    ]);
    await expect(handler(event)).rejects.toThrow("1 of 2 messages failed: first: Throttling: Rate exceeded");
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
  });

  it("rejects an event that is not from SNS, naming what is wrong", async () => {
    const handler = await loadHandler();
    await expect(handler({ Records: [{ eventSource: "aws:sqs", body: "{}" }] })).rejects.toThrow(
      /not an SNS Lambda event: Records\.0\./,
    );
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it("fails at cold start when INTERNAL_TOPIC_ARN is missing", async () => {
    vi.resetModules();
    vi.stubEnv("INTERNAL_TOPIC_ARN", "");
    await expect(import("../../functions/ingest/index.ts")).rejects.toThrow(
      "INTERNAL_TOPIC_ARN is required but not set",
    );
  });
});
