import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { captureOutput } from "../support/routing-capture.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { internalTopicEvent, lambdaContext } from "../support/routing-lambda.ts";
import { type CountingWebhook, startCountingWebhook } from "../support/routing-webhook.ts";

const secretsManager = mockClient(SecretsManagerClient);
let dynamo: LocalDynamo;
let slack: CountingWebhook;
let handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
const context = lambdaContext("linklocal-sentinel-notify-slack");

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createIdempotencyTable("sentinel-idempotency");
  slack = await startCountingWebhook();
  secretsManager
    .on(GetSecretValueCommand, { SecretId: "linklocal-sentinel/slack" })
    .resolves({ SecretString: JSON.stringify({ webhookUrl: `${slack.url}/services/T000/B000/token` }) });
  vi.stubEnv("SLACK_WEBHOOK_SECRET", "linklocal-sentinel/slack");
  vi.stubEnv("IDEMPOTENCY_TABLE", "sentinel-idempotency");
  // These groups share content on purpose across message ids; HA duplicates are tested in test/faults.
  vi.stubEnv("DUPLICATE_WINDOW_SECONDS", "0");
  vi.stubEnv("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint);
  vi.stubEnv("AWS_REGION", "eu-west-1");
  vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", "SILENT");
  ({ handler } = await import("../../functions/notify-slack/index.ts"));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await slack.close();
  await dynamo.close();
});

describe("notify-slack handler", () => {
  it("posts one Block Kit message for a group delivered three times", async () => {
    const group = enrichedGroup();
    for (let i = 0; i < 3; i++) await handler(internalTopicEvent([group], [`internal-${i}`]), context);
    expect(slack.delivered).toHaveLength(1);
    const message = JSON.parse(slack.delivered[0]!.body) as { blocks?: unknown[]; text?: string };
    expect(message.blocks?.length).toBeGreaterThan(0);
    expect(slack.delivered[0]!.path).toBe("/hook/services/T000/B000/token");
    // The secret is read once per max age, not per invocation.
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("posts the resolved group as its own message", async () => {
    const before = slack.delivered.length;
    const resolved = enrichedGroup({
      status: "resolved",
      source: { ...enrichedGroup().source, messageId: "9d0e2c4a-resolved" },
    });
    await handler(internalTopicEvent([resolved]), context);
    expect(slack.delivered.length).toBe(before + 1);
  });

  it("fails the invocation when Slack refuses, and posts on Lambda's retry", async () => {
    const group = enrichedGroup({ source: { ...enrichedGroup().source, messageId: "retry-me" } });
    const before = slack.delivered.length;
    slack.failNext(403);
    await expect(handler(internalTopicEvent([group]), context)).rejects.toThrow(/Slack refused the post/);
    await handler(internalTopicEvent([group]), context);
    await handler(internalTopicEvent([group]), context);
    expect(slack.delivered.length).toBe(before + 1);
  });

  it("fails at cold start, naming the variables, when no webhook is configured", async () => {
    vi.resetModules();
    vi.stubEnv("SLACK_WEBHOOK_SECRET", "");
    const output = captureOutput();
    try {
      const failed = import("../../functions/notify-slack/index.ts");
      // A fresh module graph has its own ConfigError class, so the name is compared.
      await expect(failed).rejects.toMatchObject({
        name: "ConfigError",
        message: expect.stringMatching(/set SLACK_WEBHOOK_SECRET .* or SLACK_WEBHOOK_URL/),
      });
    } finally {
      output.restore();
      vi.stubEnv("SLACK_WEBHOOK_SECRET", "linklocal-sentinel/slack");
    }
  });
});
