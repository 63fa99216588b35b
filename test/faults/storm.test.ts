import { DescribeClusterCommand, EKSClient, ResourceNotFoundException } from "@aws-sdk/client-eks";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  linkLocalGroup,
  renderAwsJsonTemplate,
  renderWebhookV4,
  snsLambdaEvent,
  truncateLikeAmp,
} from "../../sim/alertmanager-messages.ts";
import { alertsInEvent } from "../support/amp-message.ts";
import { stubLambdaEnv } from "../support/lambda-env.ts";
import { lambdaContext } from "../support/routing-lambda.ts";
import { type CountingWebhook, startCountingWebhook } from "../support/routing-webhook.ts";

/**
 * A storm through ingest, the internal topic and both notify handlers: every alert that reached ingest
 * reaches Slack's and PagerDuty's handlers, each message under SNS's 256 KiB limit.
 */
const sns = mockClient(SNSClient);
const eks = mockClient(EKSClient);
let slack: CountingWebhook;
let pagerDuty: CountingWebhook;
type Handler = (event: unknown, context?: unknown) => Promise<unknown>;
let ingest: Handler;
let notifySlack: Handler;
let notifyPagerDuty: Handler;

beforeAll(async () => {
  slack = await startCountingWebhook();
  pagerDuty = await startCountingWebhook();
  stubLambdaEnv({
    INTERNAL_TOPIC_ARN: "arn:aws:sns:eu-west-1:111122223333:internal",
    ROUTES: "default => slack, pagerduty",
    SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/x`,
    PAGERDUTY_ROUTING_KEY: "R0UTINGKEY0123456789abcdef012345",
    PAGERDUTY_EVENTS_URL: pagerDuty.url,
  });
  sns.on(PublishCommand).resolves({ MessageId: "internal-storm" });
  eks
    .on(DescribeClusterCommand)
    .rejects(new ResourceNotFoundException({ message: "no cluster", $metadata: {} }));
  ingest = (await import("../../functions/ingest/index.ts")).handler as Handler;
  notifySlack = (await import("../../functions/notify-slack/index.ts")).handler as Handler;
  notifyPagerDuty = (await import("../../functions/notify-pagerduty/index.ts")).handler as Handler;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await slack.close();
  await pagerDuty.close();
});

/** The internal-topic record ingest published last, as SNS hands it to a subscriber. */
function internalRecord() {
  const input = sns.commandCalls(PublishCommand).at(-1)?.args[0].input;
  expect(Buffer.byteLength(input?.Message ?? "", "utf8")).toBeLessThanOrEqual(256 * 1024);
  return {
    Records: [
      { Sns: { MessageId: `internal-${sns.commandCalls(PublishCommand).length}`, Message: input?.Message } },
    ],
  };
}

describe("storms", () => {
  it.each([
    [
      "a 1,000-alert webhook group",
      () => snsLambdaEvent([{ body: renderWebhookV4(linkLocalGroup({ count: 1_000 })) }]),
    ],
    [
      "a 256 KB AMP body cut at the limit",
      () => snsLambdaEvent([truncateLikeAmp(renderAwsJsonTemplate(linkLocalGroup({ count: 1_500 })))]),
    ],
  ])(
    "%s: every alert that reached ingest reaches both notify handlers",
    async (_, makeEvent) => {
      sns.resetHistory();
      const [slackBefore, pdBefore] = [slack.delivered.length, pagerDuty.delivered.length];
      const event = makeEvent();
      const received = alertsInEvent(event).length;
      expect(received).toBeGreaterThan(300);
      await ingest(event);
      const record = internalRecord();
      await notifySlack(record, lambdaContext("notify-slack"));
      await notifyPagerDuty(record, lambdaContext("notify-pagerduty"));
      expect(slack.delivered.length - slackBefore).toBe(1);
      expect(pagerDuty.delivered.length - pdBefore).toBe(1);
      const sent = JSON.parse(pagerDuty.delivered.at(-1)?.body ?? "{}") as {
        payload: { custom_details: { node_count: number } };
      };
      expect(sent.payload.custom_details.node_count).toBe(received);
      expect(slack.delivered.at(-1)?.body).toContain(`${received} nodes`);
    },
    60_000,
  );
});
