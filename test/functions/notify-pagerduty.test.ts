import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { captureOutput } from "../support/routing-capture.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { internalTopicEvent, lambdaContext } from "../support/routing-lambda.ts";
import { type CountingWebhook, startCountingWebhook } from "../support/routing-webhook.ts";

const ROUTING_KEY = "R0UTINGKEY0123456789abcdef012345";
const ssm = mockClient(SSMClient);
let dynamo: LocalDynamo;
let pagerDuty: CountingWebhook;
let handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
const context = lambdaContext("linklocal-sentinel-notify-pagerduty");

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createIdempotencyTable("sentinel-idempotency");
  pagerDuty = await startCountingWebhook();
  ssm
    .on(GetParameterCommand, { Name: "/linklocal-sentinel/pagerduty" })
    .resolves({ Parameter: { Value: ROUTING_KEY } });
  vi.stubEnv("PAGERDUTY_ROUTING_KEY_SECRET", "/linklocal-sentinel/pagerduty");
  vi.stubEnv("PAGERDUTY_EVENTS_URL", pagerDuty.url);
  vi.stubEnv("IDEMPOTENCY_TABLE", "sentinel-idempotency");
  // These groups share content on purpose across message ids; HA duplicates are tested in test/faults.
  vi.stubEnv("DUPLICATE_WINDOW_SECONDS", "0");
  vi.stubEnv("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint);
  vi.stubEnv("AWS_REGION", "eu-west-1");
  vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", "SILENT");
  ({ handler } = await import("../../functions/notify-pagerduty/index.ts"));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await pagerDuty.close();
  await dynamo.close();
});

interface SentEvent {
  routing_key: string;
  event_action: string;
  dedup_key: string;
}

describe("notify-pagerduty handler", () => {
  it("triggers once for a group delivered three times, at PAGERDUTY_EVENTS_URL, with the SSM routing key", async () => {
    const group = enrichedGroup();
    for (let i = 0; i < 3; i++) await handler(internalTopicEvent([group], [`internal-${i}`]), context);
    expect(pagerDuty.delivered).toHaveLength(1);
    const event = JSON.parse(pagerDuty.delivered[0]!.body) as SentEvent;
    expect(event).toMatchObject({ routing_key: ROUTING_KEY, event_action: "trigger" });
    const calls = ssm.commandCalls(GetParameterCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input.WithDecryption).toBe(true);
  });

  it("resolves the same incident when the group resolves", async () => {
    const resolved = enrichedGroup({
      status: "resolved",
      alerts: enrichedGroup().alerts.map((alert) => ({
        ...alert,
        status: "resolved",
        endsAt: "2026-11-23T08:30:00.000Z",
      })),
      source: { ...enrichedGroup().source, messageId: "resolved-msg" },
    });
    await handler(internalTopicEvent([resolved]), context);
    await handler(internalTopicEvent([resolved]), context);
    const events = pagerDuty.delivered.map((post) => JSON.parse(post.body) as SentEvent);
    expect(events.map((event) => event.event_action)).toEqual(["trigger", "resolve"]);
    expect(events[1]!.dedup_key).toBe(events[0]!.dedup_key);
  });

  it("fails the invocation on a 400 so it reaches the on-failure destination", async () => {
    // Another incident: the one above was resolved, and a trigger older than its resolve is not sent at all.
    const group = enrichedGroup({
      cluster: "prod-us-1",
      source: { ...enrichedGroup().source, messageId: "bad-event" },
    });
    pagerDuty.failNext(400);
    await expect(handler(internalTopicEvent([group]), context)).rejects.toThrow(
      /PagerDuty rejected the event/,
    );
  });

  it("fails at cold start, naming the variables, when no routing key is configured", async () => {
    vi.resetModules();
    vi.stubEnv("PAGERDUTY_ROUTING_KEY_SECRET", "");
    const output = captureOutput();
    try {
      await expect(import("../../functions/notify-pagerduty/index.ts")).rejects.toMatchObject({
        name: "ConfigError",
        message: expect.stringMatching(/set PAGERDUTY_ROUTING_KEY_SECRET .* or PAGERDUTY_ROUTING_KEY/),
      });
    } finally {
      output.restore();
    }
  });
});
