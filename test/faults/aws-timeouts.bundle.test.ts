import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AwsCallBudgets, worstCaseMs } from "../../shared/aws/client-options.ts";
import { linkLocalGroup, renderAwsJsonTemplate, snsLambdaEvent } from "../../sim/alertmanager-messages.ts";
import { importHandler, samBuild, samBuildDir } from "../support/bundles.ts";
import { startHungServer } from "../support/hung-server.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { internalTopicEvent, lambdaContext } from "../support/routing-lambda.ts";
import { type CountingWebhook, startCountingWebhook } from "../support/routing-webhook.ts";

/**
 * Every AWS client in the shipped bundles gives up on an endpoint that accepts the connection and never
 * answers. Without `throwOnRequestTimeout` the SDK only logs a warning and these calls wait for the Lambda
 * timeout; here each handler must fail on its own (the vitest bound is the call's worst case plus a margin).
 */
const build = samBuildDir();
let hung: Awaited<ReturnType<typeof startHungServer>>;
let sink: CountingWebhook;
const MARGIN_MS = 30_000;

async function loadBundle(logicalId: string, env: Record<string, string>) {
  return importHandler(await samBuild(logicalId, build.path), env);
}

beforeAll(async () => {
  hung = await startHungServer();
  sink = await startCountingWebhook();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await hung.close();
  await sink.close();
  build.remove();
});

describe("AWS calls against a hung endpoint, through the built bundles", () => {
  it(
    "ingest: a hung EKS ends at the enrichment deadline, a hung SNS Publish fails the invocation",
    async () => {
      const handler = await loadBundle("IngestFunction", {
        INTERNAL_TOPIC_ARN: "arn:aws:sns:eu-west-1:111122223333:internal",
        ENRICH_DEADLINE_MS: "1000",
        AWS_ENDPOINT_URL_SNS: hung.url,
        AWS_ENDPOINT_URL_EKS: hung.url,
      });
      const before = hung.connections();
      const event = snsLambdaEvent([{ body: renderAwsJsonTemplate(linkLocalGroup({ count: 1 })) }]);
      await expect(handler(event)).rejects.toThrow(/1 of 1 messages failed/);
      // Each attempt of the Publish was a request of its own that timed out (plus the EKS call).
      expect(hung.connections() - before).toBeGreaterThanOrEqual(AwsCallBudgets.sns.maxAttempts);
    },
    1_000 + worstCaseMs(AwsCallBudgets.sns) + MARGIN_MS,
  );

  it(
    "notify-slack: a hung DynamoDB idempotency table fails closed, and nothing is posted",
    async () => {
      const handler = await loadBundle("NotifySlackFunction", {
        SLACK_WEBHOOK_URL: `${sink.url}/services/T0/B0/x`,
        IDEMPOTENCY_TABLE: "sentinel-idempotency",
        AWS_ENDPOINT_URL_DYNAMODB: hung.url,
      });
      const posted = sink.received.length;
      await expect(
        handler(internalTopicEvent([enrichedGroup()], ["hung-dynamo-1"]), lambdaContext("notify-slack")),
      ).rejects.toThrow();
      expect(sink.received.length - posted).toBe(0);
    },
    3 * worstCaseMs(AwsCallBudgets.dynamodb) + MARGIN_MS,
  );

  it(
    "notify-pagerduty: a hung Secrets Manager fails the invocation, and nothing is sent",
    async () => {
      const handler = await loadBundle("NotifyPagerDutyFunction", {
        PAGERDUTY_ROUTING_KEY_SECRET: "linklocal-sentinel/pagerduty",
        PAGERDUTY_EVENTS_URL: `${sink.url}/v2/enqueue`,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: hung.url,
      });
      const sent = sink.received.length;
      await expect(
        handler(internalTopicEvent([enrichedGroup()], ["hung-secrets-1"]), lambdaContext("notify-pagerduty")),
      ).rejects.toThrow();
      expect(sink.received.length - sent).toBe(0);
    },
    worstCaseMs(AwsCallBudgets.secrets) + MARGIN_MS,
  );
});
