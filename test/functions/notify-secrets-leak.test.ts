import { createServer } from "node:net";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { EnrichedAlertGroup } from "../../shared/model/index.ts";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { type CapturedOutput, captureOutput, errorText } from "../support/routing-capture.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { internalTopicEvent, lambdaContext } from "../support/routing-lambda.ts";
import { type CountingWebhook, startCountingWebhook } from "../support/routing-webhook.ts";

// Distinctive so any fragment that leaks is found: the team, hook and token segments of a webhook URL are
// each secret on their own, the routing key is secret whole.
const WEBHOOK_PATH = "/services/TLEAKTEAM/BLEAKHOOK/leakyWebhookToken123";
const ROUTING_KEY = "pdLeakyRoutingKey0123456789abcdef";
const SECRET_FRAGMENTS = ["TLEAKTEAM", "BLEAKHOOK", "leakyWebhookToken123", ROUTING_KEY];

const secretsManager = mockClient(SecretsManagerClient);
const ssm = mockClient(SSMClient);
type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
let notifySlack: Handler;
let notifyPagerDuty: Handler;
let dynamo: LocalDynamo;
let sink: CountingWebhook;
let output: CapturedOutput;
const thrown: unknown[] = [];
let runs = 0;

function useWebhook(url: string): void {
  secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ webhookUrl: url }) });
}

async function run(handler: Handler, name: string): Promise<void> {
  runs++;
  const group: EnrichedAlertGroup = enrichedGroup({
    source: { ...enrichedGroup().source, messageId: `leak-check-${runs}` },
  });
  try {
    await handler(internalTopicEvent([group]), lambdaContext(name));
  } catch (error) {
    thrown.push(error);
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createIdempotencyTable("sentinel-idempotency");
  sink = await startCountingWebhook();
  useWebhook(`${sink.url}${WEBHOOK_PATH}`);
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify({ routingKey: ROUTING_KEY }) } });
  const env = {
    SLACK_WEBHOOK_SECRET: "linklocal-sentinel/slack",
    PAGERDUTY_ROUTING_KEY_SECRET: "/linklocal-sentinel/pagerduty",
    PAGERDUTY_EVENTS_URL: `${sink.url}/v2/enqueue`,
    SECRETS_MAX_AGE_SECONDS: "0",
    IDEMPOTENCY_TABLE: "sentinel-idempotency",
    DUPLICATE_WINDOW_SECONDS: "0",
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    POWERTOOLS_LOG_LEVEL: "DEBUG",
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  output = captureOutput();
  ({ handler: notifySlack } = await import("../../functions/notify-slack/index.ts"));
  ({ handler: notifyPagerDuty } = await import("../../functions/notify-pagerduty/index.ts"));

  const slack = "linklocal-sentinel-notify-slack";
  const pagerDuty = "linklocal-sentinel-notify-pagerduty";
  await run(notifySlack, slack); // delivered
  sink.failNext(403); // final; the answer quotes the request path
  await run(notifySlack, slack);
  sink.failNext(500); // retried, then delivered
  await run(notifySlack, slack);
  sink.failNext(404);
  await run(notifySlack, slack);
  useWebhook(`http://127.0.0.1:${await closedPort()}${WEBHOOK_PATH}`); // network failure, retried, then fails
  await run(notifySlack, slack);
  useWebhook("not a url /services/TLEAKTEAM/BLEAKHOOK/leakyWebhookToken123"); // unusable secret value
  await run(notifySlack, slack);
  secretsManager
    .on(GetSecretValueCommand)
    .rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
  await run(notifySlack, slack);

  await run(notifyPagerDuty, pagerDuty); // delivered
  sink.failNext(400); // final; the answer quotes the request body, routing key included
  await run(notifyPagerDuty, pagerDuty);
  sink.failNext(503); // retried, then delivered
  await run(notifyPagerDuty, pagerDuty);
  output.restore();
}, 60_000);

afterAll(async () => {
  output.restore();
  vi.unstubAllEnvs();
  await sink.close();
  await dynamo.close();
});

describe("secrets never leave the notify functions", () => {
  it("ran every path: deliveries, final and retried failures, network errors, bad and unreadable secrets", () => {
    const logs = output.text();
    expect(logs).toContain('"correlation_id":"leak-check-1"');
    expect(logs).toContain("notification delivered");
    expect(logs).toContain("notification failed");
    expect(thrown).toHaveLength(6);
    expect(thrown.map((error) => (error as Error).name)).toEqual([
      "DeliveryError",
      "DeliveryError",
      "DeliveryError",
      "ConfigError",
      "SecretUnavailableError",
      "DeliveryError",
    ]);
    // The failing sink answers quoted the secrets, so redaction is what kept them out.
    expect(sink.received.some((request) => request.path.includes("leakyWebhookToken123"))).toBe(true);
    expect(sink.received.some((request) => request.body.includes(ROUTING_KEY))).toBe(true);
  });

  it.each(SECRET_FRAGMENTS)("no log line contains %s", (fragment) => {
    expect(output.text()).not.toContain(fragment);
  });

  it.each(SECRET_FRAGMENTS)("no thrown error (message, stack or cause) contains %s", (fragment) => {
    for (const error of thrown) expect(errorText(error)).not.toContain(fragment);
  });
});
